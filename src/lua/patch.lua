-- PATCH: apply an RFC 7396 merge patch, atomically.
-- KEYS[1] document hash
-- ARGV[1] merge patch, ARGV[2] revision, ARGV[3] now (ms),
-- ARGV[4] If-Match, ARGV[5] If-None-Match, ARGV[6] max document bytes,
-- ARGV[7] If-Unmodified-Since
-- (then the Idempotency-Key's KEYS and ARGV, see idempotency.lua)
local seen = api_idem_open(1, 7)
if seen then
  return seen
end
local cur = redis.call('HMGET', KEYS[1], 'd', 'r', 'm')
if not cur[1] then
  return api_idem_close({404})
end
if not api_precondition(cur[2], cur[3], ARGV[4], ARGV[5], ARGV[7]) then
  return api_idem_close({412})
end
local doc = api_merge(cur[1], ARGV[1])
if #doc > tonumber(ARGV[6]) then
  return api_idem_close({413})
end
redis.call('HSET', KEYS[1], 'd', doc, 'r', ARGV[2], 'm', ARGV[3])
return api_idem_close({200, doc}, ARGV[2], nil, doc)
