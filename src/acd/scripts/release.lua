--[[
  release: an agent rung for an entry did not take it (no answer, busy, rejected,
  or cancelled because another agent answered / the call went away).
  'missed' counts toward the agent's ring-no-answer limit (queue maxMissed):
  at the limit the agent is paused with reason 'missed'. The entry keeps its
  original place and the assignment runs again at once.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] entry id   ARGV[6] agent id   ARGV[7] 'missed' | 'cancelled'
  Returns {'OK', agentState} | {'NOT_RESERVED', agentState}
]]
local eid, aid, why = ARGV[5], ARGV[6], ARGV[7]
local a = redis.call('HMGET', K_agent(aid), 'state', 'entry')
if a[1] ~= 'reserved' or a[2] ~= eid then return { 'NOT_RESERVED', a[1] or 'offline' } end
local qid = redis.call('HGET', K_entry(eid), 'queue')
local maxMissed = 3
if qid then
  local cfg = queue_cfg(qid)
  if cfg and cfg.maxMissed then maxMissed = cfg.maxMissed end
end
local st = unreserve(aid, eid, why == 'missed', maxMissed)
entry_drop_agent(eid, aid)
if qid then assign_queue(qid) end
if redis.call('HGET', K_agent(aid), 'state') == 'available' then assign_agent(aid) end
return { 'OK', st }
