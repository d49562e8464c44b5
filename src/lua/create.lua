-- POST: create a document that must not exist.
-- KEYS[1] document hash, KEYS[2] collection index
-- ARGV[1] id, ARGV[2] document, ARGV[3] revision, ARGV[4] now (ms)
-- (then the Idempotency-Key's KEYS and ARGV, see idempotency.lua)
local seen = api_idem_open(2, 4)
if seen then
  return seen
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return api_idem_close({409})
end
redis.call('HSET', KEYS[1], 'd', ARGV[2], 'r', ARGV[3],
           'c', ARGV[4], 'm', ARGV[4])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return api_idem_close({201}, ARGV[3], ARGV[1])
