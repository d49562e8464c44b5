-- wrk script: PATCH /v1/items/<random seeded id> with a JSON merge patch
-- setting one field to a random value.
--   wrk ... -s bench/patch.lua http://127.0.0.1:8095 -- IDS_FILE [COLLECTION]
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local ids, base
local headers = { ["Content-Type"] = "application/merge-patch+json" }

function init(args)
    ids = bench_read_ids(args[1])
    base = "/v1/" .. (args[2] or "items") .. "/"
    bench_seed()
end

function request()
    local body = string.format('{"qty":%d}', math.random(0, 999999))
    return wrk.format("PATCH", base .. ids[math.random(#ids)], headers, body)
end
