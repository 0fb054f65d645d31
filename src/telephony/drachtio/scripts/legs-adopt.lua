--[[
  legs-adopt: the legs of instances whose lease lapsed (they died, or lost
  Redis for longer than the lease) become orphans of the calling instance,
  which ends them once FreeSWITCH has (the dialplan's apology after the
  service's event socket closed, or a bridge that ended). Orphans an instance
  held when it died go on to the next one. Atomic: two instances adopting at
  once never both take the same leg.

  KEYS[1]  <prefix>sip:legs:instances   zset: instance → lease expiry (ms)
  ARGV[1]  key prefix (with its hash tag, e.g. ivr:{main}:)
  ARGV[2]  the calling instance
  ARGV[3]  now (ms)
  Returns the calling instance's orphans, flat: id1, json1, id2, json2, …
]]
local prefix, self = ARGV[1], ARGV[2]
local mine = prefix .. 'sip:legs:' .. self .. ':orphans'
for _, inst in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])) do
  if inst ~= self then
    for _, src in ipairs({ prefix .. 'sip:legs:' .. inst, prefix .. 'sip:legs:' .. inst .. ':orphans' }) do
      local all = redis.call('HGETALL', src)
      for i = 1, #all, 2 do
        redis.call('HSET', mine, all[i], all[i + 1])
      end
      redis.call('DEL', src)
    end
    redis.call('ZREM', KEYS[1], inst)
  end
end
return redis.call('HGETALL', mine)
