"""How the local database answers each shape of invoice-list query, and of the client list
below it, as the app asks it (what
db::invoices::read_first reads first, the rest checked on what it read): its `explain` (winning
plan, index, keys and documents examined, documents returned) for one page of 51 rows over the
seeded book, and the median time the query really takes (the local server reads every match
before it applies the limit, whatever `explain` says), with the number of documents matching. The plans MongoDB Atlas chooses for the same shapes are written down in
docs/architecture.md ("Query plans").

Usage: python list_plans.py MONGODB_URI DATABASE EMAIL
"""
import statistics
import sys
import time

from pymongo import MongoClient

uri, database, email = sys.argv[1:4]
db = MongoClient(uri)[database]
owner = db.users.find_one({"email": email})["_id"]
client = db.clients.find_one({"user_id": owner})["_id"]
collectable = ["Open", "PartiallyPaid"]
today = __import__("datetime").date.today().isoformat()



def searched(typed, status):
    """What the app asks for a search of `typed` (db::invoices::search): the owner's invoices
    holding the last three-character piece of it, then each checked for every piece and the
    whole text."""
    text = typed.lower()
    pieces = list(dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2)))
    rest = {"search_grams": {"$all": pieces}, "search": {"$regex": text}}
    return {"$and": [{"user_id": owner, "status": status, "search_grams": pieces[-1]}, {"$and": [rest]}]}


last = db.invoice_sequences.find_one({"_id": str(owner)})["last"]
SHAPES = [
    ("newest first", {}, [("sequence", -1), ("_id", -1)]),
    ("newest first, first window", {"sequence": {"$gte": last + 1 - 102}}, [("sequence", -1), ("_id", -1)]),
    ("outstanding + search, by due", searched("lovelace", {"$in": collectable}),
     [("due_date", 1), ("_id", 1)]),
    ("  the same as one pattern", {"status": {"$in": collectable}, "search": {"$regex": "lovelace"}},
     [("due_date", 1), ("_id", 1)]),
    ("overdue", {"$and": [{"user_id": owner, "status": {"$in": collectable}}, {"$and": [{"due_date": {"$lt": today}}]}]},
     [("sequence", -1), ("_id", -1)]),
    ("  the same as one flat filter", {"status": {"$in": collectable}, "due_date": {"$lt": today}},
     [("sequence", -1), ("_id", -1)]),
    ("paid, by total", {"status": "Paid"}, [("total_minor", -1), ("_id", -1)]),
    ("one client", {"client_id": client}, [("sequence", -1), ("_id", -1)]),
    ("issued in March 2026", {"issue_date": {"$gte": "2026-03-01", "$lte": "2026-03-31"}},
     [("sequence", -1), ("_id", -1)]),
    ("by client name", {}, [("client_sort", 1), ("_id", 1)]),
]


def stages(plan):
    """The plan's stages, outermost first, with the index of any index scan."""
    names = []
    while plan:
        name = plan.get("stage", "?")
        if plan.get("indexName"):
            name += f"({plan['indexName']})"
        names.append(name)
        plan = plan.get("inputStage") or (plan.get("inputStages") or [None])[0]
    return " < ".join(names)


def median_ms(query, sort):
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        list(db.invoices.find(query, {"lines": 0, "payments": 0}).sort(sort).limit(51))
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


print(f"{'query':30} {'keys':>6} {'docs':>6} {'rows':>5} {'match':>6} {'ms':>6}  plan")
for name, extra, sort in SHAPES:
    query = extra if "$and" in extra else {"user_id": owner, **extra}
    explained = db.command("explain", {
        "find": "invoices", "filter": query, "sort": dict(sort), "limit": 51,
    }, verbosity="executionStats")
    stats = explained.get("executionStats", {})
    winning = explained.get("queryPlanner", {}).get("winningPlan", {})
    matching = db.invoices.count_documents(query)
    print(f"{name:30} {stats.get('totalKeysExamined', '?'):>6} {stats.get('totalDocsExamined', '?'):>6} "
          f"{stats.get('nReturned', '?'):>5} {matching:>6} {median_ms(query, sort):>6.1f}  {stages(winning)}")


# The client list (db::clients::list, 101 documents a page by name) and what its first page's
# clients owe (db::client_owed::of_clients: their kept days, one document per client and
# currency; summing their open invoices instead read 1,047 of them, 83-100 ms).
first_page = list(db.clients.find({"user_id": owner, "archived": False}, {"_id": 1})
                  .sort([("sort_name", 1), ("_id", 1)]).limit(100))
CLIENT_SHAPES = [
    ("clients: first page", "clients", {"user_id": owner, "archived": False},
     [("sort_name", 1), ("_id", 1)], 101, None),
    ("clients: search 'lov'", "clients",
     {"$and": [{"user_id": owner, "archived": False},
               {"$and": [{"$or": [{"sort_name": {"$regex": "lov"}}, {"emails": {"$regex": "lov"}}]}]}]},
     [("sort_name", 1), ("_id", 1)], 101, None),
    ("owed by the first page", "client_owed",
     {"user_id": owner, "client_id": {"$in": [c["_id"] for c in first_page]}}, None, 0, None),
]


def client_median_ms(collection, query, sort, limit, projection):
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        cursor = db[collection].find(query, projection)
        if sort:
            cursor = cursor.sort(sort)
        list(cursor.limit(limit))
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


print()
print(f"{'client list query':30} {'keys':>6} {'docs':>6} {'rows':>5} {'match':>6} {'ms':>6}  plan")
for name, collection, query, sort, limit, projection in CLIENT_SHAPES:
    command = {"find": collection, "filter": query, "limit": limit}
    if sort:
        command["sort"] = dict(sort)
    explained = db.command("explain", command, verbosity="executionStats")
    stats = explained.get("executionStats", {})
    winning = explained.get("queryPlanner", {}).get("winningPlan", {})
    matching = db[collection].count_documents(query)
    print(f"{name:30} {stats.get('totalKeysExamined', '?'):>6} {stats.get('totalDocsExamined', '?'):>6} "
          f"{stats.get('nReturned', '?'):>5} {matching:>6} "
          f"{client_median_ms(collection, query, sort, limit, projection):>6.1f}  {stages(winning)}")
