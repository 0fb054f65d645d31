--[[
  reap: reclaims what instances whose lease lapsed held, and ends overdue
  wrap-ups whose timer died with an instance. Any live instance may run it at
  any time: it is atomic and idempotent (a second run finds nothing to do).
  - waiting/offered call entries of a dead instance are removed (the call died
    with the instance) and counted 'lost'; agents rung for them go back to
    available; an agent on a call of the dead instance is paused with reason
    'lost-call': FreeSWITCH keeps a bridge whose controlling instance died, so
    the agent may well still be talking (seen on real servers), and is not
    rung again until they say they are ready;
  - call-back entries (kind 'callback') are not lost: waiting or offered ones
    go back to waiting at their original place, owned by the reaping instance;
    a connected one (its agent answered; the customer dialed or talking) is
    removed: the call-backs' own lease reclaim decides (completed when the
    customer had answered, else dialed again);
  - the dead instance's inbox and entry set are deleted.
  With ARGV[6] = '1' (a process starting, before it holds anything) the
  instance's own id is reaped too, whatever its lease says: what an earlier
  process with the same id left (restarted within the lease, e.g. a container
  whose hostname and pid repeat) would otherwise be renewed by the new
  process and never reclaimed. Its inbox goes; the call-back entries stay
  with it.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] id of the reaping instance
  ARGV[6] '1': also reap the instance's own earlier process
  Returns {'OK', deadInstances, entriesReclaimed, wrapupsEnded}
]]
local self = ARGV[5]
local restart = ARGV[6] == '1'
local dead = redis.call('ZRANGEBYSCORE', K_instances(), '-inf', '(' .. NOW)
if restart then
  local listed = false
  for _, inst in ipairs(dead) do listed = listed or inst == self end
  if not listed then dead[#dead + 1] = self end
end
local reclaimed, freedAgents = 0, {}
for _, inst in ipairs(dead) do
  if inst ~= self or restart then
    local eids = redis.call('SMEMBERS', K_instanceEntries(inst))
    -- Emptied first: a call-back entry kept below is added back to the reaping instance's set, which may be this one.
    redis.call('DEL', K_instanceEntries(inst), K_inbox(inst))
    for _, eid in ipairs(eids) do
      local ek = K_entry(eid)
      local e = redis.call('HMGET', ek, 'state', 'agents', 'queue', 'kind', 'score', 'qday', 'prof')
      if e[1] then
        for _, aid in ipairs(split(e[2])) do
          local a = agent(aid)
          if a.state == 'on-call' and a.entry == eid then
            transition(aid, 'paused', { 'reason', 'lost-call', 'entry', '', 'inst', '' })
          elseif a.state == 'reserved' and a.entry == eid then
            transition(aid, 'available', NO_FIELDS)
            freedAgents[#freedAgents + 1] = aid
          end
        end
        if e[4] == 'callback' and e[1] ~= 'connected' then
          redis.call('HSET', ek, 'state', 'waiting', 'agents', '', 'agent', '', 'inst', self)
          if e[1] ~= 'waiting' then wait_add(e[3], eid, e[5], e[7]) end
          redis.call('SADD', K_instanceEntries(self), eid)
        elseif e[4] == 'callback' then
          redis.call('DEL', ek)
        else
          wait_rem(e[3], eid, e[7])
          redis.call('DEL', ek)
          qstat(e[3], e[6], 'lost', 1)
        end
        reclaimed = reclaimed + 1
      end
    end
    if inst ~= self then redis.call('ZREM', K_instances(), inst) end
  end
end
local ended = 0
for _, aid in ipairs(redis.call('ZRANGEBYSCORE', K_wrapups(), '-inf', NOW)) do
  if agent(aid).state == 'wrap-up' then
    transition(aid, 'available', NO_FIELDS)
    freedAgents[#freedAgents + 1] = aid
    ended = ended + 1
  else
    redis.call('ZREM', K_wrapups(), aid)
  end
end
for _, aid in ipairs(freedAgents) do
  if agent(aid).state == 'available' then assign_agent(aid) end
end
for _, q in ipairs(redis.call('SMEMBERS', K_queues())) do assign_queue(q) end
return { 'OK', #dead, reclaimed, ended }
