--[[
  release: an agent rung for an entry did not take it (no answer, busy, rejected,
  or cancelled because another agent answered / the call went away).
  'missed' counts toward the agent's ring-no-answer limit (queue maxMissed):
  at the limit the agent is paused with reason 'missed'. The entry keeps its
  original place and the assignment runs again at once.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] entry id   ARGV[6] agent id   ARGV[7] 'missed' | 'cancelled'
  A missed agent is offered nothing for the queue's missedRetrySeconds (the
  caller of this script re-runs the assignment then).
  Returns {'OK', agentState, retryMs} | {'NOT_RESERVED', agentState}
]]
local eid, aid, why = ARGV[5], ARGV[6], ARGV[7]
local ag = agent(aid)
local a = { ag.state, ag.entry }
if a[1] ~= 'reserved' or a[2] ~= eid then return { 'NOT_RESERVED', a[1] or 'offline' } end
local qid = redis.call('HGET', K_entry(eid), 'queue')
local maxMissed, retryMs = 3, 5000
if qid then
  local cfg = queue_cfg(qid)
  if cfg and cfg.maxMissed then maxMissed = cfg.maxMissed end
  if cfg and cfg.missedRetrySeconds then retryMs = cfg.missedRetrySeconds * 1000 end
end
local st = unreserve(aid, eid, why == 'missed', maxMissed, retryMs)
if entry_drop_agent(eid, aid) then assign_queue(qid, nil, eid) end
if agent(aid).state == 'available' then assign_agent(aid) end
if why ~= 'missed' then retryMs = 0 end
return { 'OK', st, retryMs }
