#!/usr/bin/env bash
# One build of Tollgate under the peers bench's load, without the other rows, so two builds can be measured
# alternately: the node mock from ../shared/bench/bench-peers.sh and Tollgate (every policy on as
# bench/all-policies.sh writes it, cache miss) on CPU 1, wrk on CPU 0. After WARM seconds of load it measures DUR
# seconds and prints one line: requests/s, wrk's p50 and p99, the gateway's and the mock's CPU microseconds per
# request (from /proc/PID/stat) and CPU 1's steal ticks. The mock's figure moves with the machine, not with the
# gateway: when it moves, the run's machine was slower or faster, whatever the build.
# With STRACE=1 it then counts the gateway's system calls per request for 5 s of the same load (strace -f -c; the
# counts are what matter, strace slows the calls themselves).
# Usage: bench/run-ab.sh JAR LABEL   (env: WARM=60, DUR=20, CONNS=64, STRACE=0)
#   JAR must sit beside a lib/ folder (gateway/target/tollgate.jar, or a copy of an older build in gateway/target).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${1:?usage: bench/run-ab.sh JAR LABEL}; LABEL=${2:?usage: bench/run-ab.sh JAR LABEL}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
WARM=${WARM:-60}; DUR=${DUR:-20}; CONNS=${CONNS:-64}
source "$ROOT/bench/all-policies.sh"
DATA=$(mktemp -d /tmp/tollgate-ab.XXXXXX)
trap 'kill ${TG:-} ${MOCK:-} 2>/dev/null; rm -rf "$DATA"' EXIT
start_under_load "$JAVA" "$JAR" "$DATA" "$DATA"
load() { taskset -c 0 wrk -t2 -c"$CONNS" -d"$1s" --latency -s "$DATA/wrk.lua" http://127.0.0.1:18090/v1/chat/completions; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load "$WARM" > /dev/null
T0=$(cpu $TG); M0=$(cpu $MOCK); S0=$(awk '/^cpu1 / {print $9}' /proc/stat)
OUT=$(load "$DUR")
T1=$(cpu $TG); M1=$(cpu $MOCK); S1=$(awk '/^cpu1 / {print $9}' /proc/stat)
REQS=$(awk '/requests in/ {print $1}' <<< "$OUT")
HZ=$(getconf CLK_TCK)
echo "$LABEL conns=$CONNS rps=$(awk '/Requests\/sec/ {print $2}' <<< "$OUT") p50=$(awk '$1 == "50%" {print $2}' <<< "$OUT")" \
  "p99=$(awk '$1 == "99%" {print $2}' <<< "$OUT") us_per_req=$(( (T1 - T0) * 1000000 / HZ / REQS ))" \
  "mock_us_per_req=$(( (M1 - M0) * 1000000 / HZ / REQS )) cpu1_steal_ticks=$((S1 - S0))"
if [[ ${STRACE:-0} == 1 ]]; then
  timeout 7 strace -f -c -o "$DATA/strace.txt" -p "$(ls /proc/$TG/task | paste -sd,)" > /dev/null 2>&1 & ST=$!
  sleep 1
  N=$(load 5 | awk '/requests in/ {print $1}')
  wait $ST || true
  echo "$LABEL system calls per request (strace -f -c over $N requests):"
  awk -v n="$N" 'NR > 2 && $NF != "total" && $4 ~ /^[0-9]+$/ && $4 / n >= 0.01 {printf "  %-12s %.2f\n", $NF, $4 / n}' "$DATA/strace.txt"
fi
