--[[
  unregister: removes an agent's SIP registration only if it still holds the
  contact being unregistered (a newer registration from another device or
  instance must survive a late un-REGISTER of an old one).

  KEYS[1]  registration key   <prefix>sip:reg:<agentId>   (string, JSON, PX expiry)
  ARGV[1]  contact URI being removed, or "*" for any

  Returns:
    1   removed
    0   nothing removed (no registration, or it holds another contact)
]]
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
if ARGV[1] == '*' then
  redis.call('DEL', KEYS[1])
  return 1
end
local ok, reg = pcall(cjson.decode, current)
if not ok or reg['contact'] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
