-- One row per call: proxied, failed after authentication, or reported by an SDK. Append-only;
-- raw rows may be pruned after the configured retention, the rollups below are kept.
CREATE TABLE usage_events (
    id                 TEXT    PRIMARY KEY,
    ts_ms              INTEGER NOT NULL,
    request_id         TEXT    NOT NULL,
    org_id             TEXT,
    key_id             TEXT,
    agent              TEXT,
    feature            TEXT,
    endpoint           TEXT    NOT NULL,
    source             TEXT    NOT NULL,
    provider           TEXT,
    model              TEXT,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cached_tokens      INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens   INTEGER NOT NULL,
    estimated          INTEGER NOT NULL,
    cost_usd           REAL    NOT NULL,
    price_known        INTEGER NOT NULL,
    saved_usd          REAL    NOT NULL,
    latency_ms         INTEGER NOT NULL,
    ttft_ms            INTEGER NOT NULL,
    status             INTEGER NOT NULL,
    error_code         TEXT,
    stream             INTEGER NOT NULL,
    attempts           INTEGER NOT NULL,
    cache_tier         TEXT    NOT NULL,
    routing_reason     TEXT
);

CREATE INDEX usage_events_ts ON usage_events (ts_ms);

-- Rollups per hour and per UTC day, by every dimension analytics group by. Kept current in the same
-- transaction as the events they sum, so reads never scan raw events. Missing tags are stored as ''.
CREATE TABLE usage_hourly (
    bucket_ms          INTEGER NOT NULL,
    org_id             TEXT    NOT NULL,
    key_id             TEXT    NOT NULL,
    agent              TEXT    NOT NULL,
    feature            TEXT    NOT NULL,
    provider           TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    requests           INTEGER NOT NULL,
    errors             INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cached_tokens      INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens   INTEGER NOT NULL,
    cost_usd           REAL    NOT NULL,
    saved_usd          REAL    NOT NULL,
    price_unknown      INTEGER NOT NULL,
    estimated          INTEGER NOT NULL,
    latency_ms_sum     INTEGER NOT NULL,
    PRIMARY KEY (bucket_ms, org_id, key_id, agent, feature, provider, model)
) WITHOUT ROWID;

CREATE TABLE usage_daily (
    bucket_ms          INTEGER NOT NULL,
    org_id             TEXT    NOT NULL,
    key_id             TEXT    NOT NULL,
    agent              TEXT    NOT NULL,
    feature            TEXT    NOT NULL,
    provider           TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    requests           INTEGER NOT NULL,
    errors             INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cached_tokens      INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens   INTEGER NOT NULL,
    cost_usd           REAL    NOT NULL,
    saved_usd          REAL    NOT NULL,
    price_unknown      INTEGER NOT NULL,
    estimated          INTEGER NOT NULL,
    latency_ms_sum     INTEGER NOT NULL,
    PRIMARY KEY (bucket_ms, org_id, key_id, agent, feature, provider, model)
) WITHOUT ROWID;
