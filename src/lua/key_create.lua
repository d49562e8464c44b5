-- Creates an API key: KEYS[1] the name index (hash name -> digest),
-- KEYS[2] the key's record.  ARGV: name, hex digest, scopes, created,
-- expires (0: never).  Returns 1, or 0 when the name is taken.
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
    return 0
end
redis.call('HSET', KEYS[2], 'name', ARGV[1], 'scopes', ARGV[3],
           'created', ARGV[4], 'expires', ARGV[5])
return 1
