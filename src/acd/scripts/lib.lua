--[[
  Shared helpers of the ACD's operations, assembled by the loader (scripts.ts)
  after the generated key functions K_*(…) (keys.ts) and the counter index CI
  (counters.ts). Not a command by itself.

  Conventions of every operation:
    KEYS[1] = <prefix>anchor   (routes the call to the prefix's cluster slot;
                                all other keys share the hash tag, so the slot)
    ARGV[1] = prefix P, ARGV[2] = now (ms, caller's clock),
    ARGV[3] = ADAY (yyyy-mm-dd in the ACD time zone, for agent counters),
    ARGV[4] = SEED (random integer, for the `random` strategy).
  Replies are arrays whose first element is a status: 'OK' or an error code.

  Each operation's file is the body of a function; the loader runs it as
  begin(ARGV) → body → flush(). begin() resets the per-call state below (the
  library itself is loaded once, as a Redis function library, so nothing may
  outlive a call); flush() writes what the call deferred: the available-agent
  indexes of agents that became available (see transition), the agent hashes
  (once per agent: agent_set), and the counter increments (once per key,
  BITFIELD). Agent hashes and memberships read in a call are cached for that
  call; every agent write goes through agent_set / transition, which keep the
  cache right (code that reads or deletes an agent hash directly calls
  agent_forget first, which writes what is pending).
]]
local DAY_TTL = 8 * 86400
local MINUTE_TTL = 1800
-- The `extra` of a transition that sets no other field (shared: read-only).
local NO_FIELDS = {}

-- Per-call state, reset by begin().
local stat_keys, stat_pending        -- counter keys in order (key, ttl, key, ttl, …); key -> BITFIELD arguments (see bump)
local cfg_cache                      -- queue configs read in this call
local agent_cache, agent_queue_cache -- agent hashes and memberships read in this call
local agent_dirty, agent_dirty_order -- agent fields set in this call, written by flush_agents
local avail_pending, avail_order     -- agents that became available in this call (see flush_avail)

local function begin(argv)
  P = argv[1]
  NOW = tonumber(argv[2])
  NOWS = argv[2] -- as given: written to hashes without a number → string conversion
  ADAY = argv[3]
  SEED = tonumber(argv[4]) or 0
  MINUTE = math.floor(NOW / 60000)
  stat_keys, stat_pending = {}, {}
  cfg_cache = {}
  agent_cache, agent_queue_cache = {}, {}
  agent_dirty, agent_dirty_order = {}, {}
  avail_pending, avail_order = {}, {}
end

-- Adds `by` to counter `field` of counter key `key`, written by flush_stats at
-- the end of the call: the BITFIELD arguments are built as the call goes, in
-- a table sized at once for four counters (slots of 'INCRBY', 'i64', offset,
-- by; `false` marks a free slot) so that it never grows in the common case,
-- and found again by a scan of those few slots. stat_keys lists key, ttl, …
local function bump(key, field, by, ttl)
  local off = CI[field]
  if not off then error('unknown ACD counter ' .. tostring(field)) end
  local args = stat_pending[key]
  if not args then
    stat_pending[key] = { 'BITFIELD', key, 'INCRBY', 'u8', '0', '1', 'INCRBY', 'i64', off, by,
      false, false, false, false, false, false, false, false, false, false, false, false }
    local n = #stat_keys
    stat_keys[n + 1], stat_keys[n + 2] = key, ttl
    return
  end
  local i = 9
  while true do
    local o = args[i]
    if o == off then
      args[i + 1] = args[i + 1] + by
      return
    elseif not o then
      args[i - 2], args[i - 1], args[i], args[i + 1] = 'INCRBY', 'i64', off, by
      return
    end
    i = i + 4
  end
end

-- The increment of `field` in `key` not written yet (0 if none).
local function pending_stat(key, field)
  local args = stat_pending[key]
  if not args then return 0 end
  local off, i = CI[field], 9
  while args[i] do
    if args[i] == off then return args[i + 1] end
    i = i + 4
  end
  return 0
end

-- One BITFIELD per counter key. Its first byte counts writes (u8 at bit 0,
-- wrapping: a narrow type because BITFIELD costs a loop step per bit), so 1
-- means a new key, which gets its TTL (and, harmlessly, every 256th write
-- sets the TTL again). The increments go as decimal strings: Redis turns a Lua
-- number argument into text with a floating-point printf ("%.17g"), several
-- times the cost of '%d'.
local function flush_stats()
  local format = string.format
  for k = 1, #stat_keys, 2 do
    local key = stat_keys[k]
    local args, n = stat_pending[key], 6
    while args[n + 3] do
      local v = args[n + 4]
      args[n + 4] = v == 1 and '1' or format('%d', v)
      n = n + 4
    end
    if redis.call(unpack(args, 1, n))[1] == 1 then redis.call('EXPIRE', key, stat_keys[k + 1]) end
  end
end

-- Counter key names of a queue or an agent for the current day and minute,
-- remembered per id (a pure cache: rebuilt when the prefix, day or minute
-- differs; it outlives a call in the function library).
local qctr_keys, actr_keys = {}, {}
local function ctr_keys(cache, id, day, dayKey, minuteKey)
  local c = cache[id]
  if not c or c.p ~= P or c.day ~= day or c.minute ~= MINUTE then
    c = { p = P, day = day, minute = MINUTE, dk = dayKey(id, day), mk = minuteKey(id, MINUTE) }
    cache[id] = c
  end
  return c
end

local function qstat(qid, qday, field, by)
  local c = ctr_keys(qctr_keys, qid, qday, K_queueDay, K_queueMinute)
  bump(c.dk, field, by, DAY_TTL)
  bump(c.mk, field, by, MINUTE_TTL)
end

local function astat(aid, field, by)
  local c = ctr_keys(actr_keys, aid, ADAY, K_agentDay, K_agentMinute)
  bump(c.dk, field, by, DAY_TTL)
  bump(c.mk, field, by, MINUTE_TTL)
end

-- Decoded JSON (queue configs, skills) and parsed skill profiles by their
-- text: a pure memo, so it may outlive a call (it does in the function
-- library, where the top level runs once; a script re-creates it per call).
-- The tables it returns are shared: read-only. Emptied when it grows large.
local memo, memo_n = {}, 0
local function memo_put(k, v)
  if memo_n >= 1000 then memo, memo_n = {}, 0 end
  memo[k] = v
  memo_n = memo_n + 1
  return v
end
local function decode(s)
  return memo[s] or memo_put(s, cjson.decode(s))
end

-- Queue configs read once per call (decoded once per text).
local function queue_cfg(qid)
  local c = cfg_cache[qid]
  if c ~= nil then return c or nil end
  local s = redis.call('GET', K_queue(qid))
  if not s then
    cfg_cache[qid] = false
    return nil
  end
  c = decode(s)
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
  redis.call('HINCRBY', K_profiles(qid), prof, '1')
end

local function wait_rem(qid, eid, prof)
  if redis.call('ZREM', K_waiting(qid), eid) == 1 and prof then
    redis.call('ZREM', K_profileWaiting(qid, prof), eid)
    if redis.call('HINCRBY', K_profiles(qid), prof, '-1') <= 0 then redis.call('HDEL', K_profiles(qid), prof) end
  end
end

local function parse_profile(prof)
  local key = 'prof:' .. prof
  local p = memo[key]
  if p then return p end
  p = {}
  for name, lvl in string.gmatch(prof, '([^,=]+)=(%d+)') do p[name] = tonumber(lvl) end
  return memo_put(key, p)
end

-- Agent hashes read in this run (write-through cache): aid -> fields (nil when
-- absent; `exists` false when the agent has no hash).
local AGENT_FIELDS = { 'state', 'since', 'acwQueue', 'acwDay', 'skills', 'skipUntil', 'entry', 'availSince', 'missed', 'wrapUntil' }
local function agent(aid)
  local a = agent_cache[aid]
  if a then return a end
  local v = redis.call('HMGET', K_agent(aid), unpack(AGENT_FIELDS))
  -- one constructor (the table is sized once) rather than a field at a time; absent fields stay nil
  a = { exists = v[1] ~= false, state = v[1] or nil, since = v[2] or nil, acwQueue = v[3] or nil, acwDay = v[4] or nil,
    skills = v[5] or nil, skipUntil = v[6] or nil, entry = v[7] or nil, availSince = v[8] or nil, missed = v[9] or nil,
    wrapUntil = v[10] or nil }
  agent_cache[aid] = a
  return a
end

-- Sets one field of an agent hash: the cache at once, the hash once per agent
-- at the end of the call (flush_agents), however many transitions the call
-- made (e.g. available, then reserved for the next caller). The pending
-- fields of an agent are a field -> value table made with room for the fields
-- a transition sets (a constructor with nil values sizes it and creates their
-- slots), so that it never grows in the common case.
local function agent_put(aid, f, v)
  local a = agent(aid)
  local d = agent_dirty[aid]
  if not d then
    d = { state = nil, since = nil, availSince = nil, reason = nil, entry = nil, inst = nil, missed = nil, lastQueue = nil }
    agent_dirty[aid] = d
    agent_dirty_order[#agent_dirty_order + 1] = aid
  end
  a[f] = v
  d[f] = v
  a.exists = true
  if f == 'skills' then a.sk = nil end
end

-- Sets fields of an agent hash (flat field/value list), as agent_put.
local function agent_set(aid, fields)
  for i = 1, #fields, 2 do agent_put(aid, fields[i], fields[i + 1]) end
end

local function flush_agent(aid)
  local d = agent_dirty[aid]
  if not d then return end
  local args, n = { 'HSET', K_agent(aid), false, false, false, false, false, false, false, false,
    false, false, false, false, false, false, false, false }, 2
  for f, v in pairs(d) do
    args[n + 1], args[n + 2] = f, v
    n = n + 2
  end
  if n > 2 then redis.call(unpack(args, 1, n)) end
  agent_dirty[aid] = nil
end

local function flush_agents()
  for _, aid in ipairs(agent_dirty_order) do flush_agent(aid) end
end

-- The agent's skills, decoded once per run.
local function agent_skills(aid)
  local a = agent(aid)
  if not a.sk then a.sk = decode(a.skills or '{}') end
  return a.sk
end

-- Queues the agent is a member of (a:<id>:queues), read once per run.
local function agent_queues(aid)
  local q = agent_queue_cache[aid]
  if q then return q end
  q = redis.call('SMEMBERS', K_agentQueues(aid))
  agent_queue_cache[aid] = q
  return q
end

-- Forget what this run cached about an agent (configuration changed it);
-- its pending writes are written first.
local function agent_forget(aid)
  flush_agent(aid)
  agent_cache[aid] = nil
  agent_queue_cache[aid] = nil
end

-- The available-agent index of a queue (q:<id>:idle, hash): agent id ->
-- "tier,position,availableSince,skipUntil,day,answered,talkMs,skillsJSON",
-- everything the assignment needs to rank the agent, so a caller arriving
-- while agents wait costs one HGETALL, not reads per agent. `answered` and
-- `talkMs` are the agent's counts of `day` (ADAY) when it became available:
-- they only change while it is on a call, so they stay exact while it waits
-- (on another day its count today is 0).
local function idle_value(aid, tier, pos, a, skills)
  if not a.today then
    local key = K_agentDay(aid, ADAY)
    local v = redis.call('BITFIELD', key, 'GET', 'i64', CI['answered'], 'GET', 'i64', CI['talkMs'])
    a.today = { (tonumber(v[1]) or 0) + pending_stat(key, 'answered'), (tonumber(v[2]) or 0) + pending_stat(key, 'talkMs') }
  end
  return string.format('%d,%d,%d,%d,%s,%d,%d,%s', tier, pos, tonumber(a.availSince) or 0, tonumber(a.skipUntil) or 0, ADAY,
    a.today[1], a.today[2], skills or a.skills or '{}')
end

-- tier, position, availableSince, skipUntil, answered today, talkMs today, skills JSON.
local function idle_parse(v)
  local t, p, since, skip, day, answered, talk, skills = string.match(v, '^(%d+),(%d+),(%d+),(%d+),([^,]*),(%d+),(%d+),(.*)$')
  if not t then return nil end
  if day ~= ADAY then answered, talk = 0, 0 end
  return tonumber(t), tonumber(p), tonumber(since), tonumber(skip), tonumber(answered), tonumber(talk), skills
end

-- Agents that became available in this call: their index entries are written
-- by flush_avail (before any read of an index and at the end), so an agent
-- that becomes available and is reserved again in the same call (call ends →
-- next caller) never touches the indexes.
local function flush_avail()
  if not avail_order[1] then return end
  for _, aid in ipairs(avail_order) do
    if avail_pending[aid] then
      local a = agent(aid)
      for _, q in ipairs(agent_queues(aid)) do
        local tier, pos = member_info(q, aid)
        if tier then redis.call('HSET', K_avail(q), aid, idle_value(aid, tier, pos, a)) end
      end
    end
  end
  avail_pending, avail_order = {}, {}
end

-- Agent `aid` is no longer logged in to queue `q`. When it was the last one
-- and callers wait, every live instance is told (inbox message 'no-agents'):
-- the owners of the queue's waiting callers send them to the queue node's
-- `no-agents` exit (leave 'no-agents' checks again that nobody came back).
local function logged_out_of(q, aid)
  if redis.call('SREM', K_loggedIn(q), aid) == 1 and redis.call('SCARD', K_loggedIn(q)) == 0
    and redis.call('ZCARD', K_waiting(q)) > 0 then
    local msg = cjson.encode({ t = 'no-agents', queue = q, at = NOW })
    for _, inst in ipairs(redis.call('ZRANGE', K_instances(), 0, -1)) do redis.call('RPUSH', K_inbox(inst), msg) end
  end
end

-- Moves an agent to a new state; keeps the available-agent indexes, the wrap-up index and
-- time-in-state counters right. `extra` is a flat list of hash fields to set.
-- Returns the previous state.
local function transition(aid, to, extra)
  local cur = agent(aid)
  local from = cur.state or 'offline'
  local since = tonumber(cur.since) or NOW
  if NOW > since then astat(aid, 'ms:' .. from, NOW - since) end
  if from == 'wrap-up' and to ~= 'wrap-up' then
    redis.call('ZREM', K_wrapups(), aid)
    if cur.acwQueue and cur.acwQueue ~= '' then
      qstat(cur.acwQueue, cur.acwDay, 'acwMs', NOW - since)
      qstat(cur.acwQueue, cur.acwDay, 'acwCount', 1)
      astat(aid, 'acwMs', NOW - since)
    end
  end
  local wasAvail, isAvail = from == 'available', to == 'available'
  local wasIn, isIn = from ~= 'offline', to ~= 'offline'
  agent_put(aid, 'state', to)
  agent_put(aid, 'since', NOWS)
  for i = 1, #extra, 2 do agent_put(aid, extra[i], extra[i + 1]) end
  if isAvail and not wasAvail then
    agent_put(aid, 'availSince', NOWS)
    agent_put(aid, 'reason', '')
    agent_put(aid, 'entry', '')
    agent_put(aid, 'inst', '')
  end
  if wasAvail and not isAvail then
    if avail_pending[aid] then
      avail_pending[aid] = nil -- became available in this call: never written to the indexes
    else
      for _, q in ipairs(agent_queues(aid)) do redis.call('HDEL', K_avail(q), aid) end
    end
  elseif isAvail and not wasAvail then
    avail_pending[aid] = true
    avail_order[#avail_order + 1] = aid
  end
  if wasIn ~= isIn then
    -- memberships (a:<id>:queues) and queue members are kept equal by config-agent
    for _, q in ipairs(agent_queues(aid)) do
      if isIn then redis.call('SADD', K_loggedIn(q), aid) else logged_out_of(q, aid) end
    end
  end
  return from
end

-- Strategy sort key of a candidate (lower is better).
local function strategy_key(strategy, c, idx, rr)
  local pos = c.pos
  if strategy == 'longest-idle-agent' then return c.idle
  elseif strategy == 'round-robin' then
    if pos > rr then return pos - rr else return pos - rr + 1000000000 end
  elseif strategy == 'fewest-calls' then
    return c.answered
  elseif strategy == 'least-talk-time' then
    return c.talkMs
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

-- Offers entry `eid` (skill profile `prof`) to the agents `chosen` (list of
-- candidates): reserves them, takes the entry out of the waiting set, and
-- delivers the assignment to the instance that owns the entry.
local function offer(qid, cfg, eid, inst, kind, prof, chosen)
  wait_rem(qid, eid, prof)
  local ids = {}
  for _, c in ipairs(chosen) do
    transition(c.id, 'reserved', { 'entry', eid, 'inst', inst })
    ids[#ids + 1] = c.id
  end
  redis.call('HSET', K_entry(eid), 'state', 'offered', 'agents', table.concat(ids, ','), 'offeredAt', NOWS)
  if cfg.strategy == 'round-robin' then redis.call('SET', K_rr(qid), string.format('%d', chosen[1].pos)) end
  redis.call('RPUSH', K_inbox(inst), cjson.encode({ t = 'assign', entry = eid, queue = qid, kind = kind, agents = ids, at = NOW }))
end

-- Arrival ms of a waiting entry from its score ((100 − priority)·1e13 + arrival).
local function arrival_of(score) return score % 10000000000000 end

-- The best waiting entry of queue `qid` that agent `aid` may take now: the
-- best head (priority, then arrival) among the skill profiles it can serve,
-- if its tier may take it yet. Returns a candidate table or nil.
local function best_for_agent(qid, cfg, aid)
  local tier, pos = member_info(qid, aid)
  if not tier then return nil end
  local skills = agent_skills(aid)
  local tierWait = (cfg.tierWaitSeconds or 0) * 1000 * (tier - 1)
  local bestId, bestScore, bestProf = nil, nil, nil
  for _, prof in ipairs(redis.call('HKEYS', K_profiles(qid))) do
    local ok = true
    if prof ~= '-' then
      for name, min in pairs(parse_profile(prof)) do
        local lvl = skills[name]
        if lvl == nil or lvl < min then ok = false break end
      end
    end
    if ok then
      local h = redis.call('ZRANGE', K_profileWaiting(qid, prof), '0', '0', 'WITHSCORES')
      if h[1] then
        local sc = tonumber(h[2])
        if (bestScore == nil or sc < bestScore) and NOW - arrival_of(sc) >= tierWait then
          bestId, bestScore, bestProf = h[1], sc, prof
        end
      end
    end
  end
  if not bestId then return nil end
  return { q = qid, cfg = cfg, id = bestId, score = bestScore, prof = bestProf, tier = tier, pos = pos }
end

-- Offers candidate `b` (from best_for_agent) to agent `aid`. False when the
-- entry was a dangling id (healed: the caller looks again).
local function take_for_agent(b, aid)
  local e = redis.call('HMGET', K_entry(b.id), 'inst', 'kind')
  if not e[1] then
    redis.call('ZREM', K_profileWaiting(b.q, b.prof), b.id)
    redis.call('ZREM', K_waiting(b.q), b.id)
    return false
  end
  offer(b.q, b.cfg, b.id, e[1], e[2], b.prof, { { id = aid, tier = b.tier, pos = b.pos } })
  return true
end

local function can_take(aid)
  local a = agent(aid)
  return a.state == 'available' and (tonumber(a.skipUntil) or 0) <= NOW
end

-- An agent became available in one queue (assign_queue's narrowed run).
local function assign_one_agent(qid, cfg, aid)
  while can_take(aid) do
    local b = best_for_agent(qid, cfg, aid)
    if not b then return 0 end
    if take_for_agent(b, aid) then return 1 end
  end
  return 0
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
  if onlyAgent and cfg.strategy ~= 'ring-all' then
    return assign_one_agent(qid, cfg, onlyAgent)
  end
  flush_avail()
  local avail = redis.call('HGETALL', K_avail(qid))
  if #avail == 0 then return 0 end
  local entries
  if onlyEntry then
    if not redis.call('ZSCORE', K_waiting(qid), onlyEntry) then return 0 end
    entries = { onlyEntry }
  else
    entries = redis.call('ZRANGE', K_waiting(qid), '0', (cfg.scanLimit or 50) - 1)
  end
  if #entries == 0 then return 0 end
  local rr = tonumber(redis.call('GET', K_rr(qid))) or -1
  local cands = {}
  for i = 1, #avail, 2 do
    local aid = avail[i]
    local tier, pos, since, skip, answered, talk, skills = idle_parse(avail[i + 1])
    if not tier then
      redis.call('HDEL', K_avail(qid), aid) -- self-heal a malformed entry
    elseif skip <= NOW then -- else: resting after a missed call (missedRetrySeconds)
      local c = { id = aid, tier = tier, pos = pos, skillsJson = skills, idle = since, answered = answered, talkMs = talk }
      c.key = strategy_key(cfg.strategy, c, (i + 1) / 2, rr)
      cands[#cands + 1] = c
    end
  end
  local tierWait = (cfg.tierWaitSeconds or 0) * 1000
  local assigned = 0
  for _, eid in ipairs(entries) do
    if #cands == 0 then break end
    local e = redis.call('HMGET', K_entry(eid), 'skills', 'arrived', 'inst', 'kind', 'prof')
    if not e[2] then
      redis.call('ZREM', K_waiting(qid), eid) -- self-heal a dangling id (profile sets heal on their own read)
    else
      local req = decode(e[1] or '{}')
      local waited = NOW - tonumber(e[2])
      local settled = false
      while not settled and #cands > 0 do
        local best, bestIdx = nil, nil
        local eligible = {}
        for i, c in ipairs(cands) do
          local ok = waited >= (c.tier - 1) * tierWait
          local prof = 0
          if ok then
            if not c.skills then c.skills = decode(c.skillsJson) end
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
        if not best then
          settled = true
        else
          local chosen = {}
          if cfg.strategy == 'ring-all' then
            for _, i in ipairs(eligible) do
              if cands[i].tier == best.tier then chosen[#chosen + 1] = i end
            end
          else
            chosen[1] = bestIdx
          end
          -- The index is kept by the same calls that change states; an entry
          -- that is not available any more is healed and the choice made again.
          local stale, drop = false, {}
          for _, i in ipairs(chosen) do
            if agent(cands[i].id).state ~= 'available' then
              stale = true
              drop[i] = true
              redis.call('HDEL', K_avail(qid), cands[i].id)
            end
          end
          if not stale then
            local picked = {}
            for _, i in ipairs(chosen) do
              picked[#picked + 1] = cands[i]
              drop[i] = true
            end
            offer(qid, cfg, eid, e[3], e[4], e[5], picked)
            assigned = assigned + 1
            settled = true
          end
          local rest = {}
          for i, c in ipairs(cands) do if not drop[i] then rest[#rest + 1] = c end end
          cands = rest
        end
      end
    end
  end
  return assigned
end

-- An agent became available: try its queues, the one whose head caller is
-- best (priority, then arrival) first, until the agent is taken. (Looking for
-- the best entry it may take across all its queues would read every queue's
-- skill profiles on every call; the head order finds it first in most cases.)
local function assign_agent(aid)
  if not can_take(aid) then return end
  local heads = {}
  for _, q in ipairs(agent_queues(aid)) do
    local h = redis.call('ZRANGE', K_waiting(q), '0', '0', 'WITHSCORES')
    if h[2] then heads[#heads + 1] = { q = q, s = tonumber(h[2]) } end
  end
  if #heads > 1 then table.sort(heads, function(x, y) return x.s < y.s end) end
  for _, h in ipairs(heads) do
    if agent(aid).state ~= 'available' then break end
    assign_queue(h.q, aid, nil)
  end
end

-- Agent `aid` leaves a reservation for entry `eid` (no answer, busy, cancelled).
-- Returns the agent's new state.
local function unreserve(aid, eid, missed, maxMissed, retryMs)
  if missed then
    local n = (tonumber(agent(aid).missed) or 0) + 1
    agent_set(aid, { 'skipUntil', NOW + retryMs, 'missed', n })
    if n >= maxMissed then
      transition(aid, 'paused', { 'reason', 'missed', 'missed', '0', 'entry', '', 'inst', '' })
      astat(aid, 'missed', 1)
      return 'paused'
    end
    astat(aid, 'missed', 1)
  end
  transition(aid, 'available', NO_FIELDS)
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

-- Everything a run deferred, written at its end (the loader calls it after the
-- body). What it leaves in the per-call state is reset by the next begin().
local function flush()
  flush_avail()
  flush_agents()
  flush_stats()
end
