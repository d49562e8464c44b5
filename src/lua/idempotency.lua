-- Idempotency-Key records, for the create and patch scripts.  A request
-- with a key passes two more KEYS after the script's own (the record, a
-- hash, and the in-flight lock) and three more ARGV after its own (the
-- request's fingerprint, the lock token, the record's lifetime in ms).
local api_idem

-- The lock goes only if this request still holds it.
local function api_idem_release()
  if redis.call('GET', api_idem.lock) == api_idem.token then
    redis.call('DEL', api_idem.lock)
  end
end

-- First thing a script does: nil when it goes on (no key, or its first
-- use), else the reply: {0, status, revision, id, document} replays the
-- recorded response (id and document are nil when the request itself
-- gives them), {422} refuses the key for a different request.
local function api_idem_open(nkeys, nargs)
  if #KEYS == nkeys then
    return nil
  end
  api_idem = {rec = KEYS[nkeys + 1], lock = KEYS[nkeys + 2],
              fp = ARGV[nargs + 1], token = ARGV[nargs + 2],
              ttl = ARGV[nargs + 3]}
  local r = redis.call('HMGET', api_idem.rec, 'f', 's', 'r', 'i', 'd')
  if not r[1] then
    return nil
  end
  api_idem_release()
  if r[1] ~= api_idem.fp then
    return {422}
  end
  return {0, tonumber(r[2]), r[3], r[4], r[5]}
end

-- Every reply goes through here: a success (200, 201) is recorded with
-- what rebuilds its response, any other outcome records nothing; the
-- lock is released either way.
local function api_idem_close(reply, rev, id, doc)
  if not api_idem then
    return reply
  end
  if reply[1] == 200 or reply[1] == 201 then
    redis.call('HSET', api_idem.rec, 'f', api_idem.fp, 's', reply[1],
               'r', rev)
    if id then
      redis.call('HSET', api_idem.rec, 'i', id)
    end
    if doc then
      redis.call('HSET', api_idem.rec, 'd', doc)
    end
    redis.call('PEXPIRE', api_idem.rec, api_idem.ttl)
  end
  api_idem_release()
  return reply
end
