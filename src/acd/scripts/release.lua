--[[
  release: an agent rung for an entry did not take it (no answer, busy, rejected,
  or cancelled because another agent answered / the call went away), or could
  not be rung at all.
  'missed' counts toward the agent's ring-no-answer limit (queue maxMissed):
  at the limit the agent is paused with reason 'missed'. 'unreachable' (the
  agent has no device to ring: softphone not registered, no static URI) pauses
  the agent at once with reason 'unreachable', not counted as a miss: there is
  no point offering it more callers (its next registration makes it available
  again). The entry keeps its original place and the assignment runs again at
  once.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] entry id   ARGV[6] agent id   ARGV[7] 'missed' | 'cancelled' | 'unreachable'
  A missed agent is offered nothing for the queue's missedRetrySeconds (the
  caller of this script re-runs the assignment then).
  Returns {'OK', agentState, retryMs} | {'NOT_RESERVED', agentState}
]]
local eid, aid, why = ARGV[5], ARGV[6], ARGV[7]
local ag = agent(aid)
if ag.state ~= 'reserved' or ag.entry ~= eid then return { 'NOT_RESERVED', ag.state or 'offline' } end
local qid = redis.call('HGET', K_entry(eid), 'queue')
local maxMissed, retryMs = 3, 5000
if qid then
  local cfg = queue_cfg(qid)
  if cfg and cfg.maxMissed then maxMissed = cfg.maxMissed end
  if cfg and cfg.missedRetrySeconds then retryMs = cfg.missedRetrySeconds * 1000 end
end
local st
if why == 'unreachable' then
  transition(aid, 'paused', { 'reason', 'unreachable', 'entry', '', 'inst', '' })
  st = 'paused'
else
  st = unreserve(aid, eid, why == 'missed', maxMissed, retryMs)
end
if entry_drop_agent(eid, aid) then assign_queue(qid, nil, eid) end
if agent(aid).state == 'available' then assign_agent(aid) end
if why ~= 'missed' then retryMs = 0 end
return { 'OK', st, retryMs }
