--[[
  legs-flush: writes what changed in an instance's book of call legs since
  the last flush and renews the instance's lease (its heartbeat for legs).
  Another instance adopts the legs of one whose lease lapsed (legs-adopt.lua).

  KEYS[1]  <prefix>sip:legs:instances   zset: instance → lease expiry (ms)
  KEYS[2]  <prefix>sip:legs:<instance>  hash: leg id → leg JSON
  ARGV[1]  instance id
  ARGV[2]  lease expiry (ms)
  ARGV[3]  number of legs written (n); then n pairs: leg id, leg JSON;
           then the ids of the legs that ended
  Returns the number of legs the instance holds after the flush.
]]
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local n = tonumber(ARGV[3])
local i = 4
for _ = 1, n do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
return redis.call('HLEN', KEYS[2])
