--[[
  enqueue: puts a caller (kind 'call') or a call-back (kind 'callback') in a
  queue and runs the assignment at once (event-driven, no polling).
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed (see lib.lua)
  ARGV[5] queue id   ARGV[6] entry id   ARGV[7] owning instance id
  ARGV[8] kind ('call' | 'callback')   ARGV[9] priority (0..100)
  ARGV[10] arrival ms   ARGV[11] required skills JSON {"name": minLevel}
  ARGV[12] data JSON   ARGV[13] qday (yyyy-mm-dd in the queue's time zone)
  ARGV[14] skill profile: the skills as "name=level,..." sorted by name, "-" for none
  ARGV[15] the queue's time zone that ARGV[13] was computed in ('' = the ACD's)
  Returns {'OK', position, tierWaitSeconds} (position 0: already offered to an agent)
        | {'NO_QUEUE'} | {'FULL'} | {'NO_AGENTS'} | {'DUPLICATE'}
        | {'ZONE', timeZone} (ARGV[15] is not the queue's zone: nothing done; call again)
]]
local qid, eid, inst, kind = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local prio, arrived, skills, data, qday, prof = tonumber(ARGV[9]), tonumber(ARGV[10]), ARGV[11], ARGV[12], ARGV[13], ARGV[14]
local cfg = queue_cfg(qid)
if not cfg then return { 'NO_QUEUE' } end
if (cfg.timeZone or '') ~= (ARGV[15] or '') then return { 'ZONE', cfg.timeZone or '' } end
if redis.call('EXISTS', K_entry(eid)) == 1 then return { 'DUPLICATE' } end
if kind == 'call' then
  if redis.call('SCARD', K_loggedIn(qid)) == 0 then
    qstat(qid, qday, 'rejectedNoAgents', 1)
    return { 'NO_AGENTS' }
  end
  local maxLen = cfg.maxLength or 0
  if maxLen > 0 and redis.call('ZCARD', K_waiting(qid)) >= maxLen then
    qstat(qid, qday, 'rejectedFull', 1)
    return { 'FULL' }
  end
end
-- numbers go to Redis as text made here ('%d'), not by Redis's floating-point printf
local score = string.format('%d', (100 - prio) * 10000000000000 + arrived)
redis.call('HSET', K_entry(eid), 'queue', qid, 'kind', kind, 'inst', inst, 'prio', ARGV[9], 'arrived', ARGV[10],
  'score', score, 'skills', skills, 'data', data, 'state', 'waiting', 'agents', '', 'qday', qday, 'prof', prof)
wait_add(qid, eid, score, prof)
redis.call('SADD', K_instanceEntries(inst), eid)
if kind == 'call' then qstat(qid, qday, 'offered', 1) else qstat(qid, qday, 'callbacksQueued', 1) end
assign_queue(qid, nil, eid)
local rank = redis.call('ZRANK', K_waiting(qid), eid)
if rank then return { 'OK', rank + 1, cfg.tierWaitSeconds or 0 } end
return { 'OK', 0, cfg.tierWaitSeconds or 0 }
