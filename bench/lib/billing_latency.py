"""Signs in through the real login-link flow (dev outbox), then times server functions.

Sequential requests over one keep-alive connection, so the figures are server time plus
loopback, without client-side concurrency effects. Usage: see bench/billing-latency.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

from sign_in import sign_in

base, mongo_uri, database, email = sys.argv[1:5]
host = urllib.parse.urlparse(base).netloc
conn = http.client.HTTPConnection(host)


def post(path, body, content_type, cookie=None):
    headers = {"Content-Type": content_type, "Origin": base, "Accept": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response, data


cookie = sign_in(base, mongo_uri, database, email)

PARAMS = {"status": "", "client": "", "from": "", "to": "", "q": "", "sort": "", "dir": "", "after": ""}


def list_body(**changes):
    return json.dumps({"params": {**PARAMS, **changes}})


first_page = json.loads(post("/api/invoices/list", list_body(), "application/json", cookie)[1])
clients = json.loads(post("/api/clients/list", "search=&include_archived=false",
                          "application/x-www-form-urlencoded", cookie)[1])

queries = [
    ("dashboard", "/api/dashboard", "", "application/x-www-form-urlencoded"),
    ("list: newest first", "/api/invoices/list", list_body(), "application/json"),
    ("list: page 2 (cursor)", "/api/invoices/list", list_body(after=first_page["next"]), "application/json"),
    ("list: overdue", "/api/invoices/list", list_body(status="overdue"), "application/json"),
    ("list: paid, by total", "/api/invoices/list", list_body(status="paid", sort="total"), "application/json"),
    ("list: one client", "/api/invoices/list", list_body(client=clients[0]["id"]), "application/json"),
    ("list: search 'lovelace'", "/api/invoices/list", list_body(q="lovelace"), "application/json"),
    ("list: issued in March 2026", "/api/invoices/list", list_body(**{"from": "2026-03-01", "to": "2026-03-31"}), "application/json"),
    ("clients: all", "/api/clients/list", "search=&include_archived=false", "application/x-www-form-urlencoded"),
]

RUNS = 30
print(f"{'query':32} {'p50 ms':>8} {'p99 ms':>8} {'rows':>6}")
for name, path, body, content_type in queries:
    for _ in range(3):  # warm-up
        post(path, body, content_type, cookie)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response, data = post(path, body, content_type, cookie)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            sys.exit(f"{name}: HTTP {response.status}: {data[:200]!r}")
    parsed = json.loads(data)
    rows = len(parsed["rows"]) if isinstance(parsed, dict) and "rows" in parsed else (
        len(parsed) if isinstance(parsed, list) else "-")
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"{name:32} {p50:8.1f} {p99:8.1f} {rows:>6}")
