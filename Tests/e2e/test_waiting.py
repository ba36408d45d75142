"""Waiting for an effect (docs/CONTRACT.md §13.5, §7's exit 11): soporte-sandbox --async-ms answers
changes 202 and makes them later; soporte reports a 202 as accepted, and --wait /
--wait-for check the item until the change shows, or exit 11 when --wait-timeout runs out."""
import http.client
import json
import re
import time

from conftest import PLAIN_TOKEN, PASSWORDS

ASYNC = ("--async-ms", "1500", "--accounts", "30")


def took(line):
    """The seconds of `(took 3 s)` in a result line or note."""
    m = re.search(r"took (<?\d+) s", line)
    assert m, line
    return 0 if m.group(1).startswith("<") else int(m.group(1))


def raw(s, method, path, body=None):
    """(status, headers, JSON body) of one request to the sandbox, headers and all."""
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    c.request(method, "/v1" + path, body=json.dumps(body) if body is not None else None,
              headers={"Authorization": f"Bearer {PLAIN_TOKEN}", "Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict(r.getheaders()), json.loads(data) if data else None


def status_of(s, id):
    st, doc = s.api("GET", f"/whm/accounts/{id}")
    return doc["data"]["status"] if st == 200 else st


# MARK: - the sandbox

def test_sandbox_async_answers_202_with_location_and_job_then_makes_the_change(fresh):
    s = fresh(*ASYNC)
    st, headers, doc = raw(s, "POST", "/whm/accounts/2/suspend", {"reason": "abuse"})
    assert st == 202
    assert headers["Location"] == f"{s.url}/whm/accounts/2"
    assert doc["meta"]["job_id"] == "job_1" and doc["data"]["status"] == "active"
    assert status_of(s, 2) == "active"
    time.sleep(1.6)
    assert status_of(s, 2) == "suspended"
    # a created account is pending until then, in get and list alike
    st, headers, doc = raw(s, "POST", "/whm/accounts", {"domain": "new.example", "username": "newone", "email": "a@new.example",
                                                         "password": "long-enough", "package": "basic", "server_id": 1})
    new = doc["data"]["id"]
    assert st == 202 and doc["data"]["status"] == "pending" and headers["Location"].endswith(f"/whm/accounts/{new}")
    assert [a["id"] for a in s.all("/whm/accounts", **{"filter[status]": "pending"})] == [new]
    time.sleep(1.6)
    assert status_of(s, new) == "active"
    # what would fail is answered at once
    assert raw(s, "PATCH", "/whm/accounts/3", {"email": "not-an-address"})[0] == 422
    assert raw(s, "DELETE", "/whm/accounts/9999")[0] == 404


def test_sandbox_without_async_is_unchanged(sb):
    st, headers, doc = raw(sb, "POST", "/whm/accounts/2/unsuspend")
    assert st == 200 and "Location" not in headers and "meta" not in doc


# MARK: - 202 reported as accepted

def test_a_202_is_reported_accepted_not_done(run, fresh):
    s = fresh(*ASYNC)
    r = run(["accounts", "suspend", "4", "--yes"], s)
    assert r.rc == 0, r
    assert r.out == f"accepted 4 (not done yet; job job_1, location {s.url}/whm/accounts/4)\n", r
    r = run(["accounts", "unsuspend", "5", "6", "-o", "json"], s)
    assert r.rc == 0, r
    out = r.json()
    assert [o["outcome"] for o in out] == ["accepted", "accepted"]
    # the two requests run side by side: either may get the first job
    assert sorted(o["job_id"] for o in out) == ["job_2", "job_3"] and out[0]["location"] == f"{s.url}/whm/accounts/5"
    assert out[0]["http_status"] == 202
    r = run(["accounts", "update", "7", "--set", "notes=later"], s)
    assert r.rc == 0 and r.out.startswith("accepted update of account 7 (not done yet; job job_4, location "), r
    r = run(["accounts", "create", "--domain", "acc.example", "--username", "accx", "--email", "a@acc.example", "--package", "basic",
             "--server-id", "1", "--password-stdin", "-o", "json"], s, input=PASSWORDS[0] + "\n")
    assert r.rc == 0, r
    doc = r.json()
    assert doc["outcome"] == "accepted" and doc["action"] == "create" and doc["job_id"] == "job_5"
    assert doc["data"]["status"] == "pending" and doc["id"] == doc["data"]["id"]


# MARK: - --wait

def test_suspend_wait_returns_once_the_status_shows(run, fresh):
    s = fresh(*ASYNC)
    t = time.monotonic()
    r = run(["accounts", "suspend", "3", "--yes", "--wait"], s)
    elapsed = time.monotonic() - t
    assert r.rc == 0, r
    assert re.fullmatch(r"suspended 3 \(took \d+ s\)\n", r.out), r
    assert took(r.out) >= 1 and elapsed >= 1.5, (r, elapsed)
    assert status_of(s, 3) == "suspended"
    # every wait over a second is said, unless -q
    assert "soporte: waiting for account 3 to be suspended: checking again in 2 s" in r.err, r
    r = run(["accounts", "unsuspend", "3", "--wait", "-q"], s)
    assert r.rc == 0 and r.err == "", r
    assert status_of(s, 3) == "active"


def test_bulk_wait_waits_for_each_id_concurrently(run, fresh):
    s = fresh(*ASYNC)
    ids = [a["id"] for a in s.all("/whm/accounts", **{"filter[status]": "active"})][5:9]
    t = time.monotonic()
    r = run(["accounts", "suspend", *map(str, ids), "--yes", "--wait"], s)
    elapsed = time.monotonic() - t
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert [l.split(" (")[0] for l in lines] == [f"suspended {i}" for i in ids], r
    assert all(took(l) >= 1 for l in lines), r
    # four waits of about 3 s each, side by side: far less than one after another
    assert elapsed < 8, elapsed
    assert [status_of(s, i) for i in ids] == ["suspended"] * 4


def test_create_wait_prints_the_account_once_it_is_not_pending(run, fresh):
    s = fresh(*ASYNC)
    r = run(["accounts", "create", "--domain", "waited.example", "--username", "waited", "--email", "a@waited.example",
             "--package", "basic", "--server-id", "1", "--password-stdin", "--wait", "-o", "json"], s, input=PASSWORDS[0] + "\n")
    assert r.rc == 0, r
    doc = r.json()
    assert doc["domain"] == "waited.example" and doc["status"] == "active", r
    note = [json.loads(l)["warning"]["message"] for l in r.err.splitlines() if "took" in l]
    assert note and note[0].startswith(f"created account {doc['id']} (took") and took(note[0]) >= 1, r


def test_delete_wait_returns_once_the_account_is_gone(run, fresh):
    s = fresh(*ASYNC)
    r = run(["accounts", "delete", "8", "--yes", "--wait"], s)
    assert r.rc == 0, r
    assert r.out.startswith("deleted 8 (took ") and took(r.out) >= 1, r
    assert s.api("GET", "/whm/accounts/8")[0] == 404


def test_update_wait_returns_once_the_fields_show(run, fresh):
    s = fresh(*ASYNC)
    r = run(["accounts", "update", "9", "--set", "notes=waited for", "--set", "disk_quota_mb=12345", "--wait",
             "--fields", "id,notes,disk_quota_mb", "-o", "json"], s)
    assert r.rc == 0, r
    assert r.json() == {"id": 9, "notes": "waited for", "disk_quota_mb": 12345}


def test_cancel_wait(run, fresh):
    s = fresh(*ASYNC)
    sub = next(x for x in s.all("/billing/subscriptions") if x["status"] == "active")
    r = run(["subscriptions", "cancel", str(sub["id"]), "--yes", "--wait"], s)
    assert r.rc == 0 and r.out.startswith(f"cancelled {sub['id']} (took "), r


def test_wait_timeout_is_exit_11_with_the_last_state_seen(run, fresh):
    s = fresh("--async-ms", "60000", "--accounts", "10")
    t = time.monotonic()
    r = run(["accounts", "suspend", "4", "--yes", "--wait", "--wait-timeout", "2"], s)
    elapsed = time.monotonic() - t
    assert r.rc == 11, r
    assert r.out == "timed out 4: account 4 is still active after 2s\n", r
    assert "account 4 is still active after 2s" in r.err
    assert 2 <= elapsed < 6, elapsed
    # JSON: the error says exit 11 too
    r = run(["accounts", "suspend", "5", "--yes", "--wait", "--wait-timeout", "1s", "-o", "json"], s)
    assert r.rc == 11, r
    out = r.json()[0]
    assert out["outcome"] == "timed_out" and out["error"]["exit_status"] == 11 and out["error"]["code"] == "WAIT_TIMEOUT"
    # a single create too
    r = run(["accounts", "create", "--domain", "slow.example", "--username", "slow", "--email", "a@slow.example",
             "--package", "basic", "--server-id", "1", "--password-stdin", "--wait", "--wait-timeout", "1"], s,
            input=PASSWORDS[0] + "\n")
    assert r.rc == 11 and re.search(r"soporte: account \d+ is still pending after 1s", r.err), r


def test_bad_wait_timeouts_are_usage_errors(run, fresh):
    s = fresh(*ASYNC)
    for args in (["--wait", "--wait-timeout", "0"], ["--wait", "--wait-timeout", "25h"], ["--wait", "--wait-timeout", "0.5"],
                 ["--wait", "--wait-timeout", "5 m"], ["--wait-timeout", "5m"]):
        r = run(["accounts", "suspend", "2", "--yes", *args], s)
        assert r.rc == 2, (args, r)
        assert ("--wait-timeout must be a duration from 1 s to 24 h (30, 30s, 5m, 1h, 1h30m)" in r.err
                or "--wait-timeout needs --wait" in r.err), (args, r)
    assert s.requests() == []


# MARK: - --wait-for

def test_get_wait_for_holds_then_prints_as_get_does(run, fresh):
    s = fresh(*ASYNC)
    assert run(["accounts", "suspend", "14", "--yes"], s).out.startswith("accepted 14")
    t = time.monotonic()
    r = run(["accounts", "get", "14", "--wait-for", "status=suspended", "--wait-for", "server_id!=0",
             "--fields", "id,status"], s)
    assert r.rc == 0, r
    assert r.out.split() == ["ID", "14", "STATUS", "suspended"], r
    assert time.monotonic() - t >= 1
    # dotted fields, on another resource
    r = run(["accounts", "get", "14", "--include", "server", "--wait-for", "server.id!=0", "-o", "json"], s)
    assert r.rc == 0 and r.json()["status"] == "suspended", r


def test_get_wait_for_times_out_with_exit_11(run, fresh):
    s = fresh(*ASYNC)
    r = run(["servers", "get", "1", "--wait-for", "status=nonexistent-state", "--wait-timeout", "2"], s)
    assert r.rc == 11, r
    assert r.out == ""
    assert "soporte: server 1 does not match yet: status is " in r.err and "(wanted status=nonexistent-state) after 2s" in r.err, r
