-- wrk script of bench/run downtime: counts good answers (2xx) and finds the longest gap between two
-- of them, with its start and end as epoch milliseconds (LuaJIT's ffi reads the real-time clock:
-- plain Lua has only whole seconds). Errors without an answer (refused, reset) do not reach Lua;
-- wrk counts them itself and done() prints its counts beside these, as one JSON line.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } titan_timespec;
int clock_gettime(int clk_id, titan_timespec *tp);
]]
local ts = ffi.new("titan_timespec")
local function now()
  ffi.C.clock_gettime(0, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

-- Per thread (each wrk thread has a Lua state of its own); done() reads them through setup().
last = nil
good = 0
bad = 0
gap = 0
gapFrom = 0
gapUntil = 0

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function response(status, headers, body)
  local t = now()
  if status >= 200 and status < 300 then
    if last ~= nil and t - last > gap then
      gap = t - last
      gapFrom = last
      gapUntil = t
    end
    last = t
    good = good + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local g, b, longest, from, untill = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    g = g + t:get("good")
    b = b + t:get("bad")
    if t:get("gap") > longest then
      longest = t:get("gap")
      from = t:get("gapFrom")
      untill = t:get("gapUntil")
    end
  end
  local e = summary.errors
  io.write(string.format('{"requests":%d,"good":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"status":%d,'
    .. '"timeout":%d,"longestGapMs":%.3f,"gapFrom":%.3f,"gapUntil":%.3f}\n',
    summary.requests, g, b, e.connect, e.read, e.write, e.status, e.timeout, longest, from, untill))
end
