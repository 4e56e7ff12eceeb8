-- A different page of the review queue each request (4,000 pages of 50): the page cache misses.
dofile("scripts/wrk/seeded.lua")
request = function()
  return wrk.format("GET", string.format("/queue?page=%d", math.random(1, 4000)))
end
