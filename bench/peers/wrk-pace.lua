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
-- Print wrk's own latency histogram summary as one JSON line (microseconds), after its text report.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"min":%d,"mean":%.2f,"stdev":%.2f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max))
end
