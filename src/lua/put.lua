-- PUT: replace a document, or create it.
-- KEYS[1] document hash, KEYS[2] collection index
-- ARGV[1] id, ARGV[2] document, ARGV[3] revision, ARGV[4] now (ms),
-- ARGV[5] If-Match, ARGV[6] If-None-Match
local cur = redis.call('HGET', KEYS[1], 'r')
if not api_precondition(cur, ARGV[5], ARGV[6]) then
  return {412}
end
if cur then
  redis.call('HSET', KEYS[1], 'd', ARGV[2], 'r', ARGV[3], 'm', ARGV[4])
  return {200}
end
redis.call('HSET', KEYS[1], 'd', ARGV[2], 'r', ARGV[3],
           'c', ARGV[4], 'm', ARGV[4])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return {201}
