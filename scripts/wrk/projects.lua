-- A different project page each request (P000000 ... P099999, the benchmark store's ids): the page cache misses.
-- Each of wrk's threads runs its own Lua: seeded apart, or they would ask the same addresses.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + id)
end
request = function()
  return wrk.format("GET", string.format("/projects/P%06d", math.random(0, 99999)))
end
