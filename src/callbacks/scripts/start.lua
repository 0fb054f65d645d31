--[[
  start: an agent answered the call-back's ACD entry; the customer is about to
  be dialed (queued → dialing). Counts the attempt. The instance that got the
  assignment takes the lease over (after a crash the ACD hands entries of the
  dead instance to a live one). Refused when the entry is stale (the call-back
  was cancelled, rescheduled or re-queued meanwhile): then the customer must
  not be dialed, and the caller withdraws the entry.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] ACD entry id   ARGV[5] instance   ARGV[6] agent id   ARGV[7] lease expiry (ms)
  Returns {'OK', id, attempt, lease token} | {'STALE'}
]]
local entry, inst = ARGV[4], ARGV[5]
local id = redis.call('HGET', K_entries(), entry)
if not id then return { 'STALE' } end
local r = K_record(id)
local e = redis.call('HMGET', r, 'status', 'owner', 'entry')
if e[1] ~= 'queued' or e[3] ~= entry then return { 'STALE' } end
if e[2] and e[2] ~= inst then redis.call('SREM', K_instance(e[2]), id) end
local n = redis.call('HINCRBY', r, 'attempts', 1)
local token = redis.call('HINCRBY', r, 'lease', 1)
redis.call('HSET', r, 'status', 'dialing', 'owner', inst, 'agentId', ARGV[6], 'updatedAt', NOW)
redis.call('ZADD', K_leases(), tonumber(ARGV[7]), id)
redis.call('SADD', K_instance(inst), id)
log(id, { type = 'attempt', attempt = n, agentId = ARGV[6], instance = inst })
return { 'OK', id, tostring(n), tostring(token) }
