--[[
  config-queue: creates, replaces or deletes a queue's configuration, live.
  Waiting callers keep their entries and places; members are untouched (they
  belong to the agents' configuration); the assignment runs at once because a
  new strategy, skill or tier setting may allow offers now.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] 'set' | 'delete'   ARGV[6] queue id   ARGV[7] config JSON (set)
  Returns {'OK', 'created' | 'updated' | 'deleted'} | {'NO_QUEUE'} | {'QUEUE_BUSY', waiting}
  Deleting a queue with callers waiting is refused; deleting removes every
  membership of it (no stale member lingers).
]]
local op, qid, json = ARGV[5], ARGV[6], ARGV[7]
local qk = K_queue(qid)
if op == 'set' then
  local existed = redis.call('EXISTS', qk)
  redis.call('SET', qk, json)
  redis.call('SADD', K_queues(), qid)
  assign_queue(qid)
  if existed == 1 then return { 'OK', 'updated' } end
  return { 'OK', 'created' }
end
if redis.call('EXISTS', qk) == 0 then return { 'NO_QUEUE' } end
local waiting = redis.call('ZCARD', K_waiting(qid))
if waiting > 0 then return { 'QUEUE_BUSY', waiting } end
for _, aid in ipairs(redis.call('HKEYS', K_members(qid))) do
  redis.call('SREM', K_agentQueues(aid), qid)
end
for _, prof in ipairs(redis.call('HKEYS', K_profiles(qid))) do redis.call('DEL', K_profileWaiting(qid, prof)) end
redis.call('DEL', qk, K_members(qid), K_avail(qid), K_loggedIn(qid), K_waiting(qid), K_rr(qid), K_profiles(qid))
redis.call('SREM', K_queues(), qid)
return { 'OK', 'deleted' }
