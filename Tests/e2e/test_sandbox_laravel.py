"""`soporte-sandbox --dialect laravel` and `--page-numbers`, against the real binary: the
bytes a stock Laravel 8 server sends, read with http.client so that nothing is decoded
on the way."""
import http.client
import json
import math
import time

import pytest

from conftest import PLAIN_TOKEN as TOKEN, USER_TOKEN, Sandbox


@pytest.fixture(scope="module")
def lara():
    s = Sandbox("--accounts", "60", "--invoices", "40", "--dialect", "laravel", "--rate-limit", "off")
    yield s
    s.stop()


def get(s, path, method="GET", body=None, token=TOKEN):
    """(status, headers as a dict, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict(r.getheaders()), data


def test_error_bodies_are_laravels(lara):
    assert get(lara, "/v1/whm/accounts/999999")[::2] == (404, b'{"message":"No query results for model [App\\\\Models\\\\Account] 999999"}')
    assert get(lara, "/v1/billing/invoices/77777")[2] == b'{"message":"No query results for model [App\\\\Models\\\\Invoice] 77777"}'
    assert get(lara, "/v1/billing/subscriptions/77777")[2].endswith(b'[App\\\\Models\\\\Subscription] 77777"}')
    assert get(lara, "/v1/whm/servers/77777")[2].endswith(b'[App\\\\Models\\\\Server] 77777"}')
    assert get(lara, "/v1/whm/packages/77777")[2].endswith(b'[App\\\\Models\\\\Package] 77777"}')
    assert get(lara, "/v1/no/such/route")[::2] == (404, b'{"message":""}')
    assert get(lara, "/v1/whm/accounts", token=None)[::2] == (401, b'{"message":"Unauthenticated."}')
    assert get(lara, "/v1/whm/accounts", token="sk_wrong")[::2] == (401, b'{"message":"Unauthenticated."}')
    assert get(lara, "/v1/admin/system/health", token=USER_TOKEN)[::2] == (403, b'{"message":"This action is unauthorized."}')
    st, headers, body = get(lara, "/v1/whm/accounts", "POST", b'{"domain": "nodot", "password": "short"}')
    assert st == 422
    doc = json.loads(body, object_pairs_hook=list)
    assert [k for k, _ in doc] == ["message", "errors"] and doc[0][1] == "The given data was invalid."
    errors = dict(doc[1][1])
    assert errors["domain"] == ["The domain must be a valid domain name."]
    assert errors["password"] == ["The password must be at least 8 characters."]
    assert b"request_id" not in body and headers["X-Request-ID"].startswith("req_")
    for status, message in ((500, "Server Error"), (503, "Service Unavailable"), (429, "Too Many Attempts.")):
        lara.fault(status=status, retry_after=1)
        st, headers, body = get(lara, "/v1/whm/servers")
        assert (st, body) == (status, json.dumps({"message": message}, separators=(",", ":")).encode())
        assert headers["Retry-After"] == "1"
    # The control plane is the sandbox's own: its errors keep the envelope.
    c = http.client.HTTPConnection("127.0.0.1", lara.port, timeout=10)
    c.request("POST", "/_sandbox/faults", body=b"nope")
    r = c.getresponse()
    assert r.status == 400 and json.loads(r.read())["error"]["code"] == "BAD_REQUEST"


def test_json_is_escaped_as_php_does(lara):
    for path in ("/v1/whm/accounts?per_page=100", "/v1/whm/accounts/3", "/v1/billing/invoices?per_page=5"):
        _, _, body = get(lara, path)
        assert all(b < 0x80 for b in body), path
        assert b"/" not in body.replace(b"\\/", b""), path
    _, _, body = get(lara, "/v1/whm/accounts?per_page=100")
    assert b'"http:\\/\\/127.0.0.1:' in body
    # Every non-ASCII character as \uXXXX in lowercase hex, beyond the BMP as a pair.
    made = {"domain": "rocket.example", "username": "rocket", "email": "a@rocket.example", "password": "long enough",
            "package": "basic", "server_id": 1, "owner": "Zoë Ñandú 山田 🚀 a/b"}
    st, _, body = get(lara, "/v1/whm/accounts", "POST", json.dumps(made).encode())
    assert st == 201
    assert b'"owner":"Zo\\u00eb \\u00d1and\\u00fa \\u5c71\\u7530 \\ud83d\\ude80 a\\/b"' in body
    assert json.loads(body)["data"]["owner"] == made["owner"]


def test_fields_are_ignored_and_money_is_a_string(lara):
    _, _, body = get(lara, "/v1/billing/invoices?fields=id,amount&per_page=3")
    first = json.loads(body)["data"][0]
    assert len(first) == 11 and first["id"] == 1
    assert first["amount"] == "100.10" and isinstance(first["tax"], str)
    assert b'"amount":"100.10"' in body
    assert isinstance(first["lines"][0]["amount"], float)
    assert isinstance(json.loads(get(lara, "/v1/billing/subscriptions/1")[2])["data"]["amount"], str)
    assert json.loads(get(lara, "/v1/whm/packages/2")[2])["data"]["price"] == "9.99"


def test_meta_is_the_paginators(lara):
    _, _, body = get(lara, "/v1/whm/accounts?page=2&per_page=10")
    doc = json.loads(body, object_pairs_hook=list)
    assert [k for k, _ in doc] == ["data", "meta", "links"]
    meta = dict(doc[1][1])
    assert [k for k, _ in doc[1][1]] == ["current_page", "first_page_url", "from", "last_page", "last_page_url", "links",
                                         "next_page_url", "path", "per_page", "prev_page_url", "to", "total"]
    base = f"http://127.0.0.1:{lara.port}/v1/whm/accounts"
    # The sandbox has made one account by now in another test, or not: count them.
    total = meta["total"]
    last = math.ceil(total / 10)
    assert (meta["current_page"], meta["last_page"], meta["per_page"], meta["from"], meta["to"]) == (2, last, 10, 11, 20)
    assert meta["path"] == base and meta["first_page_url"] == base + "?page=1" and meta["last_page_url"] == f"{base}?page={last}"
    assert meta["prev_page_url"] == base + "?page=1" and meta["next_page_url"] == base + "?page=3"
    labels = [(dict(l)["label"], dict(l)["active"]) for l in meta["links"]]
    assert labels[0] == ("&laquo; Previous", False) and labels[-1] == ("Next &raquo;", False) and ("2", True) in labels
    assert dict(doc[2][1]) == {"first": base + "?page=1", "last": f"{base}?page={last}", "prev": base + "?page=1",
                               "next": base + "?page=3"}
    assert b'"current_page":2,' in body


@pytest.mark.parametrize("spelling, current, last", [("float", b"2.0", b"4.0"), ("exp", b"2e0", b"4e0"), ("string", b'"2"', b'"4"')])
@pytest.mark.parametrize("dialect", ["soporteclientes", "laravel"])
def test_page_numbers(fresh, spelling, current, last, dialect):
    s = fresh("--accounts", "40", "--rate-limit", "off", "--dialect", dialect, "--page-numbers", spelling)
    _, _, body = get(s, "/v1/whm/accounts?page=2&per_page=10")
    assert b'"current_page":' + current + b"," in body and b'"last_page":' + last + b"," in body
    assert b'"per_page":10,' in body and b'"total":40' in body


def test_the_throttle_is_laravels(fresh):
    s = fresh("--accounts", "5", "--dialect", "laravel", "--rate-window", "3/7")
    before = math.floor(time.time())
    seen = [get(s, "/v1/whm/servers") for _ in range(3)]
    after = math.floor(time.time())
    for k, (st, headers, _) in enumerate(seen):
        assert st == 200
        assert headers["X-RateLimit-Limit"] == "3" and headers["X-RateLimit-Remaining"] == str(2 - k)
        assert "X-RateLimit-Reset" not in headers and "Retry-After" not in headers
    st, headers, body = get(s, "/v1/whm/servers")
    assert (st, body) == (429, b'{"message":"Too Many Attempts."}')
    assert headers["X-RateLimit-Remaining"] == "0"
    # The window began at the first request (whole seconds), not at a multiple of 7.
    reset = int(headers["X-RateLimit-Reset"])
    assert before + 7 <= reset <= after + 7
    assert 1 <= int(headers["Retry-After"]) <= 7
    # Errors count and carry the headers too; another token has its own window.
    st, headers, _ = get(s, "/v1/whm/accounts/1", token=USER_TOKEN)
    assert st == 200 and headers["X-RateLimit-Remaining"] == "2" and "X-RateLimit-Reset" not in headers
    time.sleep(max(0, reset - time.time()) + 0.05)
    st, headers, _ = get(s, "/v1/whm/servers")
    assert st == 200 and headers["X-RateLimit-Remaining"] == "2"


def test_laravel_is_60_a_minute_unless_told(fresh):
    s = fresh("--accounts", "5", "--dialect", "laravel")
    st, headers, _ = get(s, "/v1/whm/servers")
    assert st == 200 and headers["X-RateLimit-Limit"] == "60" and headers["X-RateLimit-Remaining"] == "59"
    off = fresh("--accounts", "5", "--dialect", "laravel", "--rate-limit", "off")
    assert "X-RateLimit-Limit" not in get(off, "/v1/whm/servers")[1]


def test_bad_dialect_options_are_refused():
    import subprocess
    from conftest import SANDBOX
    for args in (["--dialect", "rails"], ["--dialect"], ["--page-numbers", "double"], ["--page-numbers", "INT"]):
        p = subprocess.run([SANDBOX, "--port", "0", *args], capture_output=True, text=True, timeout=10)
        assert p.returncode == 2 and p.stderr.startswith("soporte-sandbox: "), args
