#!/usr/bin/env bash
# JMH microbenchmarks of the hot path (prints a table; never fails a build). Args go to JMH.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
(cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl bench -am package -DskipTests)
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$ROOT/bench/target/tollgate-bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*" org.openjdk.jmh.Main "$@"
