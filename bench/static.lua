-- wrk script: the same GET to the URL's path on every request
-- (/plain, /health, /v1/items?limit=20), with statuses counted.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
