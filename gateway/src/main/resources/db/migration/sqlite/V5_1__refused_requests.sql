-- Calls Tollgate refused itself (budget, rate limit, bad request, unknown model) reached no provider and
-- cost nothing: they are counted as refused, not as calls of a model without a known price. Rollup rows
-- without a provider hold exactly those calls (a provider is set as soon as an attempt is made).
ALTER TABLE usage_hourly ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
UPDATE usage_hourly SET refused = errors, price_unknown = max(0, price_unknown - errors) WHERE provider = '';
UPDATE usage_daily SET refused = errors, price_unknown = max(0, price_unknown - errors) WHERE provider = '';
