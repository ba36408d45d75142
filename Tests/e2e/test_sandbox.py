"""Issue 3: soporte-sandbox, black-box over real sockets."""
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time

from conftest import SANDBOX, PLAIN_TOKEN as TOKEN, Sandbox

AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers={**AUTH, **(headers or {})})
    r = conn.getresponse()
    raw = r.read()
    return r.status, dict(r.getheaders()), (json.loads(raw) if raw else None)


def test_first_line_and_loopback_only(fresh):
    s = fresh()
    assert s.url.startswith("http://127.0.0.1:")
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout if os.path.exists("/usr/bin/ss") else ""
    for line in out.splitlines():
        if f":{s.port} " in line:
            assert "127.0.0.1:" in line
    help_text = subprocess.run([SANDBOX, "--help"], capture_output=True, text=True).stdout
    for tok in ("sk_test_abc123xyz", "sk_test_user_123", "sk_test_enterprise_123", "/_sandbox/faults", "/_sandbox/requests"):
        assert tok in help_text
    bad = subprocess.run([SANDBOX, "--port", "x"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--port" in bad.stderr


def test_every_resource_lists_and_gets(fresh):
    shared = fresh("--accounts", "40")  # rate limits on: their headers on every answer
    for path in ("/v1/whm/accounts", "/v1/whm/servers", "/v1/whm/packages", "/v1/billing/invoices", "/v1/billing/subscriptions"):
        c = http.client.HTTPConnection("127.0.0.1", shared.port)
        st, h, doc = call(c, "GET", path + "?per_page=5")
        assert st == 200 and len(doc["data"]) == 5 or doc["meta"]["total"] < 5
        assert list(doc.keys()) == ["data", "meta", "links"]
        assert list(doc["meta"].keys()) == ["current_page", "from", "last_page", "per_page", "to", "total"]
        assert list(doc["links"].keys()) == ["first", "last", "prev", "next"]
        assert doc["links"]["first"] == f"http://127.0.0.1:{shared.port}{path}?page=1"
        c = http.client.HTTPConnection("127.0.0.1", shared.port)
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-ID"} <= set(h)
        one = doc["data"][0]["id"]
        st, _, got = call(c, "GET", f"{path}/{one}")
        assert st == 200 and got["data"]["id"] == one
    st, _, doc = call(c, "GET", "/v1/whm/accounts")
    assert doc["meta"]["per_page"] == 15 and doc["links"]["prev"] is None


def test_query_features(shared):
    c = http.client.HTTPConnection("127.0.0.1", shared.port)
    st, _, doc = call(c, "GET", "/v1/whm/accounts?include=server,package&fields=id,server,package&per_page=2")
    a = doc["data"][0]
    assert list(a.keys()) == ["id", "server", "package"] and a["server"]["hostname"].startswith("srv")
    st, _, doc = call(c, "GET", "/v1/whm/accounts?sort=-status,id&per_page=100")
    statuses = [x["status"] for x in doc["data"]]
    assert statuses == sorted(statuses, reverse=True)
    st, _, doc = call(c, "GET", "/v1/billing/invoices?filter[issued_at][between]=2024-01-01,2024-01-31&per_page=100")
    assert doc["data"] and all("2024-01-01" <= i["issued_at"][:10] <= "2024-01-31" for i in doc["data"])
    st, _, doc = call(c, "GET", "/v1/billing/invoices?filter[amount][gt]=99.5&filter[amount][lt]=100.5")
    assert all(99.5 < float(i["amount"]) < 100.5 for i in doc["data"])  # numbers compare as numbers
    st, _, doc = call(c, "GET", "/v1/whm/accounts?filter[domain][like]=SHOP&per_page=100")
    assert doc["data"] and all("shop" in x["domain"] for x in doc["data"])
    st, _, doc = call(c, "GET", "/v1/whm/accounts?filter[notes][ne]=null&per_page=100")
    assert all(x["notes"] is not None for x in doc["data"])
    st, _, doc = call(c, "GET", "/v1/whm/accounts?search=%E5%B1%B1%E7%94%B0&per_page=100")  # 山田
    assert doc["data"] and all("山田" in x["owner"] for x in doc["data"])
    st, _, doc = call(c, "GET", "/v1/whm/accounts?per_page=101")
    assert st == 422 and doc["error"]["details"]["per_page"]
    st, _, doc = call(c, "GET", "/v1/whm/accounts?filter[id][nope]=1")
    assert st == 422


def test_tricky_data_is_there(shared):
    accounts = shared.all("/whm/accounts")
    notes = [a["notes"] for a in accounts if a["notes"]]
    assert any("\n" in n for n in notes) and any("\t" in n for n in notes) and any(n.startswith("=") for n in notes)
    assert any('"' in n and "," in n for n in notes) and any("\x1b" in n for n in notes)
    owners = {a["owner"] for a in accounts}
    assert any("🚀" in o for o in owners) and any("山田" in o for o in owners) and any("ñ" in o.lower() for o in owners)
    raw = urllib_get(shared, "/v1/billing/invoices/1")
    assert b'"amount":100.10' in raw


def urllib_get(s, path):
    c = http.client.HTTPConnection("127.0.0.1", s.port)
    c.request("GET", path, headers=AUTH)
    return c.getresponse().read()


def test_mutations_change_what_later_reads_see(fresh):
    s = fresh()
    c = http.client.HTTPConnection("127.0.0.1", s.port)
    st, _, doc = call(c, "POST", "/v1/whm/accounts", {"domain": "a.example"})
    assert st == 422 and set(doc["error"]["details"]) >= {"username", "email", "password", "package", "server_id"}
    assert doc["error"]["request_id"] and doc["error"]["timestamp"].endswith("Z")
    st, _, doc = call(c, "POST", "/v1/whm/accounts", {"domain": "a.example", "username": "aaa", "email": "x@a.example",
                                                      "password": "12345678", "package": "basic", "server_id": 1})
    assert st == 201 and "password" not in doc["data"]
    new = doc["data"]["id"]
    assert call(c, "GET", f"/v1/whm/accounts/{new}")[0] == 200
    st, _, doc = call(c, "PUT", f"/v1/whm/accounts/{new}", {"domain": "b.example"})
    assert st == 422
    st, _, doc = call(c, "PATCH", f"/v1/whm/accounts/{new}", {"email": "y@a.example"})
    assert st == 200 and doc["data"]["email"] == "y@a.example"
    assert call(c, "POST", f"/v1/whm/accounts/{new}/suspend", {"reason": "r"})[2]["data"]["status"] == "suspended"
    assert call(c, "POST", f"/v1/whm/accounts/{new}/unsuspend")[2]["data"]["status"] == "active"
    st, h, body = call(c, "DELETE", f"/v1/whm/accounts/{new}")
    assert st == 204 and body is None
    assert call(c, "GET", f"/v1/whm/accounts/{new}")[0] == 404
    assert call(c, "POST", "/v1/billing/subscriptions/1/cancel")[0] in (200, 409)
    assert call(c, "POST", "/v1/billing/subscriptions/1/cancel")[0] == 409


def test_request_id_is_echoed(shared):
    c = http.client.HTTPConnection("127.0.0.1", shared.port)
    st, h, doc = call(c, "GET", "/v1/whm/accounts/999999", headers={"X-Request-ID": "abc-123"})
    assert st == 404 and doc["error"]["request_id"] == "abc-123" and h["X-Request-ID"] == "abc-123"
    assert doc["error"]["code"] == "RESOURCE_NOT_FOUND"


def test_malformed_requests_get_400_and_the_server_lives(fresh):
    s = fresh()
    for junk in (b"GARBAGE\r\n\r\n", b"GET /v1 HTTP/9.9\r\n\r\n", b"GET /v1/x HTTP/1.1\r\nbad header\r\n\r\n",
                 b"POST /v1/whm/accounts HTTP/1.1\r\nContent-Length: -4\r\n\r\n", b"\xff\xfe\r\n\r\n"):
        so = socket.create_connection(("127.0.0.1", s.port))
        so.sendall(junk)
        assert so.recv(100).startswith(b"HTTP/1.1 400"), junk
        so.close()
    so = socket.create_connection(("127.0.0.1", s.port))
    so.sendall(b"POST /v1/whm/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n")
    assert so.recv(100).startswith(b"HTTP/1.1 413")
    so.close()
    so = socket.create_connection(("127.0.0.1", s.port))
    so.sendall(b"GET /v1/whm/accounts HTTP/1.1\r\n" + b"X: " + b"a" * 70000 + b"\r\n\r\n")
    assert so.recv(100).startswith(b"HTTP/1.1 431")
    so.close()
    assert s.api("GET", "/whm/accounts/1")[0] == 200


def test_faults_happen_exactly_when_asked(fresh):
    s = fresh()
    s.fault(match={"method": "GET", "path": "/v1/whm/servers"}, count=2, status=503, retry_after=3)
    c = http.client.HTTPConnection("127.0.0.1", s.port)
    assert call(c, "GET", "/v1/whm/accounts/1")[0] == 200  # does not match
    st, h, doc = call(c, "GET", "/v1/whm/servers")
    assert st == 503 and h["Retry-After"] == "3" and doc["error"]["retry_after"] == 3
    assert call(c, "GET", "/v1/whm/servers")[0] == 503
    assert call(c, "GET", "/v1/whm/servers")[0] == 200
    s.fault(count=1, action="html")
    c.request("GET", "/v1/whm/packages", headers=AUTH)
    r = c.getresponse()
    assert r.status == 502 and r.getheader("Content-Type") == "text/html" and b"<html>" in r.read()
    s.fault(count=1, delay_ms=300)
    t0 = time.monotonic()
    call(c, "GET", "/v1/whm/packages")
    assert time.monotonic() - t0 >= 0.29
    s.fault(count=1, action="drop_before_headers")
    so = socket.create_connection(("127.0.0.1", s.port))
    so.sendall(f"GET /v1/whm/packages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
    assert so.recv(100) == b""
    s.fault(count=1, action="truncate")
    so = socket.create_connection(("127.0.0.1", s.port))
    so.sendall(f"GET /v1/whm/packages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
    data = b""
    while chunk := so.recv(65536):
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    assert 0 < len(body) < length
    s.control("DELETE", "/_sandbox/faults")
    reqs = s.requests()
    assert reqs[0]["method"] == "GET" and reqs[0]["path"] == "/v1/whm/accounts/1"
    # The token is recorded cut to its first 4 characters (docs/CONTRACT.md §12.4).
    assert reqs[0]["headers"]["authorization"] == f"Bearer {TOKEN[:4]}\u2026"


def test_latency_flag(fresh):
    s = fresh("--accounts", "5", "--latency", "200")
    t0 = time.monotonic()
    s.api("GET", "/whm/accounts")
    assert time.monotonic() - t0 >= 0.19


def test_state_survives_a_kill(tmp_path):
    state = tmp_path / "state.json"
    s = Sandbox("--accounts", "20", "--state", str(state), "--rate-limit", "off")
    st, doc = s.api("POST", "/whm/accounts", {"domain": "keep.example", "username": "keep", "email": "k@keep.example",
                                              "password": "12345678", "package": "basic", "server_id": 1})
    assert st == 201
    s.api("DELETE", "/whm/accounts/3")
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait()
    s2 = Sandbox("--accounts", "5", "--seed", "99", "--state", str(state), "--rate-limit", "off")
    try:
        assert s2.api("GET", f"/whm/accounts/{doc['data']['id']}")[1]["data"]["domain"] == "keep.example"
        assert s2.api("GET", "/whm/accounts/3")[0] == 404
        assert len(s2.all("/whm/accounts")) == 20  # the file wins over --accounts and --seed
        assert not list(tmp_path.glob("*.tmp.*"))
    finally:
        s2.stop()


def test_load_64_keepalive_clients_for_10_seconds(fresh):
    s = fresh("--accounts", "1000", "--rate-limit", "off")
    stop = time.monotonic() + 10
    errors, created, counts = [], [], []
    lock = threading.Lock()

    def client(n):
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        done = 0
        i = 0
        try:
            while time.monotonic() < stop:
                i += 1
                if i % 5 == 0:
                    st, _, doc = call(c, "POST", "/v1/whm/accounts", {"domain": f"l{n}x{i}.example", "username": f"l{n}x{i}",
                                      "email": f"a@l{n}x{i}.example", "password": "12345678", "package": "basic", "server_id": 1})
                    if st != 201:
                        raise AssertionError(f"create {st}")
                    with lock:
                        created.append(doc["data"]["id"])
                else:
                    st, _, doc = call(c, "GET", f"/v1/whm/accounts?page={1 + i % 10}&per_page=100")
                    if st != 200 or len(doc["data"]) != 100:
                        raise AssertionError(f"list {st}")
                done += 1
        except Exception as e:  # noqa: BLE001 - every failure is reported
            with lock:
                errors.append(repr(e))
        with lock:
            counts.append(done)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(counts) == 64 and sum(counts) > 64 * 10
    ids = {a["id"] for a in s.all("/whm/accounts")}
    assert set(created) <= ids and len(created) == len(set(created))
    print(f"load: {sum(counts)} requests in 10 s from 64 keep-alive clients, {len(created)} accounts created, all readable")
