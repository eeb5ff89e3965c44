-- Tenants, their API keys (SHA-256 of the secret only) and the audit log of administrative actions.
CREATE TABLE orgs (
    id         TEXT   PRIMARY KEY,
    name       TEXT   NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id              TEXT    PRIMARY KEY,
    org_id          TEXT    NOT NULL REFERENCES orgs (id),
    name            TEXT    NOT NULL,
    prefix          TEXT    NOT NULL,
    hash            BYTEA   NOT NULL UNIQUE,
    scopes          TEXT    NOT NULL,
    allowed_models  TEXT    NOT NULL,
    default_agent   TEXT,
    default_feature TEXT,
    expires_ms      BIGINT,
    created_ms      BIGINT  NOT NULL,
    last_used_ms    BIGINT,
    revoked         BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE audit_log (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts_ms   BIGINT NOT NULL,
    actor   TEXT   NOT NULL,
    org_id  TEXT,
    action  TEXT   NOT NULL,
    target  TEXT,
    details TEXT
);

CREATE INDEX audit_log_org ON audit_log (org_id, seq);
