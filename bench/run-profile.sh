#!/usr/bin/env bash
# A CPU profile of Tollgate under the peers bench's load, with async-profiler (from Maven Central): the node mock
# from ../shared/bench/bench-peers.sh and Tollgate (every policy on as bench/all-policies.sh writes it, cache miss)
# on CPU 1, wrk on CPU 0. After WARM seconds of load, the profiler is attached (itimer, 200 µs) for DUR seconds of load and writes collapsed stacks to OUT/collapsed.txt; bench/collapsed.py reads them. The figures it
# prints (requests/s, CPU per request) are slowed by the profiler: only the shares of the profile count.
# Usage: bench/run-profile.sh OUT   (env: WARM=60, DUR=20, CONNS=64, PROFILER=path to libasyncProfiler.so)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:?usage: bench/run-profile.sh OUT}; mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
JAR=$ROOT/gateway/target/tollgate.jar
[[ -f $JAR ]] || (cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl gateway -am package -DskipTests)
PROFILER=${PROFILER:-}
if [[ -z $PROFILER ]]; then   # async-profiler 4.2 from Maven Central, unpacked once
  PROFILER=/tmp/async-profiler-4.2/linux-x64/libasyncProfiler.so
  if [[ ! -f $PROFILER ]]; then
    mkdir -p /tmp/async-profiler-4.2
    curl -sSfL -o /tmp/async-profiler-4.2/ap.jar \
      https://repo1.maven.org/maven2/tools/profiler/async-profiler/4.2/async-profiler-4.2-linux-x64.jar
    (cd /tmp/async-profiler-4.2 && unzip -q -o ap.jar)
  fi
fi
DATA=$(mktemp -d /tmp/tollgate-profile.XXXXXX)
source "$ROOT/bench/all-policies.sh"
trap 'kill ${TG:-} ${MOCK:-} 2>/dev/null; rm -rf "$DATA"' EXIT
start_under_load "$JAVA" "$JAR" "$DATA" "$OUT"
cp "$DATA/wrk.lua" "$OUT/wrk.lua"
URL=http://127.0.0.1:18090/v1/chat/completions
taskset -c 0 wrk -t$(( ${CONNS:-64} < 2 ? 1 : 2 )) -c"${CONNS:-64}" -d"${WARM:-60}s" -s "$OUT/wrk.lua" "$URL" > "$OUT/warm.txt"
"$JAVA_HOME/bin/jcmd" $TG JVMTI.agent_load "$PROFILER" "\"start,event=itimer,interval=200us\"" > /dev/null
T0=$(awk '{print $14 + $15}' /proc/$TG/stat)
taskset -c 0 wrk -t$(( ${CONNS:-64} < 2 ? 1 : 2 )) -c"${CONNS:-64}" -d"${DUR:-20}s" --latency -s "$OUT/wrk.lua" "$URL" > "$OUT/run.txt"
T1=$(awk '{print $14 + $15}' /proc/$TG/stat)
"$JAVA_HOME/bin/jcmd" $TG JVMTI.agent_load "$PROFILER" "\"stop,file=$OUT/collapsed.txt,collapsed\"" > /dev/null
REQS=$(awk '/requests in/ {print $1}' "$OUT/run.txt")
echo "profiled: $(awk '/Requests\/sec/ {print $2}' "$OUT/run.txt") req/s, $(( (T1 - T0) * 1000000 / $(getconf CLK_TCK) / REQS )) µs CPU per request (with the profiler attached); stacks in $OUT/collapsed.txt"
