"""Baselines for the page walk: what a Python user would write with the standard library,
sequential, json decode, one line per item. `urllib` (the default) opens a connection per
page, as urllib.request does; `http.client` keeps one connection alive."""
import http.client
import json
import sys
import urllib.parse
import urllib.request

url, token, pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else "urllib"
headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
out = sys.stdout


def emit(doc):
    for item in doc["data"]:
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")


if mode == "urllib":
    for page in range(1, pages + 1):
        req = urllib.request.Request(f"{url}/whm/accounts?page={page}&per_page=100", headers=headers)
        with urllib.request.urlopen(req) as resp:
            emit(json.loads(resp.read()))
else:
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    for page in range(1, pages + 1):
        conn.request("GET", f"{u.path}/whm/accounts?page={page}&per_page=100", headers=headers)
        emit(json.loads(conn.getresponse().read()))
