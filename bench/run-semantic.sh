#!/usr/bin/env bash
# Semantic-cache benchmark: lookup latency (embedding included) and memory per entry at 1k, 10k and 100k
# entries. Args go to SemanticCacheBench: [sizes=1000,10000,100000] [lookups=2000] [fill threads=2].
# Filling 100k entries embeds 100k prompts (several minutes on two cores). Prints figures only.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
(cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -pl bench -am package -DskipTests)
# jdk.incubator.vector lets Lucene score vectors with SIMD (it prints one warning that the module is incubating).
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx4g -XX:+UseSerialGC \
  -cp "$ROOT/bench/target/tollgate-bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*" dev.tollgate.bench.SemanticCacheBench "$@"
