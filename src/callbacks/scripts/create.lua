--[[
  create: stores a call-back request, or merges it into the unfinished one for
  the same number in the same queue.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention (see lib.lua)
  ARGV[4] queue id   ARGV[5] number (E.164)   ARGV[6] language
  ARGV[7] priority   ARGV[8] caller's arrival (ms)
  ARGV[9] scheduled time (ms) or '' (as soon as possible)
  ARGV[10] due (ms)  ARGV[11] max attempts   ARGV[12] data JSON
  Returns {'CREATED', id, 'pending', due}
        | {'MERGED', id, status, due}  (a merge into a queued/dialing one keeps its timing)
  Merge: earliest arrival and highest priority win; a pending one takes the new timing and data.
]]
local qid, num = ARGV[4], ARGV[5]
local akey = qid .. '|' .. num
local existing = redis.call('HGET', K_active(), akey)
if existing then
  local r = K_record(existing)
  local e = redis.call('HMGET', r, 'status', 'arrivedAt', 'priority', 'dueAt')
  if is_active(e[1]) then
    local arrived = math.min(tonumber(e[2]), tonumber(ARGV[8]))
    local prio = math.max(tonumber(e[3]), tonumber(ARGV[7]))
    redis.call('HSET', r, 'arrivedAt', arrived, 'priority', prio, 'requestedAt', NOW, 'updatedAt', NOW, 'language', ARGV[6])
    redis.call('HINCRBY', r, 'merged', 1)
    if ARGV[12] ~= '{}' then redis.call('HSET', r, 'data', ARGV[12]) end
    local due = tonumber(e[4])
    if e[1] == 'pending' then
      due = tonumber(ARGV[10])
      redis.call('HSET', r, 'dueAt', due, 'scheduledAt', ARGV[9])
      redis.call('ZADD', K_due(), due, existing)
      redis.call('PUBLISH', K_wake(), tostring(due))
    end
    redis.call('ZADD', K_all(), NOW, existing)
    redis.call('ZADD', K_queue(qid), NOW, existing)
    log(existing, { type = 'merged', dueAt = due })
    return { 'MERGED', existing, e[1], tostring(due) }
  end
  redis.call('HDEL', K_active(), akey)
end
local id = 'cb-' .. redis.call('INCR', K_seq())
local due = tonumber(ARGV[10])
redis.call('HSET', K_record(id), 'id', id, 'queueId', qid, 'number', num, 'language', ARGV[6],
  'priority', ARGV[7], 'arrivedAt', ARGV[8], 'requestedAt', NOW, 'scheduledAt', ARGV[9], 'dueAt', due,
  'status', 'pending', 'attempts', 0, 'maxAttempts', ARGV[11], 'merged', 0, 'lease', 0,
  'data', ARGV[12], 'updatedAt', NOW)
redis.call('HSET', K_active(), akey, id)
redis.call('ZADD', K_due(), due, id)
redis.call('ZADD', K_all(), NOW, id)
redis.call('ZADD', K_queue(qid), NOW, id)
stat(qid, 'pending', 1)
log(id, { type = 'created', dueAt = due })
redis.call('PUBLISH', K_wake(), tostring(due))
return { 'CREATED', id, 'pending', tostring(due) }
