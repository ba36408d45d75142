"""Baseline for the page walk: what a Python user would write with the standard library
(sequential, one keep-alive connection, json decode, one line per item)."""
import http.client
import json
import sys
import urllib.parse

url, token, pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
out = sys.stdout
for page in range(1, pages + 1):
    conn.request("GET", f"{u.path}/whm/accounts?page={page}&per_page=100",
                 headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    doc = json.loads(conn.getresponse().read())
    for item in doc["data"]:
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
