#!/usr/bin/env bash
# Side-by-side load test: direct, nginx, Portkey and Tollgate against one mock OpenAI upstream, on
# loopback, bounded in time (see ../shared/bench/bench-peers.sh for the layout and the table's columns).
# Tollgate runs with every policy it has on, as DESIGN.md §6 asks: an issued key (stored-key auth) with
# its own rpm/tpm limits, deployment rate limits (rpm, rpd, tpm), three budget rules matching every call
# (tokens per agent × provider, dollars per org, requests per day), routing, and the SQLite ledger.
# Limits are set far above what a run can reach, so every call pays for the checks and none is refused.
# The exact cache is on, and its lookup misses on every call (CACHE=miss, the default: answers are never stored,
# max_entry_bytes 1, and identical calls do not wait for each other, single_flight_wait_ms 0), as DESIGN.md §6
# measures; CACHE=hit stores the first answer, so every later call of the repeated prompt is a hit (the
# throughput of the cache-hit path); CACHE=off leaves the cache out.
# Usage: bench/run-peers.sh [extra bench-peers.sh args]   (env: DURATION, ROUNDS, PROFILES, POLICIES=off, CACHE, ...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=${BENCH_PEERS:-$ROOT/../shared/bench/bench-peers.sh}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR=$ROOT/gateway/target/tollgate.jar
PORT=${TOLLGATE_BENCH_PORT:-18090}
MOCK_PORT=${MOCK_PORT:-18080}
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
source "$ROOT/bench/all-policies.sh"

[[ -f $JAR ]] || (cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl gateway -am package -DskipTests)
DATA=$(mktemp -d /tmp/tollgate-bench-data.XXXXXX)
CONFIG=$DATA/tollgate.yaml
if [[ ${POLICIES:-on} == off ]]; then
  cat > "$CONFIG" <<YAML
master_key: sk-bench
data_dir: $DATA
providers:
  - {name: openai, kind: openai, api_key: sk-mock, base_url: "http://127.0.0.1:$MOCK_PORT/v1"}
YAML
  AUTH="Authorization: Bearer sk-bench"
else
  all_policies_config "$CONFIG" "$DATA" "$MOCK_PORT" "${CACHE:-miss}" || exit 2
  SECRET=$(bench_key "$JAVA" "$JAR" "$CONFIG") || exit 1
  AUTH="Authorization: Bearer $SECRET; X-Tollgate-Agent: bench; X-Tollgate-Feature: load"
fi
START="exec env -i PATH=/usr/bin:/bin TOLLGATE_LOG_LEVEL=WARN $JAVA ${TOLLGATE_BENCH_JAVA_OPTS:-} \
-jar $JAR serve --config $CONFIG --port $PORT"

# The floor row (FLOOR=off leaves it out): Tollgate's HTTP server and upstream client forwarding the bytes with no
# Tollgate logic (bench/FloorProxy), so the table separates what the libraries cost from what Tollgate's code costs.
FLOOR_ARGS=()
if [[ ${FLOOR:-on} == on ]]; then
  [[ -d $ROOT/bench/target/lib ]] || (cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl bench -am package -DskipTests)
  FLOOR_PORT=${TOLLGATE_FLOOR_PORT:-18091}
  FLOOR_ARGS=(--target "floor|http://127.0.0.1:$FLOOR_PORT/v1/chat/completions|"
    --start "floor|exec $JAVA ${TOLLGATE_FLOOR_JAVA_OPTS:-} -cp '$ROOT/bench/target/classes:$ROOT/bench/target/lib/*' \
dev.tollgate.bench.FloorProxy $FLOOR_PORT http://127.0.0.1:$MOCK_PORT/v1")
fi

"$PEERS" "${FLOOR_ARGS[@]}" \
  --target "tollgate|http://127.0.0.1:$PORT/v1/chat/completions|$AUTH" \
  --start "tollgate|$START" "$@"
echo "tollgate ledger after the run: $(sqlite3 "$DATA/tollgate.db" 'select count(*) from usage_events' 2>/dev/null || echo '?') events in $DATA/tollgate.db"
