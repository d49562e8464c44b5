-- Shared by every bench/*.lua wrk script (loaded with dofile).
--
-- Counts the answers of each thread by HTTP status and, when wrk is done,
-- prints ONE machine-readable line that bench/run parses:
--
--   BENCH requests=N duration_us=N p50_us=N p99_us=N non2xx=N sockerr=N
--         connect=N read=N write=N timeout=N statuses=200:N,503:N
--
-- Latencies are wrk's (microseconds, whole run).  non2xx counts every
-- answer outside 200-299 -- the API's 503/504 land here.  sockerr is wrk's
-- connect + read + write + timeout errors (no HTTP answer at all).

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    -- a distinct random stream per thread (init() reads it)
    thread:set("bench_thread", #threads)
end

statuses = {}

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

-- per-thread RNG seed; call from init()
function bench_seed()
    math.randomseed(os.time() * 1000 + (bench_thread or 0) * 7919)
    for _ = 1, 10 do math.random() end
end

-- reads one id per line
function bench_read_ids(path)
    assert(path, "usage: wrk ... -s script.lua URL -- IDS_FILE")
    local ids = {}
    local f = assert(io.open(path, "r"))
    for line in f:lines() do
        if #line > 0 then ids[#ids + 1] = line end
    end
    f:close()
    assert(#ids > 0, "no ids in " .. path)
    return ids
end

function done(summary, latency, requests)
    local counts, non2xx, parts = {}, 0, {}
    for _, t in ipairs(threads) do
        local s = t:get("statuses")
        if type(s) == "table" then
            for k, v in pairs(s) do counts[k] = (counts[k] or 0) + v end
        end
    end
    for k, v in pairs(counts) do
        if k < 200 or k > 299 then non2xx = non2xx + v end
        parts[#parts + 1] = string.format("%d:%d", k, v)
    end
    table.sort(parts)
    local e = summary.errors
    local p50, p99 = 0, 0
    if summary.requests > 0 then
        p50 = latency:percentile(50.0)
        p99 = latency:percentile(99.0)
    end
    io.write(string.format(
        "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d "
        .. "sockerr=%d connect=%d read=%d write=%d timeout=%d statuses=%s\n",
        summary.requests, summary.duration, p50, p99, non2xx,
        e.connect + e.read + e.write + e.timeout,
        e.connect, e.read, e.write, e.timeout,
        #parts > 0 and table.concat(parts, ",") or "-"))
end
