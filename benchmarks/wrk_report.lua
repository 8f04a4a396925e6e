-- Sent with every request: the production server redirects plain HTTP to HTTPS otherwise, and
-- the redirect is not what is being measured (TLS belongs to the proxy in front).
wrk.headers["X-Forwarded-Proto"] = "https"

-- Count responses by status class; wrk itself only counts "status >= 400" as errors.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s2xx, s3xx, s4xx, s5xx = 0, 0, 0, 0
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  else s2xx = s2xx + 1 end
end

-- One JSON line that benchmarks/load.py parses.
function done(summary, latency, requests)
  local c = {s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(c) do c[key] = c[key] + thread:get(key) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"status_errors": %d, "s2xx": %d, "s3xx": %d, "s4xx": %d, "s5xx": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, c.s2xx, c.s3xx, c.s4xx, c.s5xx))
end
