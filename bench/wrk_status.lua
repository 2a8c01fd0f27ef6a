-- wrk script of the benchmark: counts responses other than 200 (wrk itself counts only 4xx/5xx,
-- so a redirect to the login page would pass unnoticed) and prints one machine-readable line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non200=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, bad, errors,
    latency:percentile(50), latency:percentile(99)))
end
