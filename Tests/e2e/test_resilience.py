"""Issue 6: the fault matrix. Each row: a scripted fault, the command, and what must
happen: exit status, requests the sandbox saw, the wait observed, what reached stdout."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import SOPORTE, TOKEN

MATRIX = []  # (fault, expected, observed) for the closing note
ACCT = "/v1/whm/accounts"
ONE = "/v1/whm/accounts/1"
SUSPEND = "/v1/whm/accounts/2/suspend"

# id, faults, command, exit, requests seen on the path, min wait s, stdout check
ROWS = [
    ("GET 503 twice, then OK", [dict(match={"path": ONE}, count=2, status=503)], ["accounts", "get", "1", "-o", "json"], 0, 3, 0, "json"),
    ("GET 503 past the retries", [dict(match={"path": ONE}, count=9, status=503)], ["accounts", "get", "1"], 8, 4, 0, "empty"),
    ("GET 503 with --retries 0", [dict(match={"path": ONE}, count=9, status=503)], ["accounts", "get", "1", "--retries", "0"], 8, 1, 0, "empty"),
    ("GET 502, 504 then OK", [dict(match={"path": ONE}, count=1, status=502), dict(match={"path": ONE}, count=1, status=504)],
     ["accounts", "get", "1", "-o", "json"], 0, 3, 0, "json"),
    ("GET 500 (not retried)", [dict(match={"path": ONE}, count=9, status=500)], ["accounts", "get", "1"], 8, 1, 0, "empty"),
    ("GET 429 Retry-After 1", [dict(match={"path": ONE}, count=1, status=429, retry_after=1)], ["accounts", "get", "1", "-o", "json"], 0, 2, 0.9, "json"),
    ("GET 429 past the retries", [dict(match={"path": ONE}, count=9, status=429, retry_after=0)], ["accounts", "get", "1"], 7, 4, 0, "empty"),
    ("POST 503 (not retried)", [dict(match={"path": SUSPEND}, count=9, status=503)], ["accounts", "suspend", "2", "--yes"], 8, 1, 0, "failed"),
    ("POST 429 Retry-After 1", [dict(match={"path": SUSPEND}, count=1, status=429, retry_after=1)], ["accounts", "suspend", "2", "--yes"], 0, 2, 0.9, "suspended 2"),
    ("POST dropped after headers", [dict(match={"path": SUSPEND}, count=1, action="drop_after_headers")], ["accounts", "suspend", "2", "--yes"], 9, 1, 0, "unknown"),
    ("POST dropped before headers", [dict(match={"path": SUSPEND}, count=1, action="drop_before_headers")], ["accounts", "suspend", "2", "--yes"], 9, 1, 0, "unknown"),
    ("GET dropped before headers", [dict(match={"path": ONE}, count=1, action="drop_before_headers")], ["accounts", "get", "1", "-o", "json"], 0, 2, 0, "json"),
    ("GET truncated body", [dict(match={"path": ONE}, count=1, action="truncate")], ["accounts", "get", "1", "-o", "json"], 0, 2, 0, "json"),
    ("GET HTML error page", [dict(match={"path": ONE}, count=9, action="html")], ["accounts", "get", "1"], 8, 4, 0, "empty"),
    ("GET invalid JSON", [dict(match={"path": ONE}, count=1, action="invalid_json")], ["accounts", "get", "1"], 8, 1, 0, "empty"),
    ("GET body not UTF-8", [dict(match={"path": ONE}, count=9, body_hex=b'{"data": {"id": 1, "name": "\xff\xfe"}}'.hex())],
     ["accounts", "get", "1"], 8, 1, 0, "empty"),
    ("list page not UTF-8", [dict(match={"path": ACCT, "query": "page=2"}, count=9,
                                  body_hex=b'{"data": [{"id": 9, "domain": "a\xc3"}], "meta": {}}'.hex())],
     ["accounts", "list", "-o", "ndjson", "--per-page", "10"], 8, None, 0, "partial"),
    ("GET empty 502 body", [dict(match={"path": ONE}, count=9, status=502, body="")], ["accounts", "get", "1", "--retries", "1"], 8, 2, 0, "empty"),
    ("list answer without data", [dict(match={"path": ACCT}, count=1, body='{"items": []}')], ["accounts", "list"], 8, 1, 0, "empty"),
    ("get answer not an object", [dict(match={"path": ONE}, count=1, body='{"data": [1,2]}')], ["accounts", "get", "1"], 8, 1, 0, "empty"),
    ("slow answer past --timeout", [dict(match={"path": ONE}, count=9, delay_ms=3000)], ["accounts", "get", "1", "--timeout", "0.5", "--retries", "0"], 9, 1, 0.4, "empty"),
    ("body dripping past --timeout", [dict(match={"path": ONE}, count=9, action="drip", delay_ms=100)],
     ["accounts", "get", "1", "--timeout", "1", "--retries", "0"], 9, 1, 0.9, "empty"),
    ("300 MB body", [dict(match={"path": ONE}, count=9, action="huge")], ["accounts", "get", "1"], 8, 1, 0, "empty"),
    ("401", [dict(match={"path": ONE}, count=9, status=401)], ["accounts", "get", "1"], 4, 1, 0, "empty"),
    ("422", [dict(match={"path": ONE}, count=9, status=422)], ["accounts", "get", "1"], 6, 1, 0, "empty"),
    ("redirect within the origin", [dict(match={"path": ONE}, count=1, status=302, headers={"Location": "/v1/whm/accounts/3"})],
     ["accounts", "get", "1", "-o", "json"], 0, 1, 0, "id3"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_fault_matrix(row, run, fresh):
    name, faults, args, want_rc, want_reqs, min_wait, check = row
    s = fresh()
    for f in faults:
        s.fault(**f)
    t0 = time.monotonic()
    r = run(args, s)
    waited = time.monotonic() - t0
    path = faults[0]["match"]["path"]
    seen = len([q for q in s.requests() if q["path"] == path])
    wanted = "" if want_reqs is None else f", {want_reqs} req"
    MATRIX.append((name, f"exit {want_rc}{wanted}", f"exit {r.rc}, {seen} req, {waited:.2f} s"))
    assert r.rc == want_rc, r
    assert want_reqs is None or seen == want_reqs, r
    assert waited >= min_wait
    assert "Traceback" not in r.err and "Fatal error" not in r.err
    if want_rc:
        if "ndjson" in args or "json" in args:
            # JSON only on stderr (docs/CONTRACT.md §10.7)
            assert json.loads(r.err.splitlines()[-1])["error"]["exit_status"] == want_rc, r
        else:
            assert r.err.startswith("soporte: "), r
    if check == "json":
        assert json.loads(r.out)["id"] == 1
    elif check == "id3":
        assert json.loads(r.out)["id"] == 3
    elif check == "empty":
        assert r.out == ""
    elif check == "partial":
        # page 1 was printed, page 2 was refused, and the message says where to resume
        assert len(r.out.splitlines()) == 10 and "UTF-8" in r.err and "--from-page 2" in r.err, r
    elif check == "unknown":
        assert "unknown" in r.out and "not repeated" in r.out and "request id" in r.err.lower() or "request id" in r.out
        # the server did act: the outcome really was unknown to the client
        assert s.api("GET", "/whm/accounts/2")[1]["data"]["status"] == "suspended"
    else:
        assert check in r.out, r


def test_redirect_to_another_origin_is_refused_and_gets_no_token(run, fresh):
    s, other = fresh(), fresh()
    s.fault(match={"path": ONE}, count=1, status=302, headers={"Location": other.url + "/whm/accounts/1"})
    r = run(["accounts", "get", "1"], s)
    assert r.rc == 8 and "another origin" in r.err
    assert other.requests() == []
    MATRIX.append(("redirect to another origin", "exit 8, 0 req there", f"exit {r.rc}, {len(other.requests())} req there"))


def test_connection_refused_is_network_error(run):
    r = run(["health", "--api-url", "http://127.0.0.1:9/v1", "--retries", "1"])
    assert r.rc == 9 and "cannot connect" in r.err
    MATRIX.append(("nothing listening", "exit 9", f"exit {r.rc}"))


def test_rate_limit_headers_pace_a_walk_without_429s(run, fresh):
    s = fresh("--accounts", "130", "--rate-limit", "on")
    r = run(["accounts", "list", "--per-page", "1", "-o", "ndjson", "-v"], s, token="sk_test_user_123")
    assert r.rc == 0, r
    assert len(r.out.splitlines()) == 130
    assert " 429 " not in r.err and "rate-limit-remaining=" in r.err
    assert "rate limit nearly spent" in r.err
    assert len(s.requests()) == 130  # nothing had to be retried
    MATRIX.append(("130-page walk on a 100/min+20 budget", "exit 0, no 429", f"exit {r.rc}, {len(s.requests())} req, no 429"))


def test_sandbox_rate_limit_reaches_429_for_the_public_tier(fresh):
    s = fresh("--accounts", "5", "--rate-limit", "on")
    import urllib.request, urllib.error
    codes = []
    for _ in range(75):
        try:
            with urllib.request.urlopen(s.url + "/whm/accounts", timeout=10) as resp:
                codes.append(resp.status)
        except urllib.error.HTTPError as e:
            codes.append(e.code)
            if e.code == 429:
                body = json.loads(e.read())
                assert body["error"]["code"] == "RATE_LIMIT_EXCEEDED" and body["error"]["retry_after"] >= 1
                assert int(e.headers["Retry-After"]) >= 1
                assert e.headers["X-RateLimit-Remaining"] == "0"
    assert codes[:70] == [401] * 70 and 429 in codes[70:]


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signals_stop_promptly(fresh, sig, code):
    s = fresh("--accounts", "500", "--latency", "3000", "--rate-limit", "off")
    env = {"PATH": os.environ["PATH"], "SOPORTE_API_URL": s.url, "SOPORTE_API_TOKEN": TOKEN, "SOPORTE_CONFIG": "/nonexistent"}
    p = subprocess.Popen([SOPORTE, "accounts", "list"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    t0 = time.monotonic()
    p.send_signal(sig)
    rc = p.wait(timeout=5)
    took = time.monotonic() - t0
    assert rc == code and took < 1.0
    MATRIX.append((f"{signal.Signals(sig).name} during a slow request", f"exit {code} at once", f"exit {rc} after {took:.2f} s"))


def test_tls_through_nginx(run, tls):
    r = run(["health", "--api-url", tls.url, "--retries", "0"])
    assert r.rc == 9 and "TLS" in r.err and "certificate" in r.err.lower()
    MATRIX.append(("TLS, CA not trusted", "exit 9", f"exit {r.rc}"))
    r = run(["health", "--api-url", tls.url, "--ca-bundle", tls.ca])
    assert r.rc == 0, r
    r = run(["accounts", "list", "--api-url", tls.url, "-o", "ndjson", "--limit", "150"], env={"SOPORTE_CA_BUNDLE": tls.ca})
    assert r.rc == 0 and len(r.out.splitlines()) == 150
    MATRIX.append(("TLS with --ca-bundle / SOPORTE_CA_BUNDLE", "exit 0", f"exit {r.rc}"))
    r = run(["health", "--api-url", tls.wrong_name_url, "--ca-bundle", tls.ca, "--retries", "0"])
    assert r.rc == 9 and "TLS" in r.err
    MATRIX.append(("TLS, certificate for another name", "exit 9", f"exit {r.rc}"))
    r = run(["health", "--api-url", tls.url.replace("https://", "http://"), "--retries", "0"])
    assert r.rc != 0


def test_proxy_from_the_environment(run, sb, tmp_path):
    log = open(tmp_path / "proxy.log", "w+")
    proxy = subprocess.Popen(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "recording_proxy.py")],
                             stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        port = proxy.stdout.readline().strip()
        r = run(["accounts", "get", "1", "-o", "json"], sb, env={"http_proxy": f"http://127.0.0.1:{port}"})
        assert r.rc == 0 and json.loads(r.out)["id"] == 1, r
        r = run(["accounts", "get", "2", "-o", "json"], sb, env={"http_proxy": f"http://127.0.0.1:{port}", "no_proxy": "127.0.0.1"})
        assert r.rc == 0
        log.seek(0)
        lines = log.read().splitlines()
        assert lines == [f"PROXY {sb.url}/whm/accounts/1"]
    finally:
        proxy.kill()
        proxy.wait()
    MATRIX.append(("http_proxy / no_proxy from the environment", "through the proxy / bypassed", "through the proxy / bypassed"))


def test_write_matrix():
    """Leaves the observed matrix next to the build for the closing note."""
    os.makedirs(".build", exist_ok=True)
    with open(".build/fault-matrix.md", "w") as f:
        f.write("| fault | expected | observed |\n|---|---|---|\n")
        for row in MATRIX:
            f.write("| " + " | ".join(row) + " |\n")
