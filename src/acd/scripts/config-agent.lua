--[[
  config-agent: creates, replaces or deletes an agent's configuration, live.
  The agent's state is kept (nobody is logged out); memberships are replaced
  as a whole, so a queue or tier removed from the configuration is removed
  from Redis in the same step (no stale tier or member lingers). When the
  agent is available it is offered waiting callers of its (new) queues at once.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] 'set' | 'delete'   ARGV[6] agent id
  ARGV[7] agent JSON without memberships {"name","uri","skills"} (set)
  ARGV[8] skills JSON {"name": level} (set)
  ARGV[9] memberships JSON: a list of { queueId, tier, position } triples, as arrays (set)
  Returns {'OK', 'created' | 'updated' | 'deleted'} | {'UNKNOWN_QUEUE', queueId}
        | {'UNKNOWN_AGENT'} | {'AGENT_BUSY', state}
]]
local op, aid = ARGV[5], ARGV[6]
local k = K_agent(aid)
local st = redis.call('HGET', k, 'state')
if op == 'delete' then
  if not st then return { 'UNKNOWN_AGENT' } end
  if st == 'reserved' or st == 'on-call' then return { 'AGENT_BUSY', st } end
  if st ~= 'offline' then transition(aid, 'offline', NO_FIELDS) end
  agent_forget(aid) -- writes what the transition set, before the hash is deleted below
  for _, q in ipairs(redis.call('SMEMBERS', K_agentQueues(aid))) do
    redis.call('HDEL', K_members(q), aid)
    redis.call('HDEL', K_avail(q), aid)
    logged_out_of(q, aid)
  end
  redis.call('DEL', k, K_agentQueues(aid))
  redis.call('SREM', K_agents(), aid)
  redis.call('ZREM', K_wrapups(), aid)
  return { 'OK', 'deleted' }
end
local members = cjson.decode(ARGV[9])
local want = {}
for _, m in ipairs(members) do
  if redis.call('EXISTS', K_queue(m[1])) == 0 then return { 'UNKNOWN_QUEUE', m[1] } end
  want[m[1]] = m
end
local created = not st
if created then
  redis.call('HSET', k, 'state', 'offline', 'since', NOW, 'missed', '0', 'reason', '', 'entry', '', 'inst', '')
  redis.call('SADD', K_agents(), aid)
  st = 'offline'
end
redis.call('HSET', k, 'cfg', ARGV[7], 'skills', ARGV[8])
agent_forget(aid)
for _, q in ipairs(redis.call('SMEMBERS', K_agentQueues(aid))) do
  if not want[q] then
    redis.call('HDEL', K_members(q), aid)
    redis.call('HDEL', K_avail(q), aid)
    logged_out_of(q, aid)
    redis.call('SREM', K_agentQueues(aid), q)
  end
end
for q, m in pairs(want) do
  redis.call('HSET', K_members(q), aid, string.format('%d,%d', m[2], m[3]))
  redis.call('SADD', K_agentQueues(aid), q)
  if st == 'available' then
    redis.call('HSET', K_avail(q), aid, idle_value(aid, m[2], m[3], agent(aid), ARGV[8]))
  end
  if st ~= 'offline' then redis.call('SADD', K_loggedIn(q), aid) end
end
agent_forget(aid)
if st == 'available' then assign_agent(aid) end
if created then return { 'OK', 'created' } end
return { 'OK', 'updated' }
