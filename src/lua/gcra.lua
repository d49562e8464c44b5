-- GCRA for several limits at once, atomically (the semantics of nginx's
-- limit_req: a rate and a burst; excess requests are refused, not delayed).
-- KEYS[i]: the limit's state (its theoretical arrival time, microseconds).
-- ARGV[3i-2]: emission interval (microseconds per request),
-- ARGV[3i-1]: burst, ARGV[3i]: "1" for a dry-run limit.
-- A request is counted by every limit only when no enforced limit refuses
-- it; a dry-run limit that would refuse does not count it either.
-- Returns, as one string of space-separated integers (one reply object for
-- hiredis, not 4n + 1): refused (the index of the first enforced limit
-- over, or 0), then per limit: remaining, reset (us), retry (us), over.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {0}
local new = {}
for i = 1, #KEYS do
    local interval = tonumber(ARGV[3 * i - 2])
    local tau = tonumber(ARGV[3 * i - 1]) * interval
    local tat = tonumber(redis.call('GET', KEYS[i]) or 0)
    if tat < now then
        tat = now
    end
    local base = 4 * i - 2
    if tat - now > tau then
        out[base] = 0
        out[base + 1] = tat - now
        out[base + 2] = tat - now - tau
        out[base + 3] = 1
        if ARGV[3 * i] ~= '1' and out[1] == 0 then
            out[1] = i
        end
    else
        new[i] = tat + interval
        out[base] = math.floor((tau + interval - (new[i] - now)) / interval)
        out[base + 1] = new[i] - now
        out[base + 2] = 0
        out[base + 3] = 0
    end
end
if out[1] == 0 then
    for i = 1, #KEYS do
        if new[i] then
            redis.call('SET', KEYS[i], string.format('%.0f', new[i]),
                       'PX', math.ceil((new[i] - now) / 1000) + 1)
        end
    end
else
    -- refused: nothing is counted, what each limit reports is unchanged
    for i = 1, #KEYS do
        if new[i] then
            out[4 * i - 2] = out[4 * i - 2] + 1
            out[4 * i - 1] = new[i] - now - tonumber(ARGV[3 * i - 2])
        end
    end
end
for i = 1, #out do
    out[i] = string.format('%.0f', out[i])
end
return table.concat(out, ' ')
