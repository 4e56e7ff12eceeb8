-- A different page of the review queue each request (4,000 pages of 50): the page cache misses.
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
  return wrk.format("GET", string.format("/queue?page=%d", math.random(1, 4000)))
end
