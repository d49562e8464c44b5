-- Releases an Idempotency-Key's in-flight lock if the request that took
-- it still holds it (sent when that request ends before its write ran).
-- KEYS[1] lock, ARGV[1] token
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
