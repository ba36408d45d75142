"""docs/CONTRACT.md §12.1, what the server sends: answers as stock Laravel 8 writes them. Error bodies
that are not the API's envelope, strings with every non-ASCII character and `/` escaped,
duplicate keys, a `fields=` the server ignored, a body of `null`, a request id with control
characters. Each body is served literally through the sandbox's faults."""
import csv
import io
import json

import pytest

ACCT = "/v1/whm/accounts"
ONE = "/v1/whm/accounts/999999"
ESC = "\x1b"


def laravel(doc):
    """JSON as Laravel's JsonResponse writes it (json_encode without flags): compact,
    every non-ASCII character as \\uXXXX, every '/' as '\\/'."""
    return json.dumps(doc, separators=(",", ":")).replace("/", "\\/")


def page(items):
    return {"data": items, "meta": {"current_page": 1, "from": 1, "last_page": 1, "per_page": 100, "to": len(items),
                                    "total": len(items)},
            "links": {"first": None, "last": None, "prev": None, "next": None}}


def canonical(v):
    """The documented rule: strings decoded, written as UTF-8 with only the escapes JSON needs."""
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def first_line(err):
    return err.splitlines()[0] if err else ""


def json_error(err):
    lines = [json.loads(l) for l in err.splitlines()]
    errors = [l["error"] for l in lines if "error" in l]
    assert len(errors) == 1, err
    return errors[0]


# --- 1. Error answers that are not the envelope ---------------------------------------------

HTML_503 = """<!DOCTYPE html>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">

        <title>Service Unavailable</title>

        <style>
            html, body { background-color: #fff; color: #636b6f; }
        </style>
    </head>
    <body class="antialiased">
        <div class="relative flex items-top justify-center min-h-screen">
            <div class="px-4 text-lg text-gray-500 border-r border-gray-400 tracking-wider">503</div>
            <div class="ml-4 text-lg text-gray-500 uppercase tracking-wider">Service Unavailable</div>
        </div>
    </body>
</html>
"""

# (what, status, body, content type, exit status, the message shown)
NOT_ENVELOPES = [
    ("laravel 404", 404, json.dumps({"message": "No query results for model [App\\Models\\Account] 999999"}), None, 5,
     "No query results for model [App\\Models\\Account] 999999"),
    ("laravel 401", 401, json.dumps({"message": "Unauthenticated."}), None, 4, "Unauthenticated."),
    ("laravel 403", 403, json.dumps({"message": "This action is unauthorized."}), None, 4, "This action is unauthorized."),
    ("laravel 429", 429, json.dumps({"message": "Too Many Attempts."}), None, 7, "Too Many Attempts."),
    ("laravel 500", 500, json.dumps({"message": "Server Error"}), None, 8, "Server Error"),
    ("laravel 503 json", 503, json.dumps({"message": "Service Unavailable"}), None, 8, "Service Unavailable"),
    ("laravel 503 html", 503, HTML_503, "text/html; charset=UTF-8", 8, "Service Unavailable"),
    ("error text", 400, json.dumps({"error": "invalid_request"}), None, 6, "invalid_request"),
    ("plain text", 409, "Conflict: the account is being migrated\n", "text/plain", 6, "Conflict: the account is being migrated"),
    ("html title entities", 502, "<html><head><title>502 Bad Gateway &amp; more</title></head><body><h1>x</h1></body></html>",
     "text/html", 8, "502 Bad Gateway & more"),
]


@pytest.mark.parametrize("what,status,body,ctype,rc,message", NOT_ENVELOPES, ids=[c[0] for c in NOT_ENVELOPES])
def test_an_error_answer_that_is_not_the_envelope_shows_its_message(run, sb, what, status, body, ctype, rc, message):
    headers = {"Content-Type": ctype} if ctype else {}
    if status == 429:
        headers["Retry-After"] = "1"
    sb.fault(match={"path": ONE}, count=2, status=status, body=body, headers=headers)
    r = run(["accounts", "get", "999999", "--retries", "0"], sb)
    assert r.rc == rc, r
    assert "not the API's JSON" not in r.err, r
    assert first_line(r.err).startswith(f"soporte: {message}") and f"HTTP {status}" in first_line(r.err), r
    r = run(["accounts", "get", "999999", "--retries", "0", "-o", "json"], sb)
    assert r.rc == rc, r
    e = json_error(r.err)
    assert e["message"].startswith(message) and e["http_status"] == status and e["exit_status"] == rc, e


