"""How the local database answers each shape of invoice-list query: its `explain` (winning
plan, index, keys and documents examined, documents returned) for one page of 51 rows over the
seeded book. The plans MongoDB Atlas chooses for the same shapes are written down in
docs/architecture.md ("Query plans").

Usage: python list_plans.py MONGODB_URI DATABASE EMAIL
"""
import sys

from pymongo import MongoClient

uri, database, email = sys.argv[1:4]
db = MongoClient(uri)[database]
owner = db.users.find_one({"email": email})["_id"]
client = db.clients.find_one({"user_id": owner})["_id"]
collectable = ["Open", "PartiallyPaid"]
today = __import__("datetime").date.today().isoformat()

SHAPES = [
    ("newest first", {}, [("sequence", -1), ("_id", -1)]),
    ("outstanding + search, by due", {"status": {"$in": collectable}, "search": {"$regex": "lovelace"}},
     [("due_date", 1), ("_id", 1)]),
    ("overdue", {"status": {"$in": collectable}, "due_date": {"$lt": today}}, [("sequence", -1), ("_id", -1)]),
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


print(f"{'query':30} {'keys':>6} {'docs':>6} {'rows':>5}  plan")
for name, extra, sort in SHAPES:
    query = {"user_id": owner, **extra}
    explained = db.command("explain", {
        "find": "invoices", "filter": query, "sort": dict(sort), "limit": 51,
    }, verbosity="executionStats")
    stats = explained.get("executionStats", {})
    winning = explained.get("queryPlanner", {}).get("winningPlan", {})
    print(f"{name:30} {stats.get('totalKeysExamined', '?'):>6} {stats.get('totalDocsExamined', '?'):>6} "
          f"{stats.get('nReturned', '?'):>5}  {stages(winning)}")
