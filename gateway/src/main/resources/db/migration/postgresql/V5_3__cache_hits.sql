-- Calls answered from the response cache, and what they saved, per tier (exact, semantic, workflow), so
-- analytics report hit rates and savings per tier from the rollups. Before this version nothing was cached.
ALTER TABLE usage_hourly ADD COLUMN exact_hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN exact_saved_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN semantic_hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN semantic_saved_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN workflow_hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN workflow_saved_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN exact_hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN exact_saved_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN semantic_hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN semantic_saved_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN workflow_hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN workflow_saved_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
