--[[
  claim: takes due call-backs for this instance (status pending → queued) under
  a lease. Exactly one instance gets each one.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] instance id   ARGV[5] lease expiry (ms)   ARGV[6] max number to take
  Returns a flat array {id1, token1, id2, token2, …}; the token fences later
  calls (start/finish) against a lease that was lost and re-granted.
]]
local inst, until_ms = ARGV[4], tonumber(ARGV[5])
local ids = redis.call('ZRANGEBYSCORE', K_due(), '-inf', NOW, 'LIMIT', 0, tonumber(ARGV[6]))
local out = {}
for _, id in ipairs(ids) do
  local r = K_record(id)
  redis.call('ZREM', K_due(), id)
  if redis.call('HGET', r, 'status') == 'pending' then
    local token = redis.call('HINCRBY', r, 'lease', 1)
    redis.call('HSET', r, 'status', 'queued', 'owner', inst, 'updatedAt', NOW)
    redis.call('ZADD', K_leases(), until_ms, id)
    redis.call('SADD', K_instance(inst), id)
    log(id, { type = 'queued', instance = inst })
    out[#out + 1] = id
    out[#out + 1] = tostring(token)
  end
end
return out
