--[[
  finish: the outcome of a claim.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] id   ARGV[5] instance   ARGV[6] lease token
  ARGV[7] what: 'completed' (customer answered and was bridged)
              | 'retry'     (customer busy/no answer/failed: retry at ARGV[9], or
                             failed when the attempts are used up)
              | 'release'   (no attempt made, e.g. shutting down or the ACD
                             refused: pending again at ARGV[9], attempts unchanged)
  ARGV[8] outcome note (answered, busy, no-answer, rejected, failed, shutdown, …)
  ARGV[9] next due (ms) for retry/release
  Returns {'COMPLETED'} | {'PENDING', due} | {'FAILED'} | {'NOT_FOUND'} | {'LEASE_LOST'}
]]
local id, inst, token, what, note = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local r = K_record(id)
local e = redis.call('HMGET', r, 'status', 'owner', 'lease', 'attempts', 'maxAttempts')
if not e[1] then return { 'NOT_FOUND' } end
if e[2] ~= inst or e[3] ~= token or not (e[1] == 'queued' or e[1] == 'dialing') then return { 'LEASE_LOST' } end
local attempts = tonumber(e[4])
redis.call('HSET', r, 'lastOutcome', note)
if what == 'completed' then
  log(id, { type = 'completed', attempt = attempts, outcome = note })
  finish(id, 'completed')
  return { 'COMPLETED' }
end
if what == 'retry' then
  log(id, { type = 'outcome', attempt = attempts, outcome = note })
  if attempts >= tonumber(e[5]) then
    log(id, { type = 'failed', attempt = attempts, outcome = note })
    finish(id, 'failed')
    return { 'FAILED' }
  end
end
local due = tonumber(ARGV[9])
make_pending(id, due)
log(id, { type = what, outcome = note, dueAt = due })
return { 'PENDING', tostring(due) }