def test_laravel_validation_errors_are_detail_lines_and_the_json_details(run, sb):
    body = json.dumps({"message": "The given data was invalid.",
                       "errors": {"password": ["The password must be at least 8 characters."],
                                  "email": ["The email must be a valid email address.", "The email has already been taken."]}})
    sb.fault(match={"path": "/v1/whm/accounts/1"}, count=2, status=422, body=body)
    r = run(["accounts", "update", "1", "--set", "package=basic"], sb)
    assert r.rc == 6, r
    lines = r.err.splitlines()
    assert lines[0].startswith("soporte: The given data was invalid.") and "HTTP 422" in lines[0], r
    assert lines[1:4] == ["  password: The password must be at least 8 characters.",
                          "  email: The email must be a valid email address.",
                          "  email: The email has already been taken."], r
    r = run(["accounts", "update", "1", "--set", "package=basic", "-o", "json"], sb)
    e = json_error(r.err)
    assert r.rc == 6 and e["http_status"] == 422 and e["exit_status"] == 6, r
    assert e["message"].startswith("The given data was invalid."), e
    assert e["details"] == json.loads(body)["errors"], e


def test_a_plain_text_message_is_sanitized_and_cut(run, sb):
    sb.fault(match={"path": ONE}, count=1, status=500, body=f"boom {ESC}[2J\u202e here\r\nand more", headers={"Content-Type": "text/plain"})
    r = run(["accounts", "get", "999999", "--retries", "0"], sb)
    assert r.rc == 8 and ESC not in r.err and "\u202e" not in r.err, repr(r.err)
    assert first_line(r.err).startswith("soporte: boom \\x1b[2J\\u202e here"), repr(r.err)
    sb.fault(match={"path": ONE}, count=1, status=500, body="word " * 2000, headers={"Content-Type": "text/plain"})
    r = run(["accounts", "get", "999999", "--retries", "0"], sb)
    assert r.rc == 8 and first_line(r.err).startswith("soporte: word word"), r
    assert len(first_line(r.err)) < 400, r


@pytest.mark.parametrize("body,ctype", [("", None), ("{}", None), ("[1,2]", None), ("\x00\x01\x02", "application/octet-stream"),
                                        ("<html><body></body></html>", "text/html")])
def test_a_body_with_nothing_readable_is_still_not_the_apis_json(run, sb, body, ctype):
    sb.fault(match={"path": ONE}, count=1, status=404, body=body, headers={"Content-Type": ctype} if ctype else {})
    r = run(["accounts", "get", "999999", "--retries", "0"], sb)
    assert r.rc == 5, r
    assert "HTTP 404 with" in r.err and ("not the API's JSON" in r.err or "an empty body" in r.err), r


def test_a_laravel_error_in_a_walk_and_in_bulk(run, sb):
    sb.fault(match={"path": ACCT}, count=1, status=401, body=json.dumps({"message": "Unauthenticated."}))
    r = run(["accounts", "list", "-o", "ndjson"], sb)
    assert r.rc == 4 and "Unauthenticated." in r.err, r
    sb.fault(match={"path": "/v1/whm/accounts/3/suspend"}, count=1, status=404,
             body=json.dumps({"message": "No query results for model [App\\Models\\Account] 3"}))
    r = run(["accounts", "suspend", "3", "--yes", "-o", "json"], sb)
    assert r.rc == 5, r
    [res] = json.loads(r.out)
    assert res["error"]["message"].startswith("No query results for model [App\\Models\\Account] 3"), res


# --- 2. Escapes: decoded in cells, one rule in JSON -----------------------------------------

ITEMS = [
    {"id": i, "domain": f"tienda{i}.es", "plan": "Hosting \u2014 plan anual", "url": f"https://tienda{i}.es/panel",
     "owner": "Jos\u00e9 M\u00fcller \U0001F680", "tags": ["a\u00f1o", "\u2014", "x/y"], "limits": {},
     "server": {"name": "M\u00fcnster\u20141", "ips": ["10.0.0.1/24"]}, "notes": "l\u00ednea 1\nl\u00ednea 2\t\u0007"}
    for i in (1, 2, 3)
]


def serve_escaped(sb, count=20):
    sb.fault(match={"path": ACCT}, count=count, body=laravel(page(ITEMS)))
    for it in ITEMS:
        sb.fault(match={"path": f"{ACCT}/{it['id']}"}, count=count, body=laravel({"data": it}))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_cells_spell_every_row_the_same_way(run, sb, fmt):
    serve_escaped(sb)
    r = run(["accounts", "list", "-o", fmt], sb)
    assert r.rc == 0, r
    assert "\\u" not in r.out and "\\/" not in r.out, r
    rows = list(csv.reader(io.StringIO(r.out), delimiter="," if fmt == "csv" else "\t"))
    head, body = rows[0], rows[1:]
    assert head == ["id", "domain", "plan", "url", "owner", "tags", "limits", "server.name", "server.ips", "notes"], head
    for row in body:
        cells = dict(zip(head, row))
        assert cells["plan"] == "Hosting \u2014 plan anual" and cells["url"].startswith("https://tienda")
        assert cells["tags"] == canonical(["a\u00f1o", "\u2014", "x/y"]), cells
        assert cells["server.ips"] == '["10.0.0.1/24"]', cells
        assert cells["server.name"] == "M\u00fcnster\u20141"
    same = [c for c in head if c not in ("id", "domain", "url")]
    assert len({tuple(c for h, c in zip(head, r) if h in same) for r in body}) == 1, "every row the same way"
    r = run(["accounts", "list", "-o", fmt, "--fields", "id,tags,server.name"], sb)
    assert r.rc == 0 and "\\u" not in r.out and "\\/" not in r.out, r


