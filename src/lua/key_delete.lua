-- Revokes an API key: KEYS[1] the name index; ARGV[1] the records'
-- prefix (<prefix>key:), ARGV[2] the name.  Returns 1, or 0 when unknown.
local digest = redis.call('HGET', KEYS[1], ARGV[2])
if not digest then
    return 0
end
redis.call('DEL', ARGV[1] .. digest)
redis.call('HDEL', KEYS[1], ARGV[2])
return 1
