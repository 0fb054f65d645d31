--[[
  requeue: the agent hung up during the whisper, before talking to the caller.
  The answer is taken back (answered, its wait and service level, the agent's
  answered count: in the day and minute they were counted in), the entry waits
  again at its original place (same score) and the assignment runs at once.
  The agent is handled like a ring-no-answer: it counts toward the queue's
  maxMissed, and the agent rests missedRetrySeconds (paused 'missed' at the limit).
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] entry id   ARGV[6] agent id
  Returns {'OK', agentState, retryMs} | {'ENTRY_GONE'} | {'NOT_ON_CALL', agentState}
]]
local eid, aid = ARGV[5], ARGV[6]
local ek = K_entry(eid)
local e = redis.call('HMGET', ek, 'state', 'agent', 'queue', 'connectedAt', 'qday', 'arrived', 'score', 'prof', 'kind', 'aday')
if e[1] ~= 'connected' or e[2] ~= aid then return { 'ENTRY_GONE' } end
local ag = agent(aid)
if ag.state ~= 'on-call' or ag.entry ~= eid then return { 'NOT_ON_CALL', ag.state or 'offline' } end
local qid, qday = e[3], e[5]
local connectedAt = tonumber(e[4])
local cfg = queue_cfg(qid) or {}
local maxMissed, retryMs = cfg.maxMissed or 3, (cfg.missedRetrySeconds or 5) * 1000
-- take the answer back where connect counted it
local minute = math.floor(connectedAt / 60000)
local waited = connectedAt - tonumber(e[6])
local function unstat(field, by)
  bump(K_queueDay(qid, qday), field, -by, DAY_TTL)
  bump(K_queueMinute(qid, minute), field, -by, MINUTE_TTL)
end
if e[9] == 'call' then
  unstat('answered', 1)
  unstat('answerWaitMs', waited)
  if waited <= (cfg.serviceLevelSeconds or 20) * 1000 then unstat('answeredInSl', 1) end
else
  unstat('callbacksAnswered', 1)
end
bump(K_agentDay(aid, e[10] or ADAY), 'answered', -1, DAY_TTL)
bump(K_agentMinute(aid, minute), 'answered', -1, MINUTE_TTL)
local st = unreserve(aid, eid, true, maxMissed, retryMs)
redis.call('HSET', ek, 'state', 'waiting', 'agent', '', 'agents', '', 'connectedAt', '')
wait_add(qid, eid, e[7], e[8])
assign_queue(qid, nil, eid)
return { 'OK', st, retryMs }
