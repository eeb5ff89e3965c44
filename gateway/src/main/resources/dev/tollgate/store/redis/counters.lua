-- Tollgate's counters in Redis: one script, one round trip and one atomic step per operation over all
-- the counters of a call (KEYS). ARGV[1] is the caller's clock in epoch milliseconds, ARGV[2] the
-- operation; then three arguments per key: amount, limit ('-' for none), expiry in epoch milliseconds.
-- A counter is a plain integer key that expires at the end of its window (PXAT), so windows vanish by
-- themselves; a key whose expiry the caller's clock has reached counts as gone even if Redis, on its own
-- clock, has not dropped it yet. Amounts travel as strings and are added with INCRBY: exact 64-bit sums.
-- op 'reserve!' is a guarded reserve: its last KEY is the seed marker, and when the marker is gone (Redis
-- lost its data) nothing is touched and the reply is {-2}, so the caller re-seeds before anything passes.
local now = tonumber(ARGV[1])
local op = ARGV[2]
if op == 'reserve!' then
  local marker = table.remove(KEYS)
  if redis.call('EXISTS', marker) == 0 then
    return {-2}
  end
  op = 'reserve'
end

-- The counter's value as a string, or nil when it is absent or past its expiry.
local function live(key)
  local value = redis.call('GET', key)
  if not value then
    return nil
  end
  local at = redis.call('PEXPIRETIME', key)
  if at >= 0 and at <= now then
    return nil
  end
  return value
end

-- Adds amount to a live counter, or starts it at amount (never below 0) with its window's expiry.
local function add(key, amount, expiry)
  if not live(key) then
    if tonumber(amount) > 0 then
      redis.call('SET', key, amount, 'PXAT', expiry)
      return tonumber(amount)
    end
    redis.call('SET', key, 0, 'PXAT', expiry)
    return 0
  end
  local value = redis.call('INCRBY', key, amount)
  if value < 0 then
    redis.call('SET', key, 0, 'KEEPTTL')
    return 0
  end
  return value
end

local out = {}
if op == 'values' then
  for i, key in ipairs(KEYS) do
    out[i] = tonumber(live(key) or 0)
  end
  return out
end

if op == 'reserve' then
  local refused = -1
  for i, key in ipairs(KEYS) do
    local current = tonumber(live(key) or 0)
    out[i + 1] = current
    local limit = ARGV[3 * i + 1]
    if refused < 0 and limit ~= '-' and current + tonumber(ARGV[3 * i]) > tonumber(limit) then
      refused = i - 1
    end
  end
  out[1] = refused
  if refused >= 0 then
    return out
  end
end

-- reserve (granted) and adjust: add every amount.
for i, key in ipairs(KEYS) do
  out[i + 1] = add(key, ARGV[3 * i], ARGV[3 * i + 2])
end
out[1] = -1
return out
