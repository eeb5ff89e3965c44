-- Per-key rate limits: requests and tokens per minute; 0 = no limit of the key's own.
ALTER TABLE api_keys ADD COLUMN rpm BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN tpm BIGINT NOT NULL DEFAULT 0;
