-- A different 督办 case each request (DB-2024-0001 ... DB-2024-9999, the cases scripts/bench-cases opens).
dofile("scripts/wrk/seeded.lua")
request = function()
  return wrk.format("GET", string.format("/cases/DB-2024-%04d", math.random(1, 9999)))
end