def test_table_cells_are_decoded(run, sb):
    serve_escaped(sb)
    r = run(["accounts", "list", "--fields", "id,plan,tags,server.name"], sb)
    assert r.rc == 0, r
    rows = r.out.splitlines()[1:]
    assert len(rows) == 3 and all("Hosting \u2014 plan anual" in l and '["a\u00f1o","\u2014","x/y"]' in l for l in rows), r.out
    r = run(["accounts", "get", "2"], sb)
    assert r.rc == 0 and "M\u00fcnster\u20141" in r.out and '["10.0.0.1/24"]' in r.out, r


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_list_and_get_write_strings_by_one_rule(run, sb, fmt):
    serve_escaped(sb)
    r = run(["accounts", "list", "-o", fmt], sb)
    assert r.rc == 0, r
    listed = r.out.strip().splitlines() if fmt == "ndjson" else None
    if fmt == "json":
        assert r.out == "[" + ",".join(canonical(it) for it in ITEMS) + "]\n", r.out
    else:
        assert listed == [canonical(it) for it in ITEMS], r.out
    for it in ITEMS:
        g = run(["accounts", "get", str(it["id"]), "-o", fmt], sb)
        assert g.rc == 0 and g.out == canonical(it) + "\n", g


def test_the_safety_escapes_stay_in_both_paths(run, sb):
    item = {"id": 1, "notes": "a\u009bb\u202ec\u2028d"}
    sb.fault(match={"path": ACCT}, count=1, body=laravel(page([item])))
    sb.fault(match={"path": f"{ACCT}/1"}, count=1, body=laravel({"data": item}))
    want = '{"id":1,"notes":"a\\u009bb\\u202ec\\u2028d"}\n'
    assert run(["accounts", "list", "-o", "ndjson"], sb).out == want
    assert run(["accounts", "get", "1", "-o", "ndjson"], sb).out == want


# --- 3. Duplicate keys: the last one wins, at the first one's place ---------------------------

DUP_ITEM = ('{"id":7,"status":"active","domain":"a.com","status":"suspended",'
            '"server":{"name":"old","id":1,"name":"new"},"tags":[{"k":1,"k":2}]}')
DUP_WANT = {"id": 7, "status": "suspended", "domain": "a.com", "server": {"name": "new", "id": 1}, "tags": [{"k": 2}]}


def serve_duplicates(sb, count=10):
    first = '{"id":6,"status":"active","domain":"b.com","server":{"name":"x","id":2},"tags":[]}'
    sb.fault(match={"path": ACCT}, count=count,
             body='{"data":[' + first + "," + DUP_ITEM + ',' + DUP_ITEM.replace('"id":7', '"id":8', 1) + '],'
                  '"meta":{"current_page":1,"last_page":1,"per_page":100,"total":3}}')
    sb.fault(match={"path": f"{ACCT}/7"}, count=count, body='{"data":' + DUP_ITEM + "}")


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_duplicate_keys_last_wins_in_json(run, sb, fmt):
    serve_duplicates(sb)
    r = run(["accounts", "list", "-o", fmt], sb)
    assert r.rc == 0, r
    items = json.loads(r.out) if fmt == "json" else [json.loads(l) for l in r.out.splitlines()]
    lines = r.out.splitlines() if fmt == "ndjson" else None
    assert items[1] == DUP_WANT and list(items[1]) == list(DUP_WANT), r.out
    if lines:
        assert lines[1] == canonical(DUP_WANT), r.out
    g = run(["accounts", "get", "7", "-o", fmt], sb)
    assert g.rc == 0 and g.out == canonical(DUP_WANT) + "\n", g


@pytest.mark.parametrize("fmt", ["csv", "tsv", "table"])
def test_duplicate_keys_last_wins_in_cells(run, sb, fmt):
    serve_duplicates(sb)
    r = run(["accounts", "list", "-o", fmt, "--fields", "id,status,server.name,tags"] if fmt == "table" else ["accounts", "list", "-o", fmt], sb)
    assert r.rc == 0, r
    rows = r.out.splitlines()
    assert "active" in rows[1] and all("suspended" in l and "new" in l and "active" not in l and "old" not in l for l in rows[2:]), r.out
    assert all('[{"k":2}]' in l or '[{""k"":2}]' in l for l in rows[2:]), r.out
    g = run(["accounts", "get", "7", "-o", fmt], sb)
    assert g.rc == 0 and "suspended" in g.out and "active" not in g.out and "old" not in g.out, g


