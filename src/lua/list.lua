-- GET /{c}: one page in id order.
-- KEYS[1] collection index
-- ARGV[1] document key prefix ("<prefix>{c}:"), ARGV[2] "-" or "(<id>"
-- (after that id), ARGV[3] page size, ARGV[4] byte budget: a page stops
-- early, after at least one document, rather than exceed it.
-- Returns id, document, id, document, ..., then the next cursor's id
-- ("" on the last page).
local limit = tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local ids = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[2], '+',
                       'LIMIT', 0, limit + 1)
local out = {}
local used = 0
local nxt = ''
local n = math.min(#ids, limit)
for i = 1, n do
  local d = redis.call('HGET', ARGV[1] .. ids[i], 'd')
  if d then
    if #out > 0 and used + #d > budget then
      nxt = ids[i - 1]
      break
    end
    used = used + #d
    out[#out + 1] = ids[i]
    out[#out + 1] = d
  end
end
if nxt == '' and #ids > limit then
  nxt = ids[n]
end
out[#out + 1] = nxt
return out
