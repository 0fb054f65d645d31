--[[
  legs-flush: writes what changed in an instance's book of call legs since
  the last flush and renews the instance's lease (its heartbeat for legs).
  Another instance adopts the legs of one whose lease lapsed (legs-adopt.lua).

  KEYS[1]  <prefix>sip:legs:instances   zset: instance → lease expiry (ms)
  KEYS[2]  <prefix>sip:legs:<instance>  hash: leg id → leg JSON
  KEYS[3]  <prefix>sip:legs:<instance>:orphans  hash: legs the instance adopted
  ARGV[1]  instance id
  ARGV[2]  lease expiry (ms)
  ARGV[3]  '1' on the process's first flush: legs already in KEYS[2] were
           left by an earlier process with the same instance id (restarted
           after a crash within the lease) and become its orphans
  ARGV[4]  number of legs written (n); then n pairs: leg id, leg JSON;
           then the ids of the legs that ended
  Returns the number of legs the instance holds after the flush.
]]
if ARGV[3] == '1' then
  local left = redis.call('HGETALL', KEYS[2])
  for j = 1, #left, 2 do
    redis.call('HSET', KEYS[3], left[j], left[j + 1])
  end
  redis.call('DEL', KEYS[2])
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local n = tonumber(ARGV[4])
local i = 5
for _ = 1, n do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
return redis.call('HLEN', KEYS[2])