def test_a_duplicate_id_is_the_last_one(run, sb):
    # The walk's repeated-id check reads the id as the writers do: the last one.
    body = '{"data":[{"id":1,"domain":"a.com"},{"id":1,"domain":"b.com","id":2}],"meta":{"current_page":1,"last_page":1,"per_page":100,"total":2}}'
    sb.fault(match={"path": ACCT}, count=1, body=body)
    r = run(["accounts", "list", "-o", "ndjson"], sb)
    assert r.rc == 0 and r.out.splitlines() == ['{"id":1,"domain":"a.com"}', '{"id":2,"domain":"b.com"}'], r


# --- 4. A fields= that the server ignored ------------------------------------------------------

FULL = [{"id": i, "domain": f"d{i}.com", "status": "active", "server": {"id": 3, "name": f"srv{i}"}, "limits": {"databases": 5}}
        for i in (1, 2)]


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_list_fields_trims_items_in_json(run, sb, fmt):
    sb.fault(match={"path": ACCT}, count=3, body=laravel(page(FULL)))
    r = run(["accounts", "list", "--fields", "status,id", "-o", fmt], sb)
    assert r.rc == 0, r
    items = json.loads(r.out) if fmt == "json" else [json.loads(l) for l in r.out.splitlines()]
    assert items == [{"status": "active", "id": 1}, {"status": "active", "id": 2}] and all(list(i) == ["status", "id"] for i in items), r.out
    r = run(["accounts", "list", "--fields", "id,server.name,limits.databases", "-o", fmt], sb)
    items = json.loads(r.out) if fmt == "json" else [json.loads(l) for l in r.out.splitlines()]
    assert r.rc == 0 and items == [{"id": i, "server": {"name": f"srv{i}"}, "limits": {"databases": 5}} for i in (1, 2)], r


def test_get_fields_trims_in_json_as_list_does(run, sb):
    sb.fault(match={"path": f"{ACCT}/1"}, count=2, body=laravel({"data": FULL[0]}))
    sb.fault(match={"path": ACCT}, count=1, body=laravel(page(FULL[:1])))
    g = run(["accounts", "get", "1", "--fields", "status,id,server.name", "-o", "ndjson"], sb)
    l = run(["accounts", "list", "--fields", "status,id,server.name", "-o", "ndjson"], sb)
    assert g.rc == 0 and l.rc == 0 and g.out == l.out == '{"status":"active","id":1,"server":{"name":"srv1"}}\n', (g, l)


# --- 5. api prints a body of null ------------------------------------------------------------------

def test_api_prints_a_null_body_as_null(run, sb):
    sb.fault(match={"path": "/v1/whm/settings"}, count=1, body="null")
    r = run(["api", "GET", "/whm/settings"], sb)
    assert r.rc == 0 and r.out == "null\n", r
    sb.fault(match={"path": "/v1/whm/settings"}, count=1, status=204, body="")
    r = run(["api", "GET", "/whm/settings"], sb)
    assert r.rc == 0 and r.out == "", r


# --- 6. Bulk JSON results carry the request id as sent ----------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_bulk_json_results_carry_the_request_id_as_sent(run, sb, fmt):
    rid = f"req_{ESC}[31m\u202eid\\x"
    sb.fault(match={"path": "/v1/whm/accounts/4/suspend"}, count=1, body=json.dumps({"data": {"id": 4, "status": "suspended"}}),
             headers={"X-Request-ID": rid})
    sb.fault(match={"path": "/v1/whm/accounts/5/suspend"}, count=1, status=404, body=json.dumps({"message": "Gone."}),
             headers={"X-Request-ID": rid + "2"})
    r = run(["accounts", "suspend", "4", "5", "--yes", "-o", fmt], sb)
    assert r.rc == 5, r
    assert ESC not in r.out and "\u202e" not in r.out, repr(r.out)
    results = json.loads(r.out) if fmt == "json" else [json.loads(l) for l in r.out.splitlines()]
    assert results[0]["request_id"] == rid, results
    assert results[1]["request_id"] == rid + "2" and results[1]["error"]["request_id"] == rid + "2", results
    assert ESC not in r.err and "\u202e" not in r.err, repr(r.err)
    sb.fault(match={"path": "/v1/whm/accounts/5/suspend"}, count=1, status=404, body=json.dumps({"message": "Gone."}),
             headers={"X-Request-ID": rid})
    r = run(["accounts", "suspend", "5", "--yes"], sb)
    assert r.rc == 5 and ESC not in r.err and "request id: req_\\x1b[31m\\u202eid\\x" in r.err, repr(r.err)
