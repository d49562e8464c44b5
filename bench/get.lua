-- wrk script: GET /v1/items/<id> of a random seeded document.
--   wrk ... -s bench/get.lua http://127.0.0.1:8095 -- IDS_FILE [COLLECTION]
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local ids, base

function init(args)
    ids = bench_read_ids(args[1])
    base = "/v1/" .. (args[2] or "items") .. "/"
    bench_seed()
end

function request()
    return wrk.format("GET", base .. ids[math.random(#ids)])
end
