-- PATCH: apply an RFC 7396 merge patch, atomically.
-- KEYS[1] document hash
-- ARGV[1] merge patch, ARGV[2] revision, ARGV[3] now (ms),
-- ARGV[4] If-Match, ARGV[5] If-None-Match, ARGV[6] max document bytes
local cur = redis.call('HMGET', KEYS[1], 'd', 'r')
if not cur[1] then
  return {404}
end
if not api_precondition(cur[2], ARGV[4], ARGV[5]) then
  return {412}
end
local doc = api_merge(cur[1], ARGV[1])
if #doc > tonumber(ARGV[6]) then
  return {413}
end
redis.call('HSET', KEYS[1], 'd', doc, 'r', ARGV[2], 'm', ARGV[3])
return {200, doc}
