-- wrk script for bench/http: the request comes from the environment (BENCH_METHOD, BENCH_BODY,
-- BENCH_CONTENT_TYPE, BENCH_COOKIE, BENCH_ORIGIN) and the summary is printed as one JSON line
-- (requests/s, p50/p99 in ms, errors by kind) for the driver to tabulate.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
if body ~= "" then
  wrk.body = body
end
local content_type = os.getenv("BENCH_CONTENT_TYPE") or ""
if content_type ~= "" then
  wrk.headers["Content-Type"] = content_type
end
local cookie = os.getenv("BENCH_COOKIE") or ""
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
wrk.headers["Accept"] = os.getenv("BENCH_ACCEPT") or "text/html,application/json"
wrk.headers["Accept-Encoding"] = "br, gzip"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
