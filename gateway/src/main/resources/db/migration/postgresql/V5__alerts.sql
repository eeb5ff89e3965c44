-- Alerts: dedup_key makes each alert fire once per level, scope and period, across restarts and
-- instances. The scope is kept as two parallel arrays, so its order survives without an encoding.
CREATE TABLE alerts (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY,
    id           TEXT   PRIMARY KEY,
    created_ms   BIGINT NOT NULL,
    dedup_key    TEXT   NOT NULL UNIQUE,
    type         TEXT   NOT NULL,
    level        TEXT   NOT NULL,
    org_id       TEXT,
    rule_id      TEXT,
    rule_name    TEXT,
    scope_keys   TEXT[] NOT NULL,
    scope_values TEXT[] NOT NULL,
    agent        TEXT,
    metric       TEXT,
    period       TEXT,
    period_start BIGINT,
    value        BIGINT NOT NULL,
    limit_value  BIGINT NOT NULL,
    message      TEXT   NOT NULL
);

CREATE INDEX alerts_org_created ON alerts (org_id, created_ms);
