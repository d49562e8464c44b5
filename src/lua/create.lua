-- POST: create a document that must not exist.
-- KEYS[1] document hash, KEYS[2] collection index
-- ARGV[1] id, ARGV[2] document, ARGV[3] revision, ARGV[4] now (ms)
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {409}
end
redis.call('HSET', KEYS[1], 'd', ARGV[2], 'r', ARGV[3],
           'c', ARGV[4], 'm', ARGV[4])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return {201}
