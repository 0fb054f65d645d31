--[[
  cancel: cancels an unfinished call-back that is not being dialed right now.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] id   ARGV[5] who (for the log)
  Returns {'OK', previous status, ACD entry id or '' (to withdraw from the ACD)} | {'NOT_FOUND'} | {'FINISHED', status} | {'IN_PROGRESS'}
]]
local id = ARGV[4]
local e = redis.call('HMGET', K_record(id), 'status', 'entry', 'adopt')
if not e[1] then return { 'NOT_FOUND' } end
if e[1] == 'dialing' then return { 'IN_PROGRESS' } end
if not is_active(e[1]) then return { 'FINISHED', e[1] } end
redis.call('HSET', K_record(id), 'lastOutcome', 'cancelled')
log(id, { type = 'cancelled', outcome = ARGV[5] })
finish(id, 'cancelled')
-- the entry to withdraw: the one bound, or one left to adopt after a reclaim
local entry = e[2]
if not entry or entry == '' then entry = e[3] or '' end
return { 'OK', e[1], entry }
