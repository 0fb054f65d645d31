--[[
  renew: extends every lease an instance holds (its heartbeat for call-backs).
  Ids the instance no longer holds are forgotten.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] instance   ARGV[5] new lease expiry (ms)
  Returns the ids still held.
]]
local inst, until_ms = ARGV[4], tonumber(ARGV[5])
local held = {}
for _, id in ipairs(redis.call('SMEMBERS', K_instance(inst))) do
  if redis.call('HGET', K_record(id), 'owner') == inst and redis.call('ZSCORE', K_leases(), id) then
    redis.call('ZADD', K_leases(), until_ms, id)
    held[#held + 1] = id
  else
    redis.call('SREM', K_instance(inst), id)
  end
end
return held
