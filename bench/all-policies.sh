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
