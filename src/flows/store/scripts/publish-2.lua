--[[
  Makes a stored version of a flow the live one (publish, or roll back).

  KEYS[1] flow meta (hash)    KEYS[2] flow versions (hash)
  ARGV[1] flow id    ARGV[2] version to publish, or "" for the version published before the current one
  ARGV[3] now (epoch ms)    ARGV[4] events channel

  Returns the version now live, or
    -1  no such version (or no such flow)
    -2  "" given and there is no earlier published version
]]
local target = ARGV[2]
if target == '' then
  target = redis.call('HGET', KEYS[1], 'previous')
  if not target then
    return -2
  end
end
if redis.call('HEXISTS', KEYS[2], target) == 0 then
  return -1
end
local current = redis.call('HGET', KEYS[1], 'published')
if current ~= target then
  if current then
    redis.call('HSET', KEYS[1], 'previous', current)
  end
  redis.call('HSET', KEYS[1], 'published', target, 'publishedAt', ARGV[3], 'updatedAt', ARGV[3])
  redis.call('PUBLISH', ARGV[4], cjson.encode({ type = 'published', flowId = ARGV[1], version = tonumber(target) }))
end
return tonumber(target)
