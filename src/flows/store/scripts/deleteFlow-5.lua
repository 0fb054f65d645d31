--[[
  Deletes a flow with all its versions, unless a dialed number routes to it.

  KEYS[1] flows index (set)    KEYS[2] flow meta    KEYS[3] flow versions
  KEYS[4] flow content hashes  KEYS[5] routes (hash DID -> flow id)
  ARGV[1] flow id    ARGV[2] events channel

  Returns { code, did }:
    { 1, "" }    deleted
    { 0, "" }    no such flow
    { -1, did }  refused: `did` routes to this flow
]]
local routes = redis.call('HGETALL', KEYS[5])
for i = 1, #routes, 2 do
  if routes[i + 1] == ARGV[1] then
    return { -1, routes[i] }
  end
end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return { 0, '' }
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], cjson.encode({ type = 'deleted', flowId = ARGV[1] }))
return { 1, '' }
