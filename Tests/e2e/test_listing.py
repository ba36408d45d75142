"""Issue 4: listing and output, read back by the tools people use."""
import csv
import io
import json
import os
import subprocess
import threading
import time
import urllib.parse

from conftest import SOPORTE, TOKEN


def ndjson(text):
    return [json.loads(l) for l in text.splitlines()]


def flatten(obj, prefix=""):
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict) and v:
            out.update(flatten(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return str(v)


def test_ndjson_and_json_match_the_sandbox_item_for_item(run, sb):
    ref = sb.all("/whm/accounts")
    r = run(["accounts", "list", "-o", "ndjson"], sb)
    assert r.rc == 0, r
    assert ndjson(r.out) == ref
    j = run(["accounts", "list", "-o", "json"], sb)
    assert json.loads(j.out) == ref
    # jq reads both
    p = subprocess.run(["jq", "-s", "length"], input=r.out, capture_output=True, text=True)
    assert int(p.stdout) == 250


def test_json_keeps_number_literals_and_key_order(run, sb):
    r = run(["invoices", "get", "1", "-o", "json"], sb)
    assert '"amount":100.10' in r.out
    keys = list(json.loads(r.out).keys())
    assert keys[:4] == ["id", "number", "account_id", "status"]
    r = run(["invoices", "list", "-o", "ndjson", "--limit", "1"], sb)
    assert '"amount":100.10' in r.out


def test_csv_reads_back_with_python_csv(run, sb):
    ref = [flatten(a) for a in sb.all("/whm/accounts")]
    r = run(["accounts", "list", "-o", "csv"], sb)
    assert r.rc == 0 and "\r\n" not in r.out.replace('"\r\n', "")
    rows = list(csv.DictReader(io.StringIO(r.out, newline="")))
    assert len(rows) == len(ref)
    for got, want in zip(rows, ref):
        assert got == {k: cell(v) for k, v in want.items()}
    # the tricky values are in there
    text = r.out
    assert "山田太郎" in text or "张伟" in text
    assert any("\n" in row["notes"] for row in rows)
    assert any(row["notes"].startswith("=") for row in rows)


def test_csv_safe_prefixes_formulas_but_not_numbers(run, sb):
    r = run(["accounts", "list", "-o", "csv", "--csv-safe", "--fields", "id,notes"], sb)
    rows = list(csv.DictReader(io.StringIO(r.out, newline="")))
    notes = [row["notes"] for row in rows if row["notes"]]
    assert all(not n.startswith(("=", "+", "-", "@")) for n in notes)
    assert any(n.startswith("'=") for n in notes)
    assert all(row["id"].isdigit() for row in rows)


def test_tsv_escapes(run, sb):
    ref = sb.all("/whm/accounts")
    r = run(["accounts", "list", "-o", "tsv", "--fields", "id,notes", "--no-headers"], sb)
    lines = r.out.split("\n")[:-1]
    assert len(lines) == len(ref)
    for line, a in zip(lines, ref):
        fields = line.split("\t")
        assert len(fields) == 2
        want = cell(a["notes"]).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        assert fields[1] == want


def test_fields_choose_columns_and_are_sent(run, sb):
    r = run(["accounts", "list", "--fields", "id,domain,limits.databases", "-o", "csv", "--limit", "3"], sb)
    assert r.out.splitlines()[0] == "id,domain,limits.databases"
    q = urllib.parse.parse_qs(sb.requests()[0]["query"])
    assert q["fields"] == ["id,domain,limits"]


def test_every_filter_form_reaches_the_sandbox(run, sb):
    args = ["invoices", "list", "-o", "ndjson",
            "--filter", "status=pending", "--filter", "amount:gte=10", "--filter", "amount<=400",
            "--filter", "currency!=EUR", "--filter", "id>1", "--filter", "id<290", "--filter", "number~INV",
            "--filter", "status:in=pending,overdue", "--filter", "due_date:between=2024-01-01,2025-12-31",
            "--sort", "-amount,id", "--search", "a b&c+d#e=f ñ", "--include", "account", "--per-page", "50"]
    r = run(args, sb)
    assert r.rc == 0, r
    q = sb.requests()[0]["query"]
    pairs = urllib.parse.parse_qsl(q, keep_blank_values=True)
    assert pairs[:9] == [("filter[status]", "pending"), ("filter[amount][gte]", "10"), ("filter[amount][lte]", "400"),
                         ("filter[currency][ne]", "EUR"), ("filter[id][gt]", "1"), ("filter[id][lt]", "290"),
                         ("filter[number][like]", "INV"), ("filter[status][in]", "pending,overdue"),
                         ("filter[due_date][between]", "2024-01-01,2025-12-31")]
    assert ("search", "a b&c+d#e=f ñ") in pairs and ("sort", "-amount,id") in pairs and ("per_page", "50") in pairs
    assert "%26" in q and "%2B" in q and "%23" in q  # &, +, # encoded
    # and the sandbox applied them (the search term matches nothing)
    assert r.out == ""
    r = run(["invoices", "list", "-o", "ndjson", "--filter", "amount:gte=100", "--filter", "amount:lte=200"], sb)
    got = ndjson(r.out)
    assert got and all(100 <= float(i["amount"]) <= 200 for i in got)


def test_limit_fetches_no_page_beyond_it(run, sb):
    r = run(["accounts", "list", "--limit", "150", "-o", "ndjson"], sb)
    assert len(r.out.splitlines()) == 150
    pages = sorted(urllib.parse.parse_qs(q["query"])["page"][0] for q in sb.requests())
    assert pages == ["1", "2"]
    r = run(["accounts", "list", "--page", "2", "--per-page", "10", "-o", "ndjson"], sb)
    assert [a["id"] for a in ndjson(r.out)] == list(range(11, 21))


def test_ordered_under_concurrency_with_uneven_delays(run, sb):
    for page, delay in [(2, 500), (3, 300), (5, 200), (6, 50)]:
        sb.fault(match={"method": "GET", "path": "/v1/whm/accounts", "query": f"page={page}&per_page"}, count=1, delay_ms=delay)
    r = run(["accounts", "list", "--per-page", "10", "--sort", "id", "-o", "ndjson"], sb)
    assert r.rc == 0, r
    assert [a["id"] for a in ndjson(r.out)] == list(range(1, 251))


def test_early_close_stops_fetching(fresh):
    s = fresh("--accounts", "400", "--latency", "100", "--rate-limit", "off")
    env = {"PATH": os.environ["PATH"], "SOPORTE_API_URL": s.url, "SOPORTE_API_TOKEN": TOKEN, "SOPORTE_CONFIG": "/nonexistent"}
    p1 = subprocess.Popen([SOPORTE, "accounts", "list", "--per-page", "10", "-o", "ndjson"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p2 = subprocess.run(["head", "-3"], stdin=p1.stdout, capture_output=True)
    p1.stdout.close()
    rc = p1.wait(timeout=20)
    err = p1.stderr.read().decode()
    assert len(p2.stdout.splitlines()) == 3
    assert rc == 141 and err == ""
    time.sleep(0.3)
    assert len(s.requests()) < 40  # of 40 pages


def test_partial_failure_says_how_to_resume(run, sb):
    sb.fault(match={"method": "GET", "path": "/v1/whm/accounts", "query": "page=3&per_page"}, count=1, status=500)
    r = run(["accounts", "list", "-o", "ndjson"], sb)
    assert r.rc == 8
    assert len(r.out.splitlines()) == 200
    assert "page 3" in r.err and "200 items" in r.err and "--from-page 3" in r.err
    rest = run(["accounts", "list", "-o", "ndjson", "--from-page", "3"], sb)
    assert [a["id"] for a in ndjson(r.out) + ndjson(rest.out)] == list(range(1, 251))
    # JSON output is left unclosed so that jq refuses partial data
    sb.fault(match={"method": "GET", "path": "/v1/whm/accounts", "query": "page=2&per_page"}, count=1, status=500)
    r = run(["accounts", "list", "-o", "json"], sb)
    assert r.rc == 8
    assert subprocess.run(["jq", "length"], input=r.out, capture_output=True, text=True).returncode != 0


def test_drift_warns_and_never_repeats_an_id(run, fresh):
    s = fresh("--accounts", "250", "--rate-limit", "off")
    for page in (2, 3):
        s.fault(match={"method": "GET", "path": "/v1/whm/accounts", "query": f"page={page}&per_page"}, count=1, delay_ms=1500)

    def create():
        time.sleep(0.5)
        s.api("POST", "/whm/accounts", {"domain": "drift.example", "username": "drift", "email": "d@drift.example",
                                         "password": "longenough", "package": "basic", "server_id": 1})
    t = threading.Thread(target=create)
    t.start()
    r = run(["accounts", "list", "--sort", "-id", "-o", "ndjson"], s)
    t.join()
    assert r.rc == 0, r
    assert "changed during the walk" in r.err
    ids = [a["id"] for a in ndjson(r.out)]
    assert len(ids) == len(set(ids)) == 250


def test_out_of_origin_links_are_not_followed(run, sb):
    # The walk uses page numbers, so a hostile links.next is never requested.
    r = run(["accounts", "list", "-o", "ndjson"], sb)
    hosts = {q["headers"].get("host") for q in sb.requests()}
    assert hosts == {f"127.0.0.1:{sb.port}"}


def test_empty_results(run, sb):
    r = run(["accounts", "list", "--filter", "domain=nothing.invalid"], sb)
    assert r.rc == 0 and r.out.split() == ["ID", "DOMAIN", "USERNAME", "STATUS", "PACKAGE", "SERVER_ID", "CREATED_AT"]
    assert run(["accounts", "list", "--filter", "domain=nothing.invalid", "-o", "json"], sb).out == "[]\n"
    assert run(["accounts", "list", "--filter", "domain=nothing.invalid", "-o", "ndjson"], sb).out == ""
    assert run(["accounts", "list", "--filter", "domain=nothing.invalid", "-o", "csv", "--fields", "id,domain"], sb).out == "id,domain\n"


def test_table_default_columns_and_get_vertical(run, sb):
    r = run(["accounts", "list", "--limit", "2"], sb)
    assert r.out.splitlines()[0].split() == ["ID", "DOMAIN", "USERNAME", "STATUS", "PACKAGE", "SERVER_ID", "CREATED_AT"]
    r = run(["accounts", "get", "3"], sb)
    assert r.out.splitlines()[0].split()[0] == "ID"
    assert "LIMITS.DATABASES" in r.out
    # control characters from the API never reach the terminal raw
    r = run(["accounts", "list", "--fields", "id,notes"], sb)
    assert "\x1b" not in r.out and "\\x1b[31m" in r.out
