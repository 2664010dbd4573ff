"""Runs wrk over PayTrack's heaviest routes at 64 connections and at 1, and prints one table:
requests/s, p50/p99, errors and time-outs, each route's throughput as a share of
`/healthz` (a route that does nothing: the ceiling of the server and this machine), and how
long after each run `/readyz` (a database round trip) answered again: the
requests wrk abandoned when it stopped once held every query of the server for ~28 s.

The dashboard's list of who pays latest is kept for a minute; the "list stale" row ages it
before its runs, so they begin by working it out again under load (the runs that first
showed that stall).

Usage: python http_load.py BASE_URL COOKIE SECONDS MONGODB_URI DATABASE
"""
import datetime
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from pymongo import MongoClient

base, cookie, seconds, mongo_uri, database = sys.argv[1:6]
HERE = os.path.dirname(os.path.abspath(__file__))

PARAMS = {"status": "", "client": "", "from": "", "to": "", "q": "", "sort": "", "dir": "", "after": ""}


def list_body(**changes):
    return json.dumps({"params": {**PARAMS, **changes}})


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# (name, method, path, body, content type, signed in, list of who pays latest made stale)
ROUTES = [
    ("GET /healthz", "GET", "/healthz", "", "", False, False),
    ("GET / signed in", "GET", "/", "", "", True, False),
    ("GET /dashboard", "GET", "/dashboard", "", "", True, False),
    ("GET /invoices", "GET", "/invoices", "", "", True, False),
    ("POST /api/dashboard", "POST", "/api/dashboard", "", FORM, True, False),
    ("  list stale", "POST", "/api/dashboard", "", FORM, True, True),
    ("POST /api/invoices/list", "POST", "/api/invoices/list", list_body(), JSON, True, False),
    ("  filtered + searched", "POST", "/api/invoices/list",
     list_body(status="outstanding", q="lovelace", sort="due", dir="asc"), JSON, True, False),
    ("GET /clients", "GET", "/clients", "", "", True, False),
    ("POST /api/clients/list", "POST", "/api/clients/list", "search=&include_archived=false",
     FORM, True, False),
]


def age_late_payers():
    """Makes every kept list of who pays latest older than the minute it is read as it is."""
    kept = MongoClient(mongo_uri)[database].late_payers
    kept.update_many({}, {"$set": {"kept_at": datetime.datetime(2000, 1, 1)}})


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


def ready_after():
    """Milliseconds until /readyz answers 200 (at most 60 s, then None)."""
    start = time.monotonic()
    while time.monotonic() - start < 60:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return (time.monotonic() - start) * 1000
        except (urllib.error.URLError, TimeoutError):
            pass
        time.sleep(0.05)
    return None


print(f"wrk, {seconds} s per row; p50/p99 in ms; errors = connect+read+write+non-2xx, "
      "t/o = no answer within 5 s; ratio = req/s over /healthz at the same concurrency; "
      "ready = ms until /readyz answered after the run")
print(f"{'route':26} {'conns':>5} {'req/s':>9} {'p50':>8} {'p99':>8} {'errors':>7} {'t/o':>5} {'ratio':>7} {'ready':>7}")
ceiling = {}
for name, method, path, body, content_type, signed_in, stale in ROUTES:
    for connections in (64, 1):
        check(method, path, body, content_type, signed_in)
        if stale:
            age_late_payers()
        r = run(method, path, body, content_type, signed_in, connections)
        rate = r["requests"] / r["seconds"]
        ceiling.setdefault(connections, rate)
        ready = ready_after()
        ready = "never" if ready is None else f"{ready:.0f}"
        errors = r["connect"] + r["read"] + r["write"] + r["status"]
        print(f"{name:26} {connections:5} {rate:9.1f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
              f"{errors:7} {r['timeout']:5} {rate / ceiling[connections]:7.3f} {ready:>7}", flush=True)
