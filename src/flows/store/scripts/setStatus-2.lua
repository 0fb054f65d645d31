--[[
  Records that a flow's source file is invalid (the last good version keeps serving).

  KEYS[1] flows index (set)    KEYS[2] flow meta (hash)
  ARGV[1] flow id    ARGV[2] issues (JSON array)    ARGV[3] file name
  ARGV[4] now (epoch ms)    ARGV[5] events channel

  Returns 1 when the status changed, 0 when the same issues were already recorded.
]]
local meta = redis.call('HMGET', KEYS[2], 'status', 'issues')
if meta[1] == 'invalid' and meta[2] == ARGV[2] then
  return 0
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'status', 'invalid', 'issues', ARGV[2], 'statusFile', ARGV[3], 'statusAt', ARGV[4])
redis.call('PUBLISH', ARGV[5], cjson.encode({ type = 'status', flowId = ARGV[1] }))
return 1
