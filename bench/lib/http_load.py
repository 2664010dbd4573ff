"""Runs wrk over PayTrack's heaviest routes at 64 connections and at 1, and prints one table:
requests/s, p50/p99, errors and time-outs, and each route's throughput as a share of
`/healthz` (a route that does nothing: the ceiling of the server and this machine).

Usage: python http_load.py BASE_URL COOKIE SECONDS
"""
import json
import os
import subprocess
import sys

base, cookie, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))

PARAMS = {"status": "", "client": "", "from": "", "to": "", "q": "", "sort": "", "dir": "", "after": ""}


def list_body(**changes):
    return json.dumps({"params": {**PARAMS, **changes}})


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# (name, method, path, body, content type, signed in)
ROUTES = [
    ("GET /healthz", "GET", "/healthz", "", "", False),
    ("GET / signed in", "GET", "/", "", "", True),
    ("GET /dashboard", "GET", "/dashboard", "", "", True),
    ("GET /invoices", "GET", "/invoices", "", "", True),
    ("POST /api/dashboard", "POST", "/api/dashboard", "", FORM, True),
    ("POST /api/invoices/list", "POST", "/api/invoices/list", list_body(), JSON, True),
    ("  filtered + searched", "POST", "/api/invoices/list",
     list_body(status="outstanding", q="lovelace", sort="due", dir="asc"), JSON, True),
]


def run(method, path, body, content_type, signed_in, connections):
    env = dict(os.environ, BENCH_METHOD=method, BENCH_BODY=body, BENCH_CONTENT_TYPE=content_type,
               BENCH_COOKIE=cookie if signed_in else "", BENCH_ORIGIN=base,
               BENCH_ACCEPT=JSON if method == "POST" else "text/html")
    threads = "2" if connections > 1 else "1"
    out = subprocess.run(
        ["wrk", "-t", threads, "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s",
         "-s", os.path.join(HERE, "wrk_report.lua"), base + path],
        env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def check(method, path, body, content_type, signed_in):
    """One request before each run: a route that answers an error would measure the error
    path, and a server still working through the previous run's backlog (requests wrk gave up
    on) would slow this run down; this waits for that backlog to clear."""
    args = ["curl", "-sS", "--max-time", "300", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
            "-H", f"Origin: {base}", "-H", "Accept: application/json"]
    if signed_in:
        args += ["-H", f"Cookie: {cookie}"]
    if content_type:
        args += ["-H", f"Content-Type: {content_type}", "--data-binary", body]
    status = subprocess.run(args + [base + path], capture_output=True, text=True).stdout
    if status != "200":
        sys.exit(f"{method} {path} answered {status}, not 200: fix that before measuring it")


print(f"wrk, {seconds} s per row; p50/p99 in ms; errors = connect+read+write+non-2xx, "
      "t/o = no answer within 5 s; ratio = req/s over /healthz at the same concurrency")
print(f"{'route':26} {'conns':>5} {'req/s':>9} {'p50':>8} {'p99':>8} {'errors':>7} {'t/o':>5} {'ratio':>7}")
ceiling = {}
for name, method, path, body, content_type, signed_in in ROUTES:
    for connections in (64, 1):
        check(method, path, body, content_type, signed_in)
        r = run(method, path, body, content_type, signed_in, connections)
        rate = r["requests"] / r["seconds"]
        ceiling.setdefault(connections, rate)
        errors = r["connect"] + r["read"] + r["write"] + r["status"]
        print(f"{name:26} {connections:5} {rate:9.1f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
              f"{errors:7} {r['timeout']:5} {rate / ceiling[connections]:7.3f}", flush=True)
