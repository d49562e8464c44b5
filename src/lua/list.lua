-- GET /{c}: one page in id order.
-- KEYS[1] collection index
-- ARGV[1] document key prefix ("<prefix>{c}:"), ARGV[2] "-" or "(<id>"
-- (after that id), ARGV[3] page size
-- Returns id, document, id, document, ..., then the next cursor's id
-- ("" on the last page).
local limit = tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[2], '+',
                       'LIMIT', 0, limit + 1)
local out = {}
local n = math.min(#ids, limit)
for i = 1, n do
  local d = redis.call('HGET', ARGV[1] .. ids[i], 'd')
  if d then
    out[#out + 1] = ids[i]
    out[#out + 1] = d
  end
end
out[#out + 1] = (#ids > limit) and ids[n] or ''
return out
