#!/usr/bin/env bash
# Ledger benchmarks: events/s into SQLite through the journal and writer, then analytics latency over a
# large ledger, then every call of the dashboard over HTTP on the same ledger.
# Args: [events for throughput=1000000] [events for analytics=10000000]. Prints figures only.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
(cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl bench -am package -DskipTests)
CP="$ROOT/bench/target/tollgate-bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
run() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "$CP" "$@"; }
T=$(mktemp -d /tmp/tollgate-ledger-bench.XXXXXX)
run dev.tollgate.bench.LedgerBench "${1:-1000000}" 2 true "$T/journaled"
run dev.tollgate.bench.LedgerBench "${1:-1000000}" 2 false "$T/plain"
rm -rf "$T"
run dev.tollgate.bench.AnalyticsBench "${2:-10000000}" 35 "${ANALYTICS_DIR:-/tmp/tollgate-analytics-bench}"
run dev.tollgate.bench.DashboardBench "${2:-10000000}" 35 "${ANALYTICS_DIR:-/tmp/tollgate-analytics-bench}"
