--[[
  connect: the agent answered an offered entry; the agent goes on-call, other
  agents rung for the same entry (ring-all) are released, the answer is counted.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] entry id   ARGV[6] agent id
  Returns {'OK', waitedMs} | {'ENTRY_GONE'} | {'NOT_RESERVED', agentState}
]]
local eid, aid = ARGV[5], ARGV[6]
local ek = K_entry(eid)
local e = redis.call('HMGET', ek, 'state', 'agents', 'queue', 'arrived', 'qday', 'kind')
if e[1] ~= 'offered' then return { 'ENTRY_GONE' } end
local ag = agent(aid)
if ag.state ~= 'reserved' or ag.entry ~= eid then return { 'NOT_RESERVED', ag.state or 'offline' } end
local qid, qday = e[3], e[5]
for _, other in ipairs(split(e[2])) do
  if other ~= aid then
    local o = agent(other)
    if o.state == 'reserved' and o.entry == eid then
      transition(other, 'available', NO_FIELDS)
      assign_agent(other)
    end
  end
end
transition(aid, 'on-call', { 'missed', '0', 'lastQueue', qid })
redis.call('HSET', ek, 'state', 'connected', 'agent', aid, 'agents', aid, 'connectedAt', NOWS, 'aday', ADAY)
local waited = NOW - tonumber(e[4])
local cfg = queue_cfg(qid) or {}
local sl = (cfg.serviceLevelSeconds or 20) * 1000
if e[6] == 'call' then
  qstat(qid, qday, 'answered', 1)
  qstat(qid, qday, 'answerWaitMs', waited)
  if waited <= sl then qstat(qid, qday, 'answeredInSl', 1) end
else
  qstat(qid, qday, 'callbacksAnswered', 1)
end
astat(aid, 'answered', 1)
return { 'OK', waited }
