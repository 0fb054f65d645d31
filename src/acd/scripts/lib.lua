--[[
  Shared helpers, included (by the loader) into every ACD script after the
  generated key functions K_*(…) from keys.ts. Not a command by itself.

  Conventions of every script:
    KEYS[1] = <prefix>anchor   (routes the script to the prefix's cluster slot;
                                all other keys share the hash tag, so the slot)
    ARGV[1] = prefix P, ARGV[2] = now (ms, caller's clock),
    ARGV[3] = ADAY (yyyy-mm-dd in the ACD time zone, for agent counters),
    ARGV[4] = SEED (random integer, for the `random` strategy).
  Replies are arrays whose first element is a status: 'OK' or an error code.
]]
local NOW = tonumber(ARGV[2])
local ADAY = ARGV[3]
local SEED = tonumber(ARGV[4]) or 0
local MINUTE = math.floor(NOW / 60000)
local DAY_TTL = 8 * 86400
local MINUTE_TTL = 1800

-- Counter keys get their TTL when a field is created (the first write of a
-- key always creates one), not on every increment.
local function bump(key, field, by, ttl)
  if redis.call('HINCRBY', key, field, by) == by then redis.call('EXPIRE', key, ttl) end
end

local function qstat(qid, qday, field, by)
  bump(K_queueDay(qid, qday), field, by, DAY_TTL)
  bump(K_queueMinute(qid, MINUTE), field, by, MINUTE_TTL)
end

local function astat(aid, field, by)
  bump(K_agentDay(aid, ADAY), field, by, DAY_TTL)
  bump(K_agentMinute(aid, MINUTE), field, by, MINUTE_TTL)
end

-- Queue configs decoded once per script run.
local cfg_cache = {}
local function queue_cfg(qid)
  local c = cfg_cache[qid]
  if c ~= nil then return c or nil end
  local s = redis.call('GET', K_queue(qid))
  if not s then
    cfg_cache[qid] = false
    return nil
  end
  c = cjson.decode(s)
  cfg_cache[qid] = c
  return c
end

local function member_info(qid, aid)
  local v = redis.call('HGET', K_members(qid), aid)
  if not v then return nil, nil end
  local t, p = string.match(v, '^(%d+),(%d+)$')
  return tonumber(t), tonumber(p)
end

local function split(s)
  local out = {}
  if not s or s == '' then return out end
  for part in string.gmatch(s, '[^,]+') do out[#out + 1] = part end
  return out
end

-- The waiting set of a queue, with one sub-set per skill profile, so that an
-- agent who becomes available looks at the head of each profile it can serve
-- instead of scanning callers it cannot.
local function wait_add(qid, eid, score, prof)
  redis.call('ZADD', K_waiting(qid), score, eid)
  redis.call('ZADD', K_profileWaiting(qid, prof), score, eid)
  redis.call('HINCRBY', K_profiles(qid), prof, 1)
end

local function wait_rem(qid, eid, prof)
  if redis.call('ZREM', K_waiting(qid), eid) == 1 and prof then
    redis.call('ZREM', K_profileWaiting(qid, prof), eid)
    if redis.call('HINCRBY', K_profiles(qid), prof, -1) <= 0 then redis.call('HDEL', K_profiles(qid), prof) end
  end
end

local prof_cache = {}
local function parse_profile(prof)
  local p = prof_cache[prof]
  if p then return p end
  p = {}
  for name, lvl in string.gmatch(prof, '([^,=]+)=(%d+)') do p[name] = tonumber(lvl) end
  prof_cache[prof] = p
  return p
end

-- Moves an agent to a new state; keeps the available-sets, the wrap-up index and
-- time-in-state counters right. `extra` is a flat list of hash fields to set.
-- Returns the previous state.
local function transition(aid, to, extra)
  local k = K_agent(aid)
  local cur = redis.call('HMGET', k, 'state', 'since', 'acwQueue', 'acwDay')
  local from = cur[1] or 'offline'
  local since = tonumber(cur[2]) or NOW
  if NOW > since then astat(aid, 'ms:' .. from, NOW - since) end
  if from == 'wrap-up' and to ~= 'wrap-up' then
    redis.call('ZREM', K_wrapups(), aid)
    if cur[3] and cur[3] ~= '' then
      qstat(cur[3], cur[4], 'acwMs', NOW - since)
      qstat(cur[3], cur[4], 'acwCount', 1)
      astat(aid, 'acwMs', NOW - since)
    end
  end
  local wasAvail, isAvail = from == 'available', to == 'available'
  local wasIn, isIn = from ~= 'offline', to ~= 'offline'
  local fields = { 'state', to, 'since', NOW }
  for i = 1, #extra do fields[#fields + 1] = extra[i] end
  if isAvail and not wasAvail then
    for _, v in ipairs({ 'availSince', NOW, 'reason', '', 'entry', '', 'inst', '' }) do fields[#fields + 1] = v end
  end
  redis.call('HSET', k, unpack(fields))
  if wasAvail ~= isAvail or wasIn ~= isIn then
    -- memberships (a:<id>:queues) and queue members are kept equal by config-agent
    local queues = redis.call('SMEMBERS', K_agentQueues(aid))
    for _, q in ipairs(queues) do
      if wasAvail and not isAvail then redis.call('SREM', K_avail(q), aid) end
      if isAvail and not wasAvail then redis.call('SADD', K_avail(q), aid) end
      if wasIn and not isIn then redis.call('SREM', K_loggedIn(q), aid) end
      if isIn and not wasIn then redis.call('SADD', K_loggedIn(q), aid) end
    end
  end
  return from
end

-- Strategy sort key of a candidate (lower is better).
local function strategy_key(strategy, qid, aid, pos, idle, idx, rr)
  if strategy == 'longest-idle-agent' then return idle
  elseif strategy == 'round-robin' then
    if pos > rr then return pos - rr else return pos - rr + 1000000000 end
  elseif strategy == 'fewest-calls' then
    return tonumber(redis.call('HGET', K_agentDay(aid, ADAY), 'answered')) or 0
  elseif strategy == 'least-talk-time' then
    return tonumber(redis.call('HGET', K_agentDay(aid, ADAY), 'talkMs')) or 0
  elseif strategy == 'random' then
    return (SEED * 7919 + idx * 104729) % 1000003
  else -- top-down, ring-all
    return pos
  end
end

local function better(a, b)
  if a.tier ~= b.tier then return a.tier < b.tier end
  if a.prof ~= b.prof then return a.prof > b.prof end
  if a.key ~= b.key then return a.key < b.key end
  return a.id < b.id
end

-- Offers entry `eid` to the agents `chosen` (list of candidates): reserves them,
-- takes the entry out of the waiting set, and delivers the assignment to the
-- instance that owns the entry.
local function offer(qid, cfg, eid, inst, kind, chosen)
  wait_rem(qid, eid, redis.call('HGET', K_entry(eid), 'prof'))
  local ids = {}
  for _, c in ipairs(chosen) do
    transition(c.id, 'reserved', { 'entry', eid, 'inst', inst })
    ids[#ids + 1] = c.id
  end
  redis.call('HSET', K_entry(eid), 'state', 'offered', 'agents', table.concat(ids, ','), 'offeredAt', NOW)
  if cfg.strategy == 'round-robin' then redis.call('SET', K_rr(qid), chosen[1].pos) end
  redis.call('RPUSH', K_inbox(inst), cjson.encode({ t = 'assign', entry = eid, queue = qid, kind = kind, agents = ids, at = NOW }))
end

-- An agent became available: the best head among the skill profiles it can
-- serve (priority, then arrival), if its tier may take it yet.
local function assign_one_agent(qid, cfg, aid)
  if redis.call('SISMEMBER', K_avail(qid), aid) == 0 then return 0 end
  if (tonumber(redis.call('HGET', K_agent(aid), 'skipUntil')) or 0) > NOW then return 0 end
  local tier, pos = member_info(qid, aid)
  if not tier then return 0 end
  local skills = cjson.decode(redis.call('HGET', K_agent(aid), 'skills') or '{}')
  local tierWait = (cfg.tierWaitSeconds or 0) * 1000 * (tier - 1)
  local profs = redis.call('HKEYS', K_profiles(qid))
  local bestId, bestScore = nil, nil
  for _, prof in ipairs(profs) do
    local ok = true
    if prof ~= '-' then
      for name, min in pairs(parse_profile(prof)) do
        local lvl = skills[name]
        if lvl == nil or lvl < min then ok = false break end
      end
    end
    if ok then
      local h = redis.call('ZRANGE', K_profileWaiting(qid, prof), 0, 0, 'WITHSCORES')
      if h[1] then
        local s = tonumber(h[2])
        if bestScore == nil or s < bestScore then
          local arrived = tonumber(redis.call('HGET', K_entry(h[1]), 'arrived'))
          if arrived == nil then
            redis.call('ZREM', K_profileWaiting(qid, prof), h[1]) -- self-heal
          elseif NOW - arrived >= tierWait then
            bestId, bestScore = h[1], s
          end
        end
      end
    end
  end
  if not bestId then return 0 end
  local e = redis.call('HMGET', K_entry(bestId), 'inst', 'kind')
  offer(qid, cfg, bestId, e[1], e[2], { { id = aid, tier = tier, pos = pos } })
  return 1
end

-- Assigns waiting entries of one queue to its available agents, head first.
-- Event-driven runs are narrowed to what changed: `onlyAgent` (an agent became
-- available: every other available agent was already matched against every
-- waiting entry) or `onlyEntry` (an entry arrived or came back). Full runs
-- (nil, nil) happen on configuration changes, tier-wait wake-ups and reaping.
-- ring-all always considers every available agent. Returns entries offered.
local function assign_queue(qid, onlyAgent, onlyEntry)
  local cfg = queue_cfg(qid)
  if not cfg then return 0 end
  local avail
  if onlyAgent and cfg.strategy ~= 'ring-all' then
    return assign_one_agent(qid, cfg, onlyAgent)
  else
    avail = redis.call('SMEMBERS', K_avail(qid))
  end
  if #avail == 0 then return 0 end
  local entries
  if onlyEntry then
    if not redis.call('ZSCORE', K_waiting(qid), onlyEntry) then return 0 end
    entries = { onlyEntry }
  else
    entries = redis.call('ZRANGE', K_waiting(qid), 0, (cfg.scanLimit or 50) - 1)
  end
  if #entries == 0 then return 0 end
  local rr = tonumber(redis.call('GET', K_rr(qid))) or -1
  local cands = {}
  for idx, aid in ipairs(avail) do
    local a = redis.call('HMGET', K_agent(aid), 'state', 'skills', 'availSince', 'skipUntil')
    local tier, pos = member_info(qid, aid)
    if a[1] == 'available' and tier and (tonumber(a[4]) or 0) > NOW then
      -- resting after a missed call (missedRetrySeconds): skipped for now
    elseif a[1] == 'available' and tier then
      local c = { id = aid, tier = tier, pos = pos, skills = cjson.decode(a[2] or '{}'), idle = tonumber(a[3]) or 0 }
      c.key = strategy_key(cfg.strategy, qid, aid, pos, c.idle, idx, rr)
      cands[#cands + 1] = c
    else
      redis.call('SREM', K_avail(qid), aid) -- self-heal a stale member
    end
  end
  local tierWait = (cfg.tierWaitSeconds or 0) * 1000
  local assigned = 0
  for _, eid in ipairs(entries) do
    if #cands == 0 then break end
    local e = redis.call('HMGET', K_entry(eid), 'skills', 'arrived', 'inst', 'kind')
    if not e[2] then
      redis.call('ZREM', K_waiting(qid), eid) -- self-heal a dangling id (profile sets heal on their own read)
    else
      local req = cjson.decode(e[1] or '{}')
      local waited = NOW - tonumber(e[2])
      local best, bestIdx = nil, nil
      local eligible = {}
      for i, c in ipairs(cands) do
        local ok = waited >= (c.tier - 1) * tierWait
        local prof = 0
        if ok then
          for name, min in pairs(req) do
            local lvl = c.skills[name]
            if lvl == nil or lvl < min then ok = false break end
            prof = prof + lvl
          end
        end
        if ok then
          c.prof = prof
          eligible[#eligible + 1] = i
          if best == nil or better(c, best) then best, bestIdx = c, i end
        end
      end
      if best then
        local chosen, take = {}, {}
        if cfg.strategy == 'ring-all' then
          for _, i in ipairs(eligible) do
            if cands[i].tier == best.tier then chosen[#chosen + 1] = cands[i]; take[i] = true end
          end
        else
          chosen[1] = best
          take[bestIdx] = true
        end
        offer(qid, cfg, eid, e[3], e[4], chosen)
        local rest = {}
        for i, c in ipairs(cands) do if not take[i] then rest[#rest + 1] = c end end
        cands = rest
        assigned = assigned + 1
      end
    end
  end
  return assigned
end

-- An agent became available: try its queues, the one whose head caller is
-- best (priority, then arrival) first, until the agent is taken.
local function assign_agent(aid)
  local queues = redis.call('SMEMBERS', K_agentQueues(aid))
  local heads = {}
  for _, q in ipairs(queues) do
    local h = redis.call('ZRANGE', K_waiting(q), 0, 0, 'WITHSCORES')
    if h[2] then heads[#heads + 1] = { q = q, s = tonumber(h[2]) } end
  end
  table.sort(heads, function(a, b) return a.s < b.s end)
  for _, h in ipairs(heads) do
    if redis.call('HGET', K_agent(aid), 'state') ~= 'available' then break end
    assign_queue(h.q, aid, nil)
  end
end

-- Agent `aid` leaves a reservation for entry `eid` (no answer, busy, cancelled).
-- Returns the agent's new state.
local function unreserve(aid, eid, missed, maxMissed, retryMs)
  local k = K_agent(aid)
  if missed then
    redis.call('HSET', k, 'skipUntil', NOW + retryMs)
    local n = redis.call('HINCRBY', k, 'missed', 1)
    if n >= maxMissed then
      transition(aid, 'paused', { 'reason', 'missed', 'missed', 0, 'entry', '', 'inst', '' })
      astat(aid, 'missed', 1)
      return 'paused'
    end
    astat(aid, 'missed', 1)
  end
  transition(aid, 'available', {})
  return 'available'
end

-- Removes agent `aid` from entry `eid`'s offer; when nobody is left ringing, the
-- entry goes back to waiting with its original score (keeps its place).
local function entry_drop_agent(eid, aid)
  local ek = K_entry(eid)
  local e = redis.call('HMGET', ek, 'state', 'agents', 'queue', 'score', 'prof')
  if e[1] ~= 'offered' then return false end
  local left = {}
  for _, x in ipairs(split(e[2])) do if x ~= aid then left[#left + 1] = x end end
  redis.call('HSET', ek, 'agents', table.concat(left, ','))
  if #left == 0 then
    redis.call('HSET', ek, 'state', 'waiting')
    wait_add(e[3], eid, e[4], e[5])
    return true
  end
  return false
end
