-- DELETE: remove a document and its index entry.
-- KEYS[1] document hash, KEYS[2] collection index
-- ARGV[1] id, ARGV[2] If-Match, ARGV[3] If-None-Match
local cur = redis.call('HGET', KEYS[1], 'r')
if not cur then
  return {404}
end
if not api_precondition(cur, ARGV[2], ARGV[3]) then
  return {412}
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {204}
