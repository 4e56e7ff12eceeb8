-- The review queue filtered by one of four departments of the benchmark store, a random
-- page of the first 500: a filter over the whole queue whenever the page is not cached.
dofile("scripts/wrk/seeded.lua")
local departments = {
  "%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80",                      -- 市住建局
  "%E5%B8%82%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93%E5%B1%80",    -- 市交通运输局
  "%E5%B8%82%E6%B0%B4%E5%8A%A1%E5%B1%80",                      -- 市水务局
  "%E5%B8%82%E6%95%99%E8%82%B2%E5%B1%80",                      -- 市教育局
}
request = function()
  return wrk.format("GET", string.format("/queue?department=%s&page=%d", departments[math.random(1, 4)], math.random(1, 500)))
end
