--[[
  bind: records the ACD entry that stands for a claimed call-back in its queue
  (done before the entry is enqueued, so its assignment can always be matched).
  A call-back reclaimed from a dead instance while it waited in its queue
  adopts the entry it had (field 'adopt', set by reclaim.lua) instead of the
  new one: the ACD keeps that entry waiting at its place.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] id   ARGV[5] instance   ARGV[6] lease token   ARGV[7] new ACD entry id
  Returns {'OK', previous entry id or '', entry id bound} | {'LEASE_LOST'}
  The previous entry (left by an instance that died) must be withdrawn from the ACD by the caller;
  the entry bound is ARGV[7] or the adopted one, which may still be waiting in the ACD.
]]
local id, inst, token, entry = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local r = K_record(id)
local e = redis.call('HMGET', r, 'status', 'owner', 'lease', 'entry', 'prevEntry', 'adopt')
if e[1] ~= 'queued' or e[2] ~= inst or e[3] ~= token then return { 'LEASE_LOST' } end
if e[6] and e[6] ~= '' then entry = e[6] end
local prev = e[4] or ''
if prev == '' then prev = e[5] or '' end
if prev == entry then prev = '' end
if prev ~= '' and redis.call('HGET', K_entries(), prev) == id then redis.call('HDEL', K_entries(), prev) end
redis.call('HSET', r, 'entry', entry, 'prevEntry', '')
redis.call('HDEL', r, 'adopt')
redis.call('HSET', K_entries(), entry, id)
return { 'OK', prev, entry }
