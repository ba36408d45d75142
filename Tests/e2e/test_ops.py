"""Issue 16: operations (docs/CONTRACT.md §11): monitoring formats read by promtool and the Python
Prometheus parser, names where IDs go, resumable bulk journals under SIGKILL, history."""
import json
import os
import random
import re
import signal
import stat
import subprocess
import time
import urllib.parse

import pytest

from conftest import SOPORTE, TOKEN, USER_TOKEN, env_for

NAGIOS = re.compile(r"^SOPORTE (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+ \| time=\d+\.\d{3}s;;;0( accounts=\d+;;;0)?\n$")




# --- Monitoring (docs/CONTRACT.md §11.1) --------------------------------------------------------------

STATES = [
    # name, setup, extra args/env, nagios status, soporte status (§7), nagios word
    ("healthy", lambda s: None, {}, 0, 0, "OK"),
    ("degraded", lambda s: s.control("PUT", "/_sandbox/health", {"status": "degraded"}), {}, 1, 10, "WARNING"),
    ("unhealthy", lambda s: s.control("PUT", "/_sandbox/health", {"status": "unhealthy"}), {}, 2, 10, "CRITICAL"),
    ("5xx", lambda s: s.fault(match={"path": "/v1/admin/system/health"}, count=9, status=500), {}, 2, 8, "CRITICAL"),
    ("auth", lambda s: None, {"token": USER_TOKEN}, 2, 4, "CRITICAL"),
    ("unreachable", lambda s: None, {"url": "http://127.0.0.1:9/v1"}, 2, 9, "CRITICAL"),
    ("config", lambda s: None, {"url": "http://example.com/v1"}, 3, 3, "UNKNOWN"),
]


def health(s, fmt, extra, args=()):
    e = env_for(s, SOPORTE_API_TOKEN=extra.get("token", TOKEN))
    if "url" in extra:
        e["SOPORTE_API_URL"] = extra["url"]
    return subprocess.run([SOPORTE, "health", "-o", fmt, "--retries", "0", *args], env=e, capture_output=True, text=True)


@pytest.mark.parametrize("state", STATES, ids=[s[0] for s in STATES])
def test_nagios_line_and_plugin_status(fresh, state):
    name, setup, extra, want, _, word = state
    s = fresh()
    setup(s)
    p = health(s, "nagios", extra)
    assert p.returncode == want, (p.stdout, p.stderr)
    assert NAGIOS.match(p.stdout), repr(p.stdout)
    assert p.stdout.startswith(f"SOPORTE {word} - ")
    if name == "healthy":
        assert "healthy, version 1.0.0-sandbox" in p.stdout and re.search(r" accounts=\d+;;;0\n$", p.stdout)


def test_nagios_usage_problem_is_unknown(fresh):
    s = fresh()
    p = health(s, "nagios", {}, args=["--timeout", "abc"])
    assert p.returncode == 3 and NAGIOS.match(p.stdout), (p.stdout, p.stderr)


