--[[
  Points a dialed number at a flow; the flow must exist and have a published version.

  KEYS[1] routes (hash DID -> flow id)    KEYS[2] flows index (set)    KEYS[3] flow meta (hash)
  ARGV[1] DID    ARGV[2] flow id    ARGV[3] "1": only when the DID has no route yet (seeding)

  Returns 1 set, 0 left as it was (seeding, route exists), -1 no such flow, -2 flow has no published version
]]
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then
  return -1
end
if redis.call('HEXISTS', KEYS[3], 'published') == 0 then
  return -2
end
if ARGV[3] == '1' then
  return redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
