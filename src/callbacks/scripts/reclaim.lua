--[[
  reclaim: call-backs whose lease lapsed (the instance holding them died or
  lost Redis) become pending again, due at once, keeping their place (arrival
  time and priority) and their attempt count — except one whose customer had
  answered (answered.lua): the instance died during the conversation, which
  FreeSWITCH keeps bridged without it, so the call-back is completed
  (outcome 'interrupted') rather than the customer dialed again.
  One that was waiting in its queue ('queued') keeps its ACD entry for the
  next claim to adopt (field 'adopt', used by bind.lua): the ACD re-queues a
  dead instance's call-back entries at their place and goes on offering
  them, so an agent may already be ringing for it.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] max number to reclaim
  Returns the reclaimed ids.
]]
local ids = redis.call('ZRANGEBYSCORE', K_leases(), '-inf', NOW, 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(ids) do
  local e = redis.call('HMGET', K_record(id), 'status', 'owner', 'customerAnsweredAt', 'attempts')
  if e[1] == 'dialing' and e[3] then
    log(id, { type = 'lease-expired', instance = e[2] })
    redis.call('HSET', K_record(id), 'lastOutcome', 'interrupted')
    log(id, { type = 'completed', attempt = tonumber(e[4]), outcome = 'interrupted' })
    finish(id, 'completed')
  elseif is_active(e[1]) then
    make_pending(id, NOW)
    if e[1] == 'queued' then
      local left = redis.call('HGET', K_record(id), 'prevEntry')
      if left and left ~= '' then redis.call('HSET', K_record(id), 'adopt', left) end
    end
    log(id, { type = 'lease-expired', instance = e[2] })
  else
    drop_lease(id, e[2])
  end
end
return ids
