--[[
  complete: the call between the entry and its agent ended. The agent goes to
  wrap-up for the queue's wrapUpSeconds (or straight to available when 0); the
  handle time is counted (EWT reads it back from the counters); the entry is deleted.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] entry id   ARGV[6] agent id
  Returns {'OK', agentState, wrapUntil} | {'ENTRY_GONE'} | {'NOT_ON_CALL', agentState}
]]
local eid, aid = ARGV[5], ARGV[6]
local ek = K_entry(eid)
local e = redis.call('HMGET', ek, 'state', 'agent', 'queue', 'connectedAt', 'qday', 'inst')
if e[1] ~= 'connected' or e[2] ~= aid then return { 'ENTRY_GONE' } end
local ag = agent(aid)
local qid, qday = e[3], e[5]
redis.call('DEL', ek)
redis.call('SREM', K_instanceEntries(e[6]), eid)
if ag.state ~= 'on-call' or ag.entry ~= eid then return { 'NOT_ON_CALL', ag.state or 'offline' } end
local talk = NOW - tonumber(e[4])
local cfg = queue_cfg(qid) or {}
local wrapMs = (cfg.wrapUpSeconds or 0) * 1000
qstat(qid, qday, 'handled', 1)
qstat(qid, qday, 'talkMs', talk)
astat(aid, 'handled', 1)
astat(aid, 'talkMs', talk)
if wrapMs > 0 then
  local due = NOW + wrapMs
  transition(aid, 'wrap-up', { 'wrapUntil', due, 'acwQueue', qid, 'acwDay', qday, 'entry', '', 'inst', '' })
  redis.call('ZADD', K_wrapups(), due, aid)
  return { 'OK', 'wrap-up', due }
end
transition(aid, 'available', NO_FIELDS)
assign_agent(aid)
return { 'OK', agent(aid).state, 0 }