@pytest.mark.parametrize("state", STATES, ids=[s[0] for s in STATES])
def test_prometheus_metrics_pass_promtool_and_parse(fresh, tmp_path, state):
    from prometheus_client.parser import text_string_to_metric_families
    name, setup, extra, _, want, _ = state
    s = fresh()
    setup(s)
    p = health(s, "prometheus", extra)
    assert p.returncode == want, (p.stdout, p.stderr)
    check = subprocess.run(["promtool", "check", "metrics"], input=p.stdout, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    families = {f.name: f for f in text_string_to_metric_families(p.stdout)}
    up = families["soporte_health_up"].samples[0].value
    assert up == (0 if name in ("5xx", "auth", "unreachable", "config") else 1)
    for m in ("soporte_health_status", "soporte_health_request_duration_seconds", "soporte_health_last_run_timestamp_seconds"):
        assert m in families, m
    if up:
        status = {smp.labels["status"]: smp.value for smp in families["soporte_health_status"].samples}
        assert status[name] == 1 and sum(status.values()) == 1
        checks = {smp.labels["check"]: smp.value for smp in families["soporte_health_check"].samples}
        assert checks["database"] == (1 if name == "healthy" else 0) and checks["cache"] == 1


def test_prometheus_label_values_are_escaped(fresh):
    s = fresh()
    s.control("PUT", "/_sandbox/health", {"status": 'we"ird\\state\nx'})
    p = health(s, "prometheus", {})
    assert p.returncode == 10 and "soporte_health_up 1" in p.stdout, p  # empty output would pass promtool
    check = subprocess.run(["promtool", "check", "metrics"], input=p.stdout, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    from prometheus_client.parser import text_string_to_metric_families
    labels = [smp.labels for fam in text_string_to_metric_families(p.stdout) for smp in fam.samples]
    assert any('we"ird\\state\nx' in v for l in labels for v in l.values()), labels


def test_monitoring_formats_are_for_health_only(run, sb):
    for fmt in ("nagios", "prometheus"):
        r = run(["accounts", "list", "-o", fmt], sb)
        assert r.rc == 2 and "health" in r.err


# --- Names where IDs go (docs/CONTRACT.md §11.2) ----------------------------------------------------

def test_names_are_resolved_with_one_filtered_request(run, fresh):
    s = fresh()
    a = s.api("GET", "/whm/accounts/3")[1]["data"]
    srv = s.api("GET", "/whm/servers/2")[1]["data"]
    r = run(["accounts", "get", a["domain"], "-o", "json"], s)
    assert r.rc == 0 and json.loads(r.out)["id"] == 3, r
    lookups = [q for q in s.requests() if q["path"] == "/v1/whm/accounts"]
    assert len(lookups) == 1 and f"filter%5Bdomain%5D={urllib.parse.quote(a['domain'])}" in lookups[0]["query"].replace("[", "%5B").replace("]", "%5D")
    s.reset()
    assert json.loads(run(["accounts", "get", a["username"], "-o", "json"], s).out)["id"] == 3
    assert json.loads(run(["servers", "get", srv["hostname"], "-o", "json"], s).out)["id"] == 2
    assert json.loads(run(["servers", "get", srv["name"], "-o", "json"], s).out)["id"] == 2
    assert json.loads(run(["packages", "get", "basic", "-o", "json"], s).out)["name"] == "basic"
    r = run(["accounts", "suspend", a["username"], "--yes"], s)
    assert r.rc == 0 and s.api("GET", "/whm/accounts/3")[1]["data"]["status"] == "suspended"


def test_no_match_is_5_and_digits_are_always_an_id(run, fresh):
    s = fresh()
    r = run(["accounts", "get", "nobody.example"], s)
    assert r.rc == 5 and "no account named nobody.example" in r.err
    s.reset()
    r = run(["accounts", "get", "7"], s)
    assert r.rc == 0 and [q["path"] for q in s.requests()] == ["/v1/whm/accounts/7"]


def test_names_on_stdin_and_the_dry_run_shows_the_lookup(run, fresh):
    s = fresh()
    names = [s.api("GET", f"/whm/accounts/{i}")[1]["data"]["domain"] for i in (4, 5)]
    r = run(["accounts", "suspend", "-", "--yes"], s, input="\n".join(names) + "\n")
    assert r.rc == 0 and r.out == f"suspended {names[0]}\nsuspended {names[1]}\n", r
    s.reset()
    r = run(["accounts", "delete", names[0], "--dry-run"], s)
    assert r.rc == 0 and s.requests() == []
    assert "filter%5Bdomain%5D" in r.out or "filter[domain]" in r.out
    assert "DELETE" in r.out


# --- Resumable bulk (docs/CONTRACT.md §11.3) -------------------------------------------------------

def test_a_journal_survives_sigkill_at_random_points(fresh, tmp_path):
    """500 IDs; at least 20 runs killed at random moments, then reruns with the same journal
    until one finishes. Every ID ends suspended; the sandbox saw each POSTed once, except
    IDs whose request was in flight at a kill: the journal holds their `sending` line with
    no outcome after it, and the next run checked them (GET) before acting again. Such an
    ID is POSTed twice only when the killed request was still inside the sandbox (its
    latency) when the check came: the test accounts for each of them explicitly."""
    s = fresh("--accounts", "500", "--rate-limit", "off", "--latency", "50")
    # Accounts suspended from the start: one whose request a kill stopped before it left
    # is found suspended by the next run's check, and rightly never POSTed.
    already = {a["id"] for a in s.all("/whm/accounts", **{"filter[status]": "suspended"})}
    journal = tmp_path / "journal"
    ids = "\n".join(str(i) for i in range(1, 501)) + "\n"
    rng = random.Random(1234)
    env = env_for(s)

    def start():
        p = subprocess.Popen([SOPORTE, "accounts", "suspend", "-", "--yes", "--journal", str(journal)], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        p.stdin.write(ids.encode())
        p.stdin.close()
        return p

    kills = runs = 0
    while kills < 20 and runs < 40:
        p = start()
        runs += 1
        time.sleep(rng.uniform(0.02, 0.3))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait(timeout=60)
    for _ in range(5):
        p = start()
        p.wait(timeout=120)
        if p.returncode == 0:
            break
    assert p.returncode == 0 and kills >= 20, (p.returncode, kills)
    posts = {}
    for q in s.requests():
        if q["method"] == "POST":
            i = int(q["path"].split("/")[4])
            posts[i] = posts.get(i, 0) + 1
    assert all(s.api("GET", f"/whm/accounts/{i}")[1]["data"]["status"] == "suspended" for i in (1, 250, 500))
    lines = [json.loads(l) for l in journal.read_text().splitlines() if l.startswith("{") and l.endswith("}")]
    assert {l["id"] for l in lines if l["outcome"] == "done"} == set(range(1, 501))
    # Every ID was POSTed, except ones suspended from the start whose send a kill cut
    # short: the journal says done without an HTTP status (found so by the check).
    checked = {l["id"] for l in lines if l["outcome"] == "done" and l.get("http_status") is None}
    unposted = set(range(1, 501)) - set(posts)
    assert unposted <= already & checked, f"never POSTed: {sorted(unposted - (already & checked))}"
    interrupted = set()
    last = {}
    for l in lines:
        if l["outcome"] == "sending" and last.get(l["id"]) == "sending":
            interrupted.add(l["id"])  # a second send with no outcome between: a kill took the first
        last[l["id"]] = l["outcome"]
    twice = {i for i, n in posts.items() if n > 1}
    assert twice <= interrupted, f"sent twice without the journal saying so: {sorted(twice - interrupted)}"
    assert all(n <= 2 for n in posts.values())
    assert len(twice) <= 4 * kills
    assert stat.S_IMODE(os.stat(journal).st_mode) == 0o600
    sent = sum(1 for l in lines if l["outcome"] == "sending")
    print(f"{kills} kills, {sum(posts.values())} POSTs for 500 IDs, {sent - 500} sends with no outcome of their own, {len(twice)} sent twice")


def test_two_runs_cannot_share_a_journal(fresh, tmp_path):
    s = fresh("--accounts", "50", "--rate-limit", "off", "--latency", "200")
    journal = tmp_path / "j"
    env = env_for(s)
    p1 = subprocess.Popen([SOPORTE, "accounts", "unsuspend", *map(str, range(1, 20)), "--journal", str(journal)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while not journal.exists() and time.time() < deadline:
        time.sleep(0.02)
    p2 = subprocess.run([SOPORTE, "accounts", "unsuspend", "1", "--journal", str(journal)], env=env, capture_output=True, text=True)
    p1.wait(timeout=60)
    assert p2.returncode == 2 and "in use by another soporte run" in p2.stderr, p2.stderr


# --- History (docs/CONTRACT.md §11.4) ----------------------------------------------------------------

def test_history_records_mutations_only_newest_first_without_secrets(run, fresh, home):
    s = fresh()
    state = home / "state"
    env = {"XDG_STATE_HOME": str(state), "SOPORTE_HISTORY": None}
    run(["accounts", "suspend", "3", "--yes"], s, env=env)
    run(["accounts", "get", "3"], s, env=env)
    run(["accounts", "update", "3", "--set", "notes=x"], s, env=env)
    run(["accounts", "delete", "999999", "--yes"], s, env=env)
    path = state / "soporte" / "history"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    lines = [json.loads(l) for l in path.read_text().splitlines()]
    assert [(l["method"], l["path"], l["status"]) for l in lines] == [
        ("POST", "/whm/accounts/3/suspend", 200), ("PATCH", "/whm/accounts/3", 200), ("DELETE", "/whm/accounts/999999", 404)]
    assert set(lines[0]) == {"time", "command", "profile", "api_host", "method", "path", "status", "request_id", "duration_ms"}
    assert TOKEN not in path.read_text()
    r = run(["history", "-o", "json"], env=env)
    assert [l["method"] for l in json.loads(r.out)] == ["DELETE", "PATCH", "POST"]
    r = run(["history", "--limit", "1", "-o", "csv"], env=env)
    assert r.out.splitlines()[0].startswith("time,") and len(r.out.splitlines()) == 2
    r = run(["history"], env=env)
    assert r.out.splitlines()[0].split()[:5] == ["TIME", "COMMAND", "METHOD", "PATH", "STATUS"]
    run(["accounts", "unsuspend", "3"], s, env={**env, "SOPORTE_HISTORY": "off"})
    assert len(path.read_text().splitlines()) == 3


def test_concurrent_appends_never_interleave_and_the_newest_10000_are_kept(fresh, home):
    s = fresh("--accounts", "60", "--rate-limit", "off")
    state = home / "state"
    path = state / "soporte" / "history"
    path.parent.mkdir(parents=True)
    old = "".join(json.dumps({"time": "2026-01-01T00:00:00.000Z", "profile": "default", "api_host": "x", "method": "POST",
                              "path": f"/old/{i}", "status": 200, "request_id": None, "duration_ms": 1}) + "\n" for i in range(11000))
    path.write_text(old)
    os.chmod(path, 0o600)
    env = env_for(s, XDG_STATE_HOME=str(state))
    del env["SOPORTE_HISTORY"]
    procs = [subprocess.Popen([SOPORTE, "accounts", "unsuspend", *map(str, range(1 + 5 * k, 6 + 5 * k))], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for k in range(8)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    lines = path.read_text().splitlines()
    parsed = [json.loads(l) for l in lines]          # every line whole
    new = [l for l in parsed if l["path"].startswith("/whm/")]
    assert len(new) == 40
    assert len(lines) <= 10000 + 1000 and len(lines) >= 10000, len(lines)
    assert parsed[-1]["path"].startswith("/whm/") or any(l["path"].startswith("/whm/") for l in parsed[-40:])
