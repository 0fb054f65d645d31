--[[
  Shared helpers, included by the loader (store.ts) into every call-back
  script after the generated key functions K_*(…) from keys.ts. Not a command.

  Conventions of every script:
    KEYS[1] = <prefix>cb:due  (routes the script to the prefix's cluster slot;
                               every other key shares the hash tag, so the slot)
    ARGV[1] = prefix P, ARGV[2] = now (ms, caller's clock),
    ARGV[3] = retention of finished call-backs (ms)
    ARGV[#ARGV] (the last) = today, "yyyy-mm-dd" in CALLBACK_TIME_ZONE (daily figures)
  Replies are arrays whose first element is a status: an upper-case word.
]]
-- P (= ARGV[1]) is declared by the loader before the key functions.
local NOW = tonumber(ARGV[2])
local RETAIN = tonumber(ARGV[3])
local DAY = ARGV[#ARGV]
local DAY_TTL = 8 * 86400

local function log(id, ev)
  ev.at = NOW
  redis.call('RPUSH', K_log(id), cjson.encode(ev))
end

-- Running totals per queue and status; each new request (pending +1) and each
-- final status also counted for the day.
local function stat(qid, status, by)
  redis.call('HINCRBY', K_stats(), qid .. ':' .. status, by)
  local daily = status
  if status == 'pending' then daily = by > 0 and 'requested' or nil end
  if daily then
    redis.call('HINCRBY', K_statsDay(DAY), qid .. ':' .. daily, by)
    redis.call('EXPIRE', K_statsDay(DAY), DAY_TTL)
  end
end

-- Forgets the ACD entry standing for the call-back (its assignment, if one comes, is then stale),
-- and an entry left to adopt (reclaim.lua): a cancelled or rescheduled call-back keeps neither.
local function unbind(id)
  local entry = redis.call('HGET', K_record(id), 'entry')
  redis.call('HDEL', K_record(id), 'adopt')
  if entry and entry ~= '' then
    if redis.call('HGET', K_entries(), entry) == id then redis.call('HDEL', K_entries(), entry) end
    redis.call('HSET', K_record(id), 'entry', '', 'prevEntry', entry)
  end
  return entry or ''
end

local function drop_lease(id, owner)
  unbind(id)
  redis.call('ZREM', K_leases(), id)
  if owner and owner ~= '' then redis.call('SREM', K_instance(owner), id) end
  redis.call('HDEL', K_record(id), 'owner')
end

-- Moves an unfinished call-back to a final status and schedules its removal.
local function finish(id, status)
  local r = K_record(id)
  local e = redis.call('HMGET', r, 'queueId', 'number', 'owner')
  drop_lease(id, e[3])
  redis.call('ZREM', K_due(), id)
  local akey = e[1] .. '|' .. e[2]
  if redis.call('HGET', K_active(), akey) == id then redis.call('HDEL', K_active(), akey) end
  redis.call('HSET', r, 'status', status, 'finishedAt', NOW, 'updatedAt', NOW)
  stat(e[1], 'pending', -1)
  stat(e[1], status, 1)
  redis.call('PEXPIRE', r, RETAIN)
  redis.call('PEXPIRE', K_log(id), RETAIN)
end

-- Back to pending, due at `due` (ms).
local function make_pending(id, due)
  local r = K_record(id)
  drop_lease(id, redis.call('HGET', r, 'owner'))
  redis.call('HSET', r, 'status', 'pending', 'dueAt', due, 'updatedAt', NOW)
  redis.call('HDEL', r, 'customerAnsweredAt') -- a new attempt starts unanswered
  redis.call('ZADD', K_due(), due, id)
  redis.call('PUBLISH', K_wake(), tostring(due))
end

local function is_active(st)
  return st == 'pending' or st == 'queued' or st == 'dialing'
end
