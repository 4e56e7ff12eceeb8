-- A different project page each request (P000000 ... P099999, the benchmark store's ids): the page cache misses.
dofile("scripts/wrk/seeded.lua")
request = function()
  return wrk.format("GET", string.format("/projects/P%06d", math.random(0, 99999)))
end
