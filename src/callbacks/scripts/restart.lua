--[[
  restart: a process starting under an instance id that an earlier process
  used (restarted within the lease, e.g. a container whose hostname and pid
  repeat). The call-backs still leased to that id belong to nobody now, and
  the new process's lease renewal would keep them so for ever: their leases
  are ended at once, so that reclaim.lua (run next) makes them pending again,
  or completes one whose customer had answered, as for any dead instance.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] instance id
  Returns {number of leases ended}.
]]
local inst = ARGV[4]
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', K_instance(inst))) do
  if redis.call('HGET', K_record(id), 'owner') == inst and redis.call('ZSCORE', K_leases(), id) then
    redis.call('ZADD', K_leases(), 0, id)
    n = n + 1
  end
end
return { n }
