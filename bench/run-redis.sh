#!/usr/bin/env bash
# Shared counters through Redis: reservations/s from PROCS processes (each a gateway's worth of threads)
# reserving and settling against the same counters, then the latency one reservation adds.
# Args: [procs=3] [seconds=20] [threads per process=16] [latency samples=20000]. Prints figures only.
# Redis at $REDIS_URL (default redis://127.0.0.1:6379); every key is under a fresh prefix, deleted after.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PROCS=${1:-3}; SECONDS_=${2:-20}; THREADS=${3:-16}; SAMPLES=${4:-20000}
URL=${REDIS_URL:-redis://127.0.0.1:6379}
(cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl bench -am package -DskipTests)
CP="$ROOT/bench/target/tollgate-bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
PREFIX="bench:$(date +%s%N):"
cleanup() { redis-cli -u "$URL" --scan --pattern "${PREFIX}*" | xargs -r -n 500 redis-cli -u "$URL" del >/dev/null; }
trap cleanup EXIT
WARMUP_MS=${WARMUP_MS:-15000}
START=$(( $(date +%s%3N) + WARMUP_MS ))   # every process warms up until then, then counts from the same moment
OUT=$(mktemp -d)
for p in $(seq 1 "$PROCS"); do
  "$JAVA_HOME/bin/java" -Xmx512m -cp "$CP" dev.tollgate.bench.RedisReservationBench throughput "$PREFIX" "$SECONDS_" "$THREADS" "$START" "$URL" \
    >"$OUT/$p.txt" &
done
wait
cat "$OUT"/*.txt
awk -F'[= ]' '/^reservations=/ {n += $2; if ($6 + 0 > s) s = $6 + 0} END {printf "total: %d reservations in %.2f s from %d processes -> %.0f reservations/s\n", n, s, '"$PROCS"', n / s}' "$OUT"/*.txt
rm -rf "$OUT"
"$JAVA_HOME/bin/java" -Xmx512m -cp "$CP" dev.tollgate.bench.RedisReservationBench latency "$PREFIX" "$SAMPLES" "$URL"
