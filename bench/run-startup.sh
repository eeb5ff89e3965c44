#!/usr/bin/env bash
# Start-up and idle memory: launches `bin/tollgate demo` (embedded defaults: SQLite in a fresh data directory,
# in-process state, the simulated provider) RUNS times, and prints for each run the milliseconds from launch to
# the first answered GET /health (polled every 20 ms) and the process's RSS 5 s and 30 s after launch (idle: no request is sent).
# The first run also writes the class-data sharing archive bin/tollgate uses, so it is reported apart.
# Usage: bench/run-startup.sh [runs=5]   (env: TOLLGATE_SEMANTIC=off|on, default off: DESIGN §6 measures without it)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-5}
PORT=${TOLLGATE_BENCH_PORT:-18095}
export TOLLGATE_SEMANTIC=${TOLLGATE_SEMANTIC:-off}
"$ROOT/bin/tollgate" --version > /dev/null   # builds the jar if needed, outside the timing
rss_mb() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
for run in $(seq 0 "$RUNS"); do
  DATA=$(mktemp -d /tmp/tollgate-startup.XXXXXX)
  START=$(date +%s%N)
  env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY "$ROOT/bin/tollgate" demo --port "$PORT" --data "$DATA" > "$DATA/out.log" 2>&1 &
  PID=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; do
    kill -0 "$PID" 2> /dev/null || { echo "tollgate exited; its output:"; cat "$DATA/out.log"; exit 1; }
    (( $(date +%s%N) - START < 30000000000 )) || { echo "not serving after 30 s"; kill "$PID"; exit 1; }
    sleep 0.02
  done
  SERVING=$(( ($(date +%s%N) - START) / 1000000 ))
  sleep $(( 5 - SERVING / 1000 > 0 ? 5 - SERVING / 1000 : 0 )); R5=$(rss_mb "$PID")
  sleep 25; R30=$(rss_mb "$PID")
  kill "$PID"; wait "$PID" 2> /dev/null || true
  rm -rf "$DATA"
  label="run $run"; (( run == 0 )) && label="run 0 (writes the CDS archive)"
  echo "$label: serving after ${SERVING} ms; idle RSS ${R5} MB at 5 s, ${R30} MB at 30 s"
done
