-- wrk script: GET /v1/items/<id> of a random seeded document.
--   wrk ... -s bench/get.lua http://127.0.0.1:8095 -- IDS_FILE [COLLECTION]
--       [PREFIX (/v1/)] [HEADER ("Name: value", sent with every request)]
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local ids, base
local headers = {}

function init(args)
    ids = bench_read_ids(args[1])
    base = (args[3] or "/v1/") .. (args[2] or "items") .. "/"
    if args[4] then
        local name, value = args[4]:match("^([^:]+):%s*(.*)$")
        headers[name] = value
    end
    bench_seed()
end

function request()
    return wrk.format("GET", base .. ids[math.random(#ids)], headers)
end
