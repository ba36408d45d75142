"""docs/CONTRACT.md §12.4, the simulator's control plane, against the real binary: only loopback Host
names are answered, links come from the listening address, the request record cuts
tokens and bodies and is bounded in bytes, the fault queue is bounded, long searches are
refused before any work."""
import http.client
import json
import socket
import time

from conftest import PLAIN_TOKEN as TOKEN, Sandbox, cpu_seconds, proc_status, read_until_closed


def raw(port, head_lines, body=b""):
    """One request written by hand (so the Host header is exactly what the test says,
    or absent); (status, headers, body bytes)."""
    so = socket.create_connection(("127.0.0.1", port), timeout=10)
    so.sendall(("\r\n".join(head_lines) + "\r\nConnection: close\r\n\r\n").encode() + body)
    data, _ = read_until_closed(so)
    so.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    return int(lines[0].split()[1]), dict(l.split(": ", 1) for l in lines[1:]), rest


GOOD = ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LOCALHOST:{port}", "[::1]", "[::1]:{port}"]
BAD = ["127.0.0.1.evil.com", "localhost.", "127..0.0.1", "evil.com", "attacker.example:{port}", "127.0.0.2",
       "[::1].evil.com", "localhost:", "localhost:99999", "0177.0.0.1", "2130706433"]


def test_only_loopback_hosts_are_answered(shared):
    for host in GOOD:
        h = host.format(port=shared.port)
        st, _, _ = raw(shared.port, ["GET /v1/whm/servers HTTP/1.1", f"Host: {h}", f"Authorization: Bearer {TOKEN}"])
        assert st == 200, h
        assert raw(shared.port, ["GET /_sandbox/stats HTTP/1.1", f"Host: {h}"])[0] == 200, h
    for host in BAD:
        h = host.format(port=shared.port)
        for path in ("/v1/whm/servers", "/_sandbox/requests", "/_sandbox/stats", "/"):
            st, headers, body = raw(shared.port, [f"GET {path} HTTP/1.1", f"Host: {h}", f"Authorization: Bearer {TOKEN}"])
            assert st == 421, (h, path)
            err = json.loads(body)["error"]
            assert err["code"] == "MISDIRECTED_REQUEST" and err["request_id"] and headers["X-Request-ID"] == err["request_id"]
    # A POST to the control plane from elsewhere changes nothing.
    shared.reset()
    st, _, _ = raw(shared.port, ["POST /_sandbox/faults HTTP/1.1", "Host: evil.com", "Content-Length: 15"], b'{"status": 503}')
    assert st == 421
    assert shared.api("GET", "/whm/servers")[0] == 200


def test_a_request_without_host_is_misdirected_on_http_1_1_only(shared):
    assert raw(shared.port, ["GET /v1/whm/servers HTTP/1.1", f"Authorization: Bearer {TOKEN}"])[0] == 421
    assert raw(shared.port, ["GET /v1/whm/servers HTTP/1.0", f"Authorization: Bearer {TOKEN}"])[0] == 200
    assert raw(shared.port, ["GET /v1/whm/servers HTTP/1.1", "Host: localhost", "Host: evil.com",
                             f"Authorization: Bearer {TOKEN}"])[0] == 421


def test_links_come_from_the_listening_address(shared):
    st, _, body = raw(shared.port, ["GET /v1/whm/accounts?page=2 HTTP/1.1", "Host: localhost:1", "X-Forwarded-Proto: https",
                                    f"Authorization: Bearer {TOKEN}"])
    links = json.loads(body)["links"]
    base = f"http://127.0.0.1:{shared.port}/v1/whm/accounts"
    assert links == {"first": base + "?page=1", "last": links["last"], "prev": base + "?page=1", "next": base + "?page=3"}
    assert links["last"].startswith(base + "?page=")


def test_the_record_cuts_tokens_and_bodies(shared):
    shared.reset()
    c = http.client.HTTPConnection("127.0.0.1", shared.port, timeout=30)
    c.request("POST", "/v1/whm/accounts", body=b"\xc3\xa9" * 40_000,
              headers={"Authorization": "Bearer sk_test_abc123xyz", "Content-Type": "application/json"})
    c.getresponse().read()
    c.request("GET", "/v1/whm/servers", headers={"Authorization": "Bearer sk_test_abc123xyz"})
    c.getresponse().read()
    first, second = shared.requests()
    assert first["headers"]["authorization"] == "Bearer sk_t\u2026"
    assert first["body_truncated"] is True and first["body_bytes"] == 80_000
    assert first["body"] == "\u00e9" * 32_768  # 64 KiB, no character cut in two
    assert second["body"] == "" and "body_truncated" not in second


def test_the_record_is_bounded_in_bytes_and_delete_gives_memory_back(fresh):
    s = fresh("--accounts", "5", "--rate-limit", "off")
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    body = b"x" * 1_000_000
    for _ in range(400):
        c.request("POST", "/v1/whm/accounts", body=body, headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        c.getresponse().read()
    c.request("GET", "/_sandbox/requests")
    answer = c.getresponse().read()
    kept = json.loads(answer)["data"]
    # 16 MiB of record, 64 KiB of each body: about 250 entries of the 400, the newest.
    assert 200 <= len(kept) <= 256 and len(answer) < 17 << 20
    assert all(e["body_bytes"] == 1_000_000 and len(e["body"]) == 65_536 for e in kept)
    full = proc_status(s.proc.pid, "VmRSS")
    c.request("DELETE", "/_sandbox/requests")
    c.getresponse().read()
    emptied = proc_status(s.proc.pid, "VmRSS")
    assert emptied < full - 8_000, (full, emptied)
    assert s.requests() == []


def test_the_fault_queue_holds_at_most_10000(fresh):
    s = fresh("--accounts", "5", "--rate-limit", "off")
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)

    def post(n):
        c.request("POST", "/_sandbox/faults", body=json.dumps([{"match": {"path": "/v1/nowhere"}, "status": 503}] * n))
        r = c.getresponse()
        return r.status, json.loads(r.read())
    statuses = [post(900)[0] for _ in range(12)]
    assert statuses == [200] * 11 + [400]
    st, err = post(101)  # 9,900 + 101: refused whole
    assert st == 400 and err["error"]["code"] == "BAD_REQUEST" and "10000" in err["error"]["message"]
    assert post(100)[0] == 200
    assert post(1)[0] == 400
    # None of them matches; answers are served as usual, and DELETE makes room again.
    assert s.api("GET", "/whm/servers")[0] == 200
    s.control("DELETE", "/_sandbox/faults")
    assert post(900)[0] == 200


def test_a_long_search_is_422_before_any_work(fresh):
    s = fresh("--accounts", "3000", "--rate-limit", "off")
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    before = cpu_seconds(s.proc.pid)
    t0 = time.monotonic()
    c.request("GET", "/v1/whm/accounts?search=" + "a" * 60_000, headers={"Authorization": f"Bearer {TOKEN}"})
    r = c.getresponse()
    body = r.read()
    assert r.status == 422
    assert json.loads(body)["error"]["details"] == {"search": ["The search may not be greater than 256 characters."]}
    assert time.monotonic() - t0 < 1 and cpu_seconds(s.proc.pid) - before < 0.5
    c.request("GET", "/v1/whm/accounts?search=" + "a" * 256, headers={"Authorization": f"Bearer {TOKEN}"})
    r = c.getresponse()
    r.read()
    assert r.status == 200
