-- One row per call: proxied, failed after authentication, or (later) SDK-reported. Append-only.
CREATE TABLE usage_events (
    id               TEXT    PRIMARY KEY,
    ts_ms            INTEGER NOT NULL,
    request_id       TEXT    NOT NULL,
    org_id           TEXT,
    key_id           TEXT,
    agent            TEXT,
    feature          TEXT,
    endpoint         TEXT    NOT NULL,
    provider         TEXT,
    model            TEXT,
    input_tokens     INTEGER NOT NULL,
    output_tokens    INTEGER NOT NULL,
    cached_tokens    INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    estimated        INTEGER NOT NULL,
    cost_usd         REAL    NOT NULL,
    price_known      INTEGER NOT NULL,
    latency_ms       INTEGER NOT NULL,
    ttft_ms          INTEGER NOT NULL,
    status           INTEGER NOT NULL,
    error_code       TEXT,
    stream           INTEGER NOT NULL,
    attempts         INTEGER NOT NULL,
    cache_tier       TEXT    NOT NULL,
    routing_reason   TEXT
);

CREATE INDEX usage_events_ts ON usage_events (ts_ms);
