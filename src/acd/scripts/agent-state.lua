--[[
  agent-state: a validated agent transition requested by the agent or a supervisor.
  KEYS[1] anchor
  ARGV[1..4] P, now, aday, seed
  ARGV[5] agent id
  ARGV[6] op: 'login' | 'logout' | 'pause' | 'ready' | 'resume' | 'end-wrapup' | 'auto-end-wrapup' | 'extend-wrapup'
  ARGV[7] pause reason (pause, login into pause; resume: ready only when paused
          for this reason, else nothing changes) | extension ms (extend-wrapup)
  Returns {'OK', newState, previousState, wrapUntil}
        | {'UNKNOWN_AGENT'} | {'INVALID_TRANSITION', currentState} | {'NOT_DUE', 'wrap-up', 'wrap-up', wrapUntil}
  Becoming available runs the assignment for the agent's queues in the same call.
]]
local aid, op, arg = ARGV[5], ARGV[6], ARGV[7]
local ag = agent(aid)
if not ag.exists then return { 'UNKNOWN_AGENT' } end
local st = ag.state or 'offline'
local function refuse() return { 'INVALID_TRANSITION', st } end
local to
if op == 'login' then
  if st ~= 'offline' then return refuse() end
  if arg and arg ~= '' then
    transition(aid, 'paused', { 'reason', arg, 'missed', '0' })
    return { 'OK', 'paused', st, '' }
  end
  to = 'available'
  agent_set(aid, { 'missed', '0' })
elseif op == 'logout' then
  if st ~= 'available' and st ~= 'paused' and st ~= 'wrap-up' then return refuse() end
  transition(aid, 'offline', { 'reason', '' })
  return { 'OK', 'offline', st, '' }
elseif op == 'pause' then
  if st ~= 'available' and st ~= 'paused' and st ~= 'wrap-up' then return refuse() end
  if st == 'paused' then
    agent_set(aid, { 'reason', arg })
  else
    transition(aid, 'paused', { 'reason', arg })
  end
  return { 'OK', 'paused', st, '' }
elseif op == 'ready' then
  if st ~= 'paused' and st ~= 'wrap-up' then return refuse() end
  to = 'available'
  agent_set(aid, { 'missed', '0' })
elseif op == 'resume' then
  if st ~= 'paused' or redis.call('HGET', K_agent(aid), 'reason') ~= arg then return { 'OK', st, st, '' } end
  to = 'available'
  agent_set(aid, { 'missed', '0' })
elseif op == 'end-wrapup' or op == 'auto-end-wrapup' then
  if st ~= 'wrap-up' then return refuse() end
  local due = tonumber(ag.wrapUntil) or 0
  if op == 'auto-end-wrapup' and NOW < due then return { 'NOT_DUE', 'wrap-up', 'wrap-up', due } end
  to = 'available'
elseif op == 'extend-wrapup' then
  if st ~= 'wrap-up' then return refuse() end
  local due = tonumber(ag.wrapUntil) or NOW
  if due < NOW then due = NOW end
  due = due + tonumber(arg)
  agent_set(aid, { 'wrapUntil', due })
  redis.call('ZADD', K_wrapups(), due, aid)
  return { 'OK', 'wrap-up', st, due }
else
  return { 'BAD_OP' }
end
transition(aid, to, NO_FIELDS)
assign_agent(aid)
return { 'OK', agent(aid).state, st, '' }
