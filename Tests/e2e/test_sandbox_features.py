"""The simulator features the client's tests lean on: admin tokens that are hard to
quote, a fixed-window rate limiter, request counters, short pages, health checks."""
import json
import math
import socket
import subprocess
import time

from conftest import SANDBOX, PLAIN_TOKEN as TOKEN, Sandbox, read_until_closed, wait_for

HOSTILE = "sk_\"q'u\\ö"


def raw_get(port, path, token):
    """A GET with the token's UTF-8 bytes as they are in the header (http.client would
    encode it as Latin-1); (status, headers, JSON body)."""
    so = socket.create_connection(("127.0.0.1", port), timeout=10)
    so.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".encode()
               + b"Authorization: Bearer " + token.encode() + b"\r\n\r\n")
    raw, _ = read_until_closed(so)
    so.close()
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    headers = dict(l.split(": ", 1) for l in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def test_an_admin_token_with_quotes_backslashes_and_utf8(fresh):
    s = fresh("--accounts", "10", "--admin-token", HOSTILE, "--admin-token", "sk_second_admin")
    st, headers, doc = raw_get(s.port, "/v1/admin/system/health", HOSTILE)
    assert st == 200 and doc["data"]["status"] == "healthy"
    assert raw_get(s.port, "/v1/whm/accounts/1", "sk_second_admin")[0] == 200
    assert raw_get(s.port, "/v1/admin/system/health", "sk_test_user_123")[0] == 403
    assert raw_get(s.port, "/v1/whm/accounts/1", HOSTILE[:-1])[2]["error"]["code"] == "INVALID_TOKEN"
    recorded = [r["headers"]["authorization"] for r in s.requests()]
    # Recorded cut to its first 4 characters (docs/CONTRACT.md §12.4); the 200 above shows it arrived whole.
    assert recorded[0] == f"Bearer {HOSTILE[:4]}\u2026"


def test_admin_tokens_get_the_admin_tier_limits(fresh):
    s = fresh("--accounts", "10", "--admin-token", HOSTILE)  # limits on
    st, headers, _ = raw_get(s.port, "/v1/whm/accounts/1", HOSTILE)
    assert st == 200 and headers["X-RateLimit-Limit"] == "200"


def test_bad_options_are_refused():
    for args in (["--admin-token", ""], ["--admin-token", " padded"], ["--admin-token", "a\tb\x01"],
                 ["--rate-window", "0/5"], ["--rate-window", "5"], ["--rate-window", "5/0"],
                 ["--rate-window", "99999999999999999999/1"], ["--rate-window", "3/2", "--rate-limit", "off"],
                 ["--idle-timeout", "0"], ["--head-timeout", "nan"], ["--max-connections", "0"],
                 ["--latency", "-1"]):
        p = subprocess.run([SANDBOX, "--port", "0", *args], capture_output=True, text=True, timeout=10)
        assert p.returncode == 2 and p.stderr.startswith("soporte-sandbox: ") and args[0] in p.stderr, (args, p.stderr)
    help_text = subprocess.run([SANDBOX, "--help"], capture_output=True, text=True).stdout
    for word in ("--admin-token", "--rate-window", "--max-connections", "--idle-timeout", "--head-timeout",
                 "/_sandbox/stats", '"short"', '"checks"'):
        assert word in help_text, word


def test_a_fixed_window_counts_then_refuses_until_it_ends():
    s = Sandbox("--accounts", "10", "--rate-window", "3/2")
    try:
        # Windows are aligned on the clock: start early in one, so that all of this fits.
        wait_for("the start of a window", lambda: time.time() % 2 < 0.3, timeout=5)
        resets = []
        for remaining in (2, 1, 0):
            st, h, _ = raw_get(s.port, "/v1/whm/accounts/1", TOKEN)
            assert st == 200 and h["X-RateLimit-Limit"] == "3" and h["X-RateLimit-Remaining"] == str(remaining)
            resets.append(int(h["X-RateLimit-Reset"]))
        opened = time.time()
        assert len(set(resets)) == 1 and opened - 0.5 < resets[0] <= math.ceil(opened + 2)
        st, h, doc = raw_get(s.port, "/v1/whm/accounts/1", TOKEN)
        assert st == 429 and doc["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert h["X-RateLimit-Remaining"] == "0" and int(h["X-RateLimit-Reset"]) == resets[0]
        assert 1 <= int(h["Retry-After"]) <= 2 and doc["error"]["retry_after"] == int(h["Retry-After"])
        # Another token has a window of its own.
        assert raw_get(s.port, "/v1/whm/accounts/1", "sk_test_user_123")[0] == 200
        # At the announced second the window is over.
        wait_for("the window's end", lambda: time.time() >= resets[0], timeout=5)
        st, h, _ = raw_get(s.port, "/v1/whm/accounts/1", TOKEN)
        assert st == 200 and h["X-RateLimit-Remaining"] == "2" and int(h["X-RateLimit-Reset"]) > resets[0]
        assert s.control("GET", "/_sandbox/stats") == {"requests": 6, "rate_limited": 1}
        s.control("DELETE", "/_sandbox/stats")
        assert s.control("GET", "/_sandbox/stats") == {"requests": 0, "rate_limited": 0}
    finally:
        s.stop()


def test_stats_count_the_tiers_429s_too(fresh):
    s = fresh("--accounts", "10")  # the token buckets, on by default
    for _ in range(75):  # the public tier holds 60 + 10
        raw_get(s.port, "/v1/whm/accounts/1", "")
    stats = s.control("GET", "/_sandbox/stats")
    assert stats["requests"] == 75 and stats["rate_limited"] >= 5
    s.control("POST", "/_sandbox/reset-limits")
    assert raw_get(s.port, "/v1/whm/accounts/1", "")[0] == 401


def test_a_short_page_keeps_meta_and_links(fresh):
    s = fresh("--accounts", "40")
    _, whole = s.api("GET", "/whm/accounts?page=2&per_page=10")
    s.fault(match={"method": "GET", "path": "/v1/whm/accounts", "query": "page=2&"}, count=2, short=4)
    for _ in range(2):
        st, short = s.api("GET", "/whm/accounts?page=2&per_page=10")
        assert st == 200 and short["data"] == whole["data"][:4]
        assert short["meta"] == whole["meta"] and short["links"] == whole["links"]
    assert s.api("GET", "/whm/accounts?page=2&per_page=10")[1] == whole
    s.fault(count=1, short=0)
    st, empty = s.api("GET", "/whm/accounts?page=3&per_page=10")
    assert empty["data"] == [] and empty["meta"]["total"] == 40


def test_health_checks_can_be_set(sb):
    sb.control("PUT", "/_sandbox/health", {"status": "degraded", "checks": {"database": "failing", "search": "slow"}})
    st, doc = sb.api("GET", "/admin/system/health")
    assert doc["data"]["status"] == "degraded" and doc["data"]["accounts"] == 250
    assert doc["data"]["checks"] == {"database": "failing", "cache": "ok", "queue": "ok", "search": "slow"}
    sb.control("PUT", "/_sandbox/health", {"checks": {"queue": "stalled"}})
    doc = sb.api("GET", "/admin/system/health")[1]["data"]
    assert doc["status"] == "degraded" and doc["checks"]["queue"] == "stalled" and "search" not in doc["checks"]
    sb.control("PUT", "/_sandbox/health", {"status": "healthy"})
    assert sb.api("GET", "/admin/system/health")[1]["data"]["checks"] == {"database": "ok", "cache": "ok", "queue": "ok"}
