--[[
  leave: an entry leaves its queue without (or before) being connected: the
  caller hung up ('abandon'), reached the max wait ('timeout'), pressed an exit
  key ('key'), asked for a call-back ('callback'), a call-back was
  cancelled ('cancel'), or no member of the queue is logged in any more
  ('no-agents': refused with AGENTS_BACK when one is, by now). Agents being rung for it are released (not counted as
  missed) and get the next caller at once.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] entry id   ARGV[6] reason
  ARGV[7] short-abandon threshold ms
  Returns {'OK', previousState, arrivedMs, priority, queueId} | {'ENTRY_GONE'} | {'CONNECTED'} | {'AGENTS_BACK'}
]]
local eid, why, shortMs = ARGV[5], ARGV[6], tonumber(ARGV[7])
local ek = K_entry(eid)
local e = redis.call('HMGET', ek, 'state', 'agents', 'queue', 'arrived', 'qday', 'inst', 'prio', 'kind', 'prof')
if not e[1] then return { 'ENTRY_GONE' } end
if e[1] == 'connected' then return { 'CONNECTED' } end
local qid, qday = e[3], e[5]
if why == 'no-agents' and redis.call('SCARD', K_loggedIn(qid)) > 0 then return { 'AGENTS_BACK' } end
wait_rem(qid, eid, e[9])
redis.call('DEL', ek)
redis.call('SREM', K_instanceEntries(e[6]), eid)
local freed = {}
if e[1] == 'offered' then
  for _, aid in ipairs(split(e[2])) do
    local a = agent(aid)
    if a.state == 'reserved' and a.entry == eid then
      transition(aid, 'available', NO_FIELDS)
      freed[#freed + 1] = aid
    end
  end
end
local waited = NOW - tonumber(e[4])
if e[8] == 'call' then
  if why == 'abandon' then
    qstat(qid, qday, 'abandoned', 1)
    qstat(qid, qday, 'abandonWaitMs', waited)
    if waited < shortMs then qstat(qid, qday, 'shortAbandoned', 1) end
  elseif why == 'timeout' then
    qstat(qid, qday, 'timedOut', 1)
  elseif why == 'key' then
    qstat(qid, qday, 'exitedByKey', 1)
  elseif why == 'callback' then
    qstat(qid, qday, 'callbackRequested', 1)
  elseif why == 'no-agents' then
    qstat(qid, qday, 'leftNoAgents', 1)
  end
else
  qstat(qid, qday, 'callbacksCancelled', 1)
end
for _, aid in ipairs(freed) do assign_agent(aid) end
return { 'OK', e[1], tonumber(e[4]), tonumber(e[7]), qid }
