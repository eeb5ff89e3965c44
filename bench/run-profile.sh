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
CONFIG=$DATA/tollgate.yaml
source "$ROOT/bench/all-policies.sh"
all_policies_config "$CONFIG" "$DATA" 18080 miss
SECRET=$(bench_key "$JAVA" "$JAR" "$CONFIG")
# The mock is the one bench-peers.sh writes (between its "cat > mock-openai.mjs" line and the closing JS marker).
awk '/mock-openai.mjs" <<.JS.$/ {on=1; next} on && /^JS$/ {exit} on {print}' "$ROOT/../shared/bench/bench-peers.sh" > "$DATA/mock-openai.mjs"
MOCK_PORT=18080 taskset -c 1 node "$DATA/mock-openai.mjs" > "$OUT/mock.log" 2>&1 & MOCK=$!
env -i PATH=/usr/bin:/bin TOLLGATE_LOG_LEVEL=WARN taskset -c 1 $JAVA -jar "$JAR" serve --config "$CONFIG" --port 18090 > "$OUT/tollgate.log" 2>&1 & TG=$!
trap 'kill $TG $MOCK 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 150); do curl -sf -o /dev/null http://127.0.0.1:18090/health && break; sleep 0.2; done
cat > "$OUT/wrk.lua" <<LUA
wrk.method = "POST"
wrk.body = [==[{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test."}],"max_tokens":16}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $SECRET"
wrk.headers["X-Tollgate-Agent"] = "bench"
wrk.headers["X-Tollgate-Feature"] = "load"
LUA
URL=http://127.0.0.1:18090/v1/chat/completions
taskset -c 0 wrk -t2 -c"${CONNS:-64}" -d"${WARM:-60}s" -s "$OUT/wrk.lua" "$URL" > "$OUT/warm.txt"
"$JAVA_HOME/bin/jcmd" $TG JVMTI.agent_load "$PROFILER" "\"start,event=itimer,interval=200us\"" > /dev/null
T0=$(awk '{print $14 + $15}' /proc/$TG/stat)
taskset -c 0 wrk -t2 -c"${CONNS:-64}" -d"${DUR:-20}s" --latency -s "$OUT/wrk.lua" "$URL" > "$OUT/run.txt"
T1=$(awk '{print $14 + $15}' /proc/$TG/stat)
"$JAVA_HOME/bin/jcmd" $TG JVMTI.agent_load "$PROFILER" "\"stop,file=$OUT/collapsed.txt,collapsed\"" > /dev/null
REQS=$(awk '/requests in/ {print $1}' "$OUT/run.txt")
echo "profiled: $(awk '/Requests\/sec/ {print $2}' "$OUT/run.txt") req/s, $(( (T1 - T0) * 1000000 / $(getconf CLK_TCK) / REQS )) µs CPU per request (with the profiler attached); stacks in $OUT/collapsed.txt"
