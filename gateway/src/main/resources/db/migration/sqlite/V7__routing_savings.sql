-- What each call would have cost without routing (its usage on the strongest autopilot candidate that fitted
-- it; its own cost when routing chose nothing), and the rollups' sum of what routing saved. Events written
-- before this version have NULL: they were not routed by the autopilot, so their routing-free cost is their cost.
ALTER TABLE usage_events ADD COLUMN routing_free_cost_usd REAL;
ALTER TABLE usage_hourly ADD COLUMN routing_saved_usd REAL NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN routing_saved_usd REAL NOT NULL DEFAULT 0;
