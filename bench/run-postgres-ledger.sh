#!/usr/bin/env bash
# Ledger events/s into PostgreSQL, through the journal and straight into the batched writer.
# Args: [events=1000000] [threads=2]. PostgreSQL at $PG_URL (default jdbc:postgresql://127.0.0.1:5432/test),
# user $PG_USER (default postgres); each run uses a fresh schema and drops it. Prints figures only.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
(cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl bench -am package -DskipTests)
CP="$ROOT/bench/target/tollgate-bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
URL=${PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}; USER_=${PG_USER:-postgres}
run() { "$JAVA_HOME/bin/java" -Xmx4g -cp "$CP" dev.tollgate.bench.PostgresLedgerBench "$@"; }
run "${1:-1000000}" "${2:-2}" true "$URL" "$USER_"
run "${1:-1000000}" "${2:-2}" false "$URL" "$USER_"
