"""Signs in through the real login-link flow (request a link, read it from the dev outbox in the
database, follow it) and prints the session cookie as `name=value`.

Usage: python sign_in.py BASE_URL MONGODB_URI DATABASE EMAIL
"""
import http.client
import re
import sys
import urllib.parse

from pymongo import MongoClient


def sign_in(base, mongo_uri, database, email):
    conn = http.client.HTTPConnection(urllib.parse.urlparse(base).netloc)

    def post(path, fields):
        conn.request("POST", path, body=urllib.parse.urlencode(fields), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": base,
            "Accept": "application/json"})
        response = conn.getresponse()
        response.read()
        return response

    post("/api/auth/request-link", {"email": email, "time_zone": "Europe/Berlin", "next": "/"})
    outbox = MongoClient(mongo_uri)[database].outbox.find_one({"to": email}, sort=[("created_at", -1)])
    token = re.search(r"token=([A-Za-z0-9_-]{43})", str(outbox)).group(1)
    response = post("/auth/link", {"token": token})
    return response.getheader("Set-Cookie").split(";")[0]


if __name__ == "__main__":
    print(sign_in(*sys.argv[1:5]))
