-- Alerts: one row per alert; dedup_key makes each alert fire once per level, scope and period, across restarts.
CREATE TABLE alerts (
    id           TEXT    PRIMARY KEY,
    created_ms   INTEGER NOT NULL,
    dedup_key    TEXT    NOT NULL UNIQUE,
    type         TEXT    NOT NULL,
    level        TEXT    NOT NULL,
    org_id       TEXT,
    rule_id      TEXT,
    rule_name    TEXT,
    scope        TEXT    NOT NULL,
    agent        TEXT,
    metric       TEXT,
    period       TEXT,
    period_start INTEGER,
    value        INTEGER NOT NULL,
    limit_value  INTEGER NOT NULL,
    message      TEXT    NOT NULL
);

CREATE INDEX alerts_org_created ON alerts (org_id, created_ms);
