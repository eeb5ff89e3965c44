-- The PostgreSQL twin of sqlite/V1: one row per call, append-only, idempotent by id; raw rows may be
-- pruned after the retention, the rollups are kept. Tags compare byte-wise (COLLATE "C") so grouping
-- and ordering match the other ledgers whatever the database's locale. seq orders calls of the same
-- millisecond by arrival, as SQLite's rowid does.
CREATE TABLE usage_events (
    id                 TEXT             PRIMARY KEY,
    seq                BIGINT           GENERATED ALWAYS AS IDENTITY,
    ts_ms              BIGINT           NOT NULL,
    request_id         TEXT             NOT NULL,
    org_id             TEXT COLLATE "C",
    key_id             TEXT COLLATE "C",
    agent              TEXT COLLATE "C",
    feature            TEXT COLLATE "C",
    endpoint           TEXT             NOT NULL,
    source             TEXT             NOT NULL,
    provider           TEXT COLLATE "C",
    model              TEXT COLLATE "C",
    input_tokens       BIGINT           NOT NULL,
    output_tokens      BIGINT           NOT NULL,
    cached_tokens      BIGINT           NOT NULL,
    cache_write_tokens BIGINT           NOT NULL,
    reasoning_tokens   BIGINT           NOT NULL,
    estimated          BOOLEAN          NOT NULL,
    cost_usd           DOUBLE PRECISION NOT NULL,
    price_known        BOOLEAN          NOT NULL,
    saved_usd          DOUBLE PRECISION NOT NULL,
    latency_ms         BIGINT           NOT NULL,
    ttft_ms            BIGINT           NOT NULL,
    status             INTEGER          NOT NULL,
    error_code         TEXT,
    stream             BOOLEAN          NOT NULL,
    attempts           INTEGER          NOT NULL,
    cache_tier         TEXT             NOT NULL,
    routing_reason     TEXT
);

CREATE INDEX usage_events_ts ON usage_events (ts_ms, seq);

-- Rollups per hour and per UTC day by every dimension analytics group by, kept current in the
-- transaction that inserts the events they sum. Missing tags are stored as ''.
CREATE TABLE usage_hourly (
    bucket_ms          BIGINT           NOT NULL,
    org_id             TEXT COLLATE "C" NOT NULL,
    key_id             TEXT COLLATE "C" NOT NULL,
    agent              TEXT COLLATE "C" NOT NULL,
    feature            TEXT COLLATE "C" NOT NULL,
    provider           TEXT COLLATE "C" NOT NULL,
    model              TEXT COLLATE "C" NOT NULL,
    requests           BIGINT           NOT NULL,
    errors             BIGINT           NOT NULL,
    input_tokens       BIGINT           NOT NULL,
    output_tokens      BIGINT           NOT NULL,
    cached_tokens      BIGINT           NOT NULL,
    cache_write_tokens BIGINT           NOT NULL,
    reasoning_tokens   BIGINT           NOT NULL,
    cost_usd           DOUBLE PRECISION NOT NULL,
    saved_usd          DOUBLE PRECISION NOT NULL,
    price_unknown      BIGINT           NOT NULL,
    estimated          BIGINT           NOT NULL,
    latency_ms_sum     BIGINT           NOT NULL,
    PRIMARY KEY (bucket_ms, org_id, key_id, agent, feature, provider, model)
);

CREATE TABLE usage_daily (LIKE usage_hourly INCLUDING ALL);
