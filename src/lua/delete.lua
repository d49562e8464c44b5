-- DELETE: remove a document and its index entry.
-- KEYS[1] document hash, KEYS[2] collection index
-- ARGV[1] id, ARGV[2] If-Match, ARGV[3] If-None-Match,
-- ARGV[4] If-Unmodified-Since
local cur = redis.call('HMGET', KEYS[1], 'r', 'm')
if not cur[1] then
  return {404}
end
if not api_precondition(cur[1], cur[2], ARGV[2], ARGV[3], ARGV[4]) then
  return {412}
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {204}
