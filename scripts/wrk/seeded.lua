-- Loaded by the other scripts (dofile, from the repository's root as bench-web runs them):
-- each of wrk's threads runs its own Lua, seeded apart, or they would ask the same addresses.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + id)
end
