"""Times the invoice list's bulk send: signs a user in, connects the Stripe stand-in (Stripe-hosted
invoices), then for each scenario creates drafts for fresh clients and sends them in one request.

Usage: python bulk_send.py BASE_URL MONGODB_URI DATABASE
"""
import http.client
import json
import sys
import time
import urllib.parse

from sign_in import sign_in

base, mongo_uri, database = sys.argv[1:4]
cookie = sign_in(base, mongo_uri, database, "bulk@paytrack.test")
conn = http.client.HTTPConnection(urllib.parse.urlparse(base).netloc, timeout=600)


def post(path, body, form=False):
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    payload = urllib.parse.urlencode(body) if form else json.dumps(body)
    conn.request("POST", path, body=payload, headers={
        "Content-Type": content_type, "Origin": base, "Accept": "application/json",
        "Cookie": cookie})
    response = conn.getresponse()
    text = response.read().decode()
    if response.status != 200:
        sys.exit(f"{path}: {response.status} {text}")
    return json.loads(text)


post("/api/stripe/connect", {"key": "rk_test_51BenchBulkSendKey0000111122223333"}, form=True)
post("/api/stripe/pay-with", {"mode": "hosted_invoice"}, form=True)

made = 0


def drafts(count, clients):
    """`count` drafts spread over `clients` new clients, in turn."""
    global made
    client_ids = []
    for _ in range(clients):
        made += 1
        saved = post("/api/clients/create", {"input": {
            "name": f"Client {made}", "emails": f"client{made}@example.test", "company": "",
            "address": "1 Main Street", "currency": "EUR", "notes": "", "reminders": True}})
        client_ids.append(saved["Saved"]["id"])
    ids = []
    for n in range(count):
        saved = post("/api/invoices/create", {"input": {
            "client_id": client_ids[n % clients], "issue_date": "2026-12-01",
            "due_date": "2026-12-31", "currency": "EUR",
            "lines": [{"description": "Design", "quantity": "2", "unit_price": "400"}],
            "discount_kind": "percent", "discount_value": "0", "taxes": "VAT 20%",
            "notes": ""}})
        if "Saved" not in saved:
            sys.exit(f"draft refused: {saved}")
        ids.append(saved["Saved"]["id"])
    return ids


print(f"{'drafts':>6} {'clients':>7} {'answer in':>10} {'per invoice':>12}  outcome")
for count, clients in [(10, 10), (10, 1), (50, 50), (50, 5)]:
    ids = drafts(count, clients)
    start = time.monotonic()
    outcome = post("/api/invoices/bulk", {"ids": ids, "action": "send"})
    took = time.monotonic() - start
    print(f"{count:>6} {clients:>7} {took:>9.2f}s {took / count * 1000:>10.0f}ms  "
          f"sent {outcome['done']}, skipped {len(outcome['skipped'])}")
