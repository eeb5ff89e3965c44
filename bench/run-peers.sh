#!/usr/bin/env bash
# Side-by-side load test: direct, nginx, Portkey and Tollgate against one mock OpenAI upstream, on
# loopback, bounded in time (see ../shared/bench/bench-peers.sh for the layout and the table's columns).
# Tollgate runs with every policy it has on: master-key auth, routing, the SQLite ledger.
# Usage: bench/run-peers.sh [extra bench-peers.sh args]   (env: DURATION, ROUNDS, PROFILES, ...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=${BENCH_PEERS:-$ROOT/../shared/bench/bench-peers.sh}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR=$ROOT/gateway/target/tollgate.jar
PORT=${TOLLGATE_BENCH_PORT:-18090}
MOCK_PORT=${MOCK_PORT:-18080}

[[ -f $JAR ]] || (cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl gateway -am package -DskipTests)
DATA=$(mktemp -d /tmp/tollgate-bench-data.XXXXXX)
START="exec env -i PATH=/usr/bin:/bin OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 OPENAI_API_KEY=sk-mock \
TOLLGATE_MASTER_KEY=sk-bench TOLLGATE_LOG_LEVEL=WARN $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED \
${TOLLGATE_BENCH_JAVA_OPTS:-} -jar $JAR serve --port $PORT --data $DATA"

"$PEERS" \
  --target "tollgate|http://127.0.0.1:$PORT/v1/chat/completions|Authorization: Bearer sk-bench" \
  --start "tollgate|$START" "$@"
echo "tollgate ledger after the run: $(sqlite3 "$DATA/tollgate.db" 'select count(*) from usage_events' 2>/dev/null || echo '?') events in $DATA/tollgate.db"
