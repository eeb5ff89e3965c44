# Sourced by bench/run-peers.sh and bench/run-profile.sh: the configuration with every policy on that DESIGN §6
# measures, and the issued key the load uses. Limits are far above what a run reaches, so every call pays for the
# checks and none is refused.

# all_policies_config CONFIG DATA MOCK_PORT CACHE(miss|hit|off): an issued key's rpm/tpm come with bench_key; the
# provider's rpm, rpd and tpm; three budgets matching every call; the exact cache missing (miss: answers are never
# stored, identical calls do not wait for each other), hitting (hit) or off.
all_policies_config() {
  cat > "$1" <<YAML
master_key: sk-bench-master
data_dir: $2
providers:
  - name: openai
    kind: openai
    api_key: sk-mock
    base_url: "http://127.0.0.1:$3/v1"
    limits: {rpm: 1000000000, rpd: 1000000000, tpm: 1000000000000}
budgets:
  - {name: agent-tokens, scope: {agent: "*", provider: openai}, metric: tokens, period: month, limit: 1000000000000}
  - {name: org-dollars, scope: {org: default}, metric: cost_usd, period: month, limit: 1000000000}
  - {name: all-requests, metric: requests, period: day, limit: 1000000000}
YAML
  case $4 in
    miss) printf 'cache:\n  exact: {enabled: true}\n  max_entry_bytes: 1\n  single_flight_wait_ms: 0\n' >> "$1" ;;
    hit) printf 'cache:\n  exact: {enabled: true}\n' >> "$1" ;;
    off) ;;
    *) echo "CACHE=$4 (expected: miss, hit or off)" >&2; return 2 ;;
  esac
}

# bench_key "JAVA" JAR CONFIG: issues the load's key (stored-key auth with its own rpm and tpm) and prints its secret.
bench_key() {
  local secret
  secret=$($1 -jar "$2" keys create --name bench --rpm 1000000000 --tpm 1000000000 --config "$3" | grep -E '^tg-' | head -1)
  [[ -n $secret ]] || { echo "could not create the bench key" >&2; return 1; }
  echo "$secret"
}

# start_under_load "JAVA" JAR DATA LOGS: writes the every-policy configuration (cache miss) and the load's key into DATA,
# starts the mock of ../shared/bench/bench-peers.sh (between its "cat > mock-openai.mjs" line and the closing JS marker)
# and Tollgate on CPU 1 (logs in LOGS), waits until Tollgate answers, and writes DATA/wrk.lua, the peers bench's request
# with the key and the agent and feature tags. Sets MOCK and TG to the two processes; the caller stops them.
start_under_load() {
  local java=$1 jar=$2 data=$3 logs=$4 root secret
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  all_policies_config "$data/tollgate.yaml" "$data" 18080 miss || return 2
  secret=$(bench_key "$java" "$jar" "$data/tollgate.yaml") || return 1
  awk '/mock-openai.mjs" <<.JS.$/ {on=1; next} on && /^JS$/ {exit} on {print}' "$root/../shared/bench/bench-peers.sh" > "$data/mock-openai.mjs"
  MOCK_PORT=18080 taskset -c 1 node "$data/mock-openai.mjs" > "$logs/mock.log" 2>&1 & MOCK=$!
  env -i PATH=/usr/bin:/bin TOLLGATE_LOG_LEVEL=WARN taskset -c 1 $java -jar "$jar" serve --config "$data/tollgate.yaml" --port 18090 \
    > "$logs/tollgate.log" 2>&1 & TG=$!
  for _ in $(seq 150); do curl -sf -o /dev/null http://127.0.0.1:18090/health && break; sleep 0.2; done
  cat > "$data/wrk.lua" <<LUA
wrk.method = "POST"
wrk.body = [==[{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test."}],"max_tokens":16}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $secret"
wrk.headers["X-Tollgate-Agent"] = "bench"
wrk.headers["X-Tollgate-Feature"] = "load"
LUA
}
