-- wrk script: POSTs the benchmark query and checks every response.
--
-- Usage: wrk -c 50 -t 1 -s check.lua URL -- REQUEST_BODY_FILE EXPECTED_BODY_FILE
--
-- A response counts as good only with status 200 and a body byte for byte the
-- expected one (so no `errors`, exact size); one trailing newline is accepted, as
-- Apollo Server ends its JSON with one. Bad responses are counted by kind. done()
-- prints one JSON line starting with "BENCH " for the harness to read.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local function read(path)
   local file = assert(io.open(path, "rb"))
   local text = file:read("*a")
   file:close()
   return text
end

local expected, expected_nl, request_text

function init(args)
   local body = read(args[1])
   expected = read(args[2])
   expected_nl = expected .. "\n"
   request_text = wrk.format("POST", nil, {
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }, body)
   good, bad_status, bad_errors, bad_size, bad_bytes = 0, 0, 0, 0, 0
end

function request()
   return request_text
end

function response(status, headers, body)
   if status ~= 200 then
      bad_status = bad_status + 1
   elseif body == expected or body == expected_nl then
      -- LuaJIT interns strings, so this comparison is cheap.
      good = good + 1
   elseif string.find(body, '"errors"', 1, true) then
      bad_errors = bad_errors + 1
   elseif #body ~= #expected and #body ~= #expected_nl then
      bad_size = bad_size + 1
   else
      bad_bytes = bad_bytes + 1
   end
end

function done(summary, latency, requests)
   local totals = { good = 0, bad_status = 0, bad_errors = 0, bad_size = 0, bad_bytes = 0 }
   for _, thread in ipairs(threads) do
      for key, _ in pairs(totals) do
         totals[key] = totals[key] + thread:get(key)
      end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "good": %d, "bad_status": %d, '
         .. '"bad_errors": %d, "bad_size": %d, "bad_bytes": %d, "socket_errors": %d, "timeouts": %d, '
         .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
      summary.requests, summary.duration, summary.bytes, totals.good, totals.bad_status,
      totals.bad_errors, totals.bad_size, totals.bad_bytes,
      e.connect + e.read + e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean
   ))
end
