--[[
  Stores a flow version (content-addressed: identical content reuses its
  version) and optionally publishes it. One round trip, so two instances
  importing the same file, or saving at once, cannot interleave.

  KEYS[1] flows index (set)          KEYS[2] flow meta (hash)
  KEYS[3] flow versions (hash)       KEYS[4] flow content hashes (hash)
  ARGV[1] flow id    ARGV[2] content hash    ARGV[3] version record (JSON)
  ARGV[4] now (epoch ms)    ARGV[5] flow name    ARGV[6] events channel
  ARGV[7] mode: "save" (store only), "publish" (store and publish),
          "import" (publish only when the content is new or nothing is published yet:
          a stale copy of a file on a restarting instance never reverts a newer version)
  ARGV[8] "1" to mark the flow's status ok (the source file is valid again)

  Returns { version, created (1/0), published (1 when the live version changed) }
]]
local version = redis.call('HGET', KEYS[4], ARGV[2])
local created = 0
if version then
  version = tonumber(version)
else
  version = redis.call('HINCRBY', KEYS[2], 'latest', 1)
  redis.call('HSET', KEYS[3], tostring(version), ARGV[3])
  redis.call('HSET', KEYS[4], ARGV[2], tostring(version))
  created = 1
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'updatedAt', ARGV[4], 'name', ARGV[5])

local current = redis.call('HGET', KEYS[2], 'published')
local mode = ARGV[7]
local publish = (mode == 'publish') or (mode == 'import' and (created == 1 or not current))
local changed = 0
if publish and current ~= tostring(version) then
  if current then
    redis.call('HSET', KEYS[2], 'previous', current)
  end
  redis.call('HSET', KEYS[2], 'published', tostring(version), 'publishedAt', ARGV[4])
  redis.call('PUBLISH', ARGV[6], cjson.encode({ type = 'published', flowId = ARGV[1], version = version }))
  changed = 1
end
if ARGV[8] == '1' and redis.call('HGET', KEYS[2], 'status') ~= 'ok' then
  redis.call('HSET', KEYS[2], 'status', 'ok', 'statusAt', ARGV[4])
  redis.call('HDEL', KEYS[2], 'issues', 'statusFile')
  if changed == 0 then
    redis.call('PUBLISH', ARGV[6], cjson.encode({ type = 'status', flowId = ARGV[1] }))
  end
end
return { version, created, changed }
