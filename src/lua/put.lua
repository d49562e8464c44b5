-- PUT: replace a document, or create it.
-- KEYS[1] document hash, KEYS[2] collection index
-- ARGV[1] id, ARGV[2] document, ARGV[3] revision, ARGV[4] now (ms),
-- ARGV[5] If-Match, ARGV[6] If-None-Match, ARGV[7] If-Unmodified-Since
local cur = redis.call('HMGET', KEYS[1], 'r', 'm')
if not api_precondition(cur[1], cur[2], ARGV[5], ARGV[6], ARGV[7]) then
  return {412}
end
if cur[1] then
  redis.call('HSET', KEYS[1], 'd', ARGV[2], 'r', ARGV[3], 'm', ARGV[4])
  return {200}
end
redis.call('HSET', KEYS[1], 'd', ARGV[2], 'r', ARGV[3],
           'c', ARGV[4], 'm', ARGV[4])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return {201}
