-- A different page of the 督办 list each request (100 pages of 100 cases).
dofile("scripts/wrk/seeded.lua")
request = function()
  return wrk.format("GET", string.format("/cases?page=%d", math.random(1, 100)))
end
