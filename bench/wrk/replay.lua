-- wrk script: replays recorded subgraph requests in a loop, to measure the benchmark
-- subgraphs' own throughput.
--
-- Usage: wrk -c 50 -t 1 -s replay.lua URL -- REQUESTS_FILE
--
-- REQUESTS_FILE holds records "PATH LENGTH\n" followed by LENGTH bytes of JSON body.
-- Responses other than status 200 without "errors" are counted; done() prints one
-- JSON line starting with "BENCH ".

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local requests = {}
local next_index = 1

function init(args)
   local file = assert(io.open(args[1], "rb"))
   local text = file:read("*a")
   file:close()
   local position = 1
   while position <= #text do
      local line_end = string.find(text, "\n", position, true)
      local path, length = string.match(string.sub(text, position, line_end - 1), "^(%S+) (%d+)$")
      length = tonumber(length)
      local body = string.sub(text, line_end + 1, line_end + length)
      table.insert(requests, wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body))
      position = line_end + length + 1
   end
   good, bad = 0, 0
end

function request()
   local text = requests[next_index]
   next_index = next_index % #requests + 1
   return text
end

function response(status, headers, body)
   if status == 200 and not string.find(body, '"errors"', 1, true) then
      good = good + 1
   else
      bad = bad + 1
   end
end

function done(summary, latency, requests_)
   local good_total, bad_total = 0, 0
   for _, thread in ipairs(threads) do
      good_total = good_total + thread:get("good")
      bad_total = bad_total + thread:get("bad")
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "good": %d, "bad": %d, "socket_errors": %d, '
         .. '"timeouts": %d, "p50_us": %d, "p99_us": %d}\n',
      summary.requests, summary.duration, good_total, bad_total,
      e.connect + e.read + e.write, e.timeout, latency:percentile(50), latency:percentile(99)
   ))
end
