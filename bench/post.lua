-- wrk script: POST /v1/items with a new document (the same shape and size
-- as the seeded ones).  Every request creates one document.
--   wrk ... -s bench/post.lua http://127.0.0.1:8095/v1/items
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"Bench item 999999","sku":"BENCH-999999","price":1999,'
    .. '"qty":500,"active":true,"tags":["bench","post"],'
    .. '"note":"A document of a typical size, written by make bench."}'
