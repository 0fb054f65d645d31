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

local function qstat(qid, qday, field, by)
  local dk = K_queueDay(qid, qday)
  redis.call('HINCRBY', dk, field, by)
  redis.call('EXPIRE', dk, DAY_TTL)
  local mk = K_queueMinute(qid, MINUTE)
  redis.call('HINCRBY', mk, field, by)
  redis.call('EXPIRE', mk, MINUTE_TTL)
end

local function astat(aid, field, by)
  local dk = K_agentDay(aid, ADAY)
  redis.call('HINCRBY', dk, field, by)
  redis.call('EXPIRE', dk, DAY_TTL)
  local mk = K_agentMinute(aid, MINUTE)
  redis.call('HINCRBY', mk, field, by)
  redis.call('EXPIRE', mk, MINUTE_TTL)
end

local function queue_cfg(qid)
  local s = redis.call('GET', K_queue(qid))
  if not s then return nil end
  return cjson.decode(s)
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
  redis.call('HSET', k, 'state', to, 'since', NOW)
  if #extra > 0 then redis.call('HSET', k, unpack(extra)) end
  local queues = redis.call('SMEMBERS', K_agentQueues(aid))
  if from == 'available' and to ~= 'available' then
    for _, q in ipairs(queues) do redis.call('SREM', K_avail(q), aid) end
  end
  if to == 'available' and from ~= 'available' then
    redis.call('HSET', k, 'availSince', NOW, 'reason', '', 'entry', '', 'inst', '')
    for _, q in ipairs(queues) do
      if redis.call('HEXISTS', K_members(q), aid) == 1 then redis.call('SADD', K_avail(q), aid) end
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
  redis.call('ZREM', K_waiting(qid), eid)
  local ids = {}
  for _, c in ipairs(chosen) do
    transition(c.id, 'reserved', { 'entry', eid, 'inst', inst })
    ids[#ids + 1] = c.id
  end
  redis.call('HSET', K_entry(eid), 'state', 'offered', 'agents', table.concat(ids, ','), 'offeredAt', NOW)
  if cfg.strategy == 'round-robin' then redis.call('SET', K_rr(qid), chosen[1].pos) end
  redis.call('RPUSH', K_inbox(inst), cjson.encode({ t = 'assign', entry = eid, queue = qid, kind = kind, agents = ids, at = NOW }))
end

-- Assigns waiting entries of one queue to its available agents, head first.
-- Returns the number of entries offered.
local function assign_queue(qid)
  local cfg = queue_cfg(qid)
  if not cfg then return 0 end
  local avail = redis.call('SMEMBERS', K_avail(qid))
  if #avail == 0 then return 0 end
  local entries = redis.call('ZRANGE', K_waiting(qid), 0, (cfg.scanLimit or 50) - 1)
  if #entries == 0 then return 0 end
  local rr = tonumber(redis.call('GET', K_rr(qid))) or -1
  local cands = {}
  for idx, aid in ipairs(avail) do
    local a = redis.call('HMGET', K_agent(aid), 'state', 'skills', 'availSince')
    local tier, pos = member_info(qid, aid)
    if a[1] == 'available' and tier then
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
      redis.call('ZREM', K_waiting(qid), eid) -- self-heal a dangling id
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
    assign_queue(h.q)
  end
end

-- Agent `aid` leaves a reservation for entry `eid` (no answer, busy, cancelled).
-- Returns the agent's new state.
local function unreserve(aid, eid, missed, maxMissed)
  local k = K_agent(aid)
  if missed then
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
  local e = redis.call('HMGET', ek, 'state', 'agents', 'queue', 'score')
  if e[1] ~= 'offered' then return end
  local left = {}
  for _, x in ipairs(split(e[2])) do if x ~= aid then left[#left + 1] = x end end
  redis.call('HSET', ek, 'agents', table.concat(left, ','))
  if #left == 0 then
    redis.call('HSET', ek, 'state', 'waiting')
    redis.call('ZADD', K_waiting(e[3]), e[4], eid)
  end
end
