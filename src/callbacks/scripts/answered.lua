--[[
  answered: the customer of a call-back being dialed answered; recorded before
  the bridge so that, should the dialing instance die during the conversation,
  reclaim takes the call-back as done instead of dialing the customer again.
  KEYS[1] cb:due
  ARGV[1..3] P, now, retention
  ARGV[4] id   ARGV[5] instance   ARGV[6] lease token
  Returns {'OK'} | {'NOT_FOUND'} | {'LEASE_LOST'}
]]
local id, inst, token = ARGV[4], ARGV[5], ARGV[6]
local r = K_record(id)
local e = redis.call('HMGET', r, 'status', 'owner', 'lease', 'attempts')
if not e[1] then return { 'NOT_FOUND' } end
if e[2] ~= inst or e[3] ~= token or e[1] ~= 'dialing' then return { 'LEASE_LOST' } end
redis.call('HSET', r, 'customerAnsweredAt', NOW, 'updatedAt', NOW)
log(id, { type = 'customer-answered', attempt = tonumber(e[4]) })
return { 'OK' }
