-- Lists API keys without secrets or digests: KEYS[1] the name index;
-- ARGV[1] the records' prefix, ARGV[2] one name or "" for all.
-- Returns {name, scopes, created, expires, ...} ordered by name.
local names
if ARGV[2] ~= '' then
    names = {ARGV[2]}
else
    names = redis.call('HKEYS', KEYS[1])
    table.sort(names)
end
local out = {}
for _, name in ipairs(names) do
    local digest = redis.call('HGET', KEYS[1], name)
    if digest then
        local f = redis.call('HMGET', ARGV[1] .. digest,
                             'scopes', 'created', 'expires')
        out[#out + 1] = name
        out[#out + 1] = f[1] or ''
        out[#out + 1] = f[2] or '0'
        out[#out + 1] = f[3] or '0'
    end
end
return out
