-- wrk has no constant-throughput mode (that is wrk2, not packaged in Debian). As a C-based
-- reference for evenness, each connection waits a fixed delay before each request:
-- rate ~= connections * 1000 / delayMs (a little less: the response time adds to each gap).
-- Usage: wrk -c N ... -s wrk-pace.lua URL -- <delayMs>
local delayMs = 10
init = function(args)
  if args[1] then delayMs = tonumber(args[1]) end
end
delay = function()
  return delayMs
end
-- The JSON summary at the end is wrk-json.lua's, loaded from this script's folder.
dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'wrk-json.lua')
