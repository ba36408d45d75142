"""Issue 23 (docs/CONTRACT.md §13.1, §13.2, §11.1): the monitoring
formats wherever a global option stands, a deadline for the whole command, and pacing
that never fails a run on its own estimate. Each test failed on the main of before."""
import json
import subprocess
import time

import pytest

from conftest import SOPORTE, USER_TOKEN, Sandbox, env_for

# A value for every global option that takes one, chosen not to change the outcome.
GLOBALS = [
    ["--profile", "default"], ["--timeout", "10"], ["--retries", "1"], ["--max-wait", "30"], ["--request-id", "rid-1"],
    ["--color", "never"], ["--fields", "status"], ["--config", "/nonexistent/soporte"], ["--deadline", "20"],
    ["-v"], ["-q"], ["--no-headers"], ["--csv-safe"],
]


@pytest.mark.parametrize("opt", GLOBALS, ids=lambda o: o[0])
@pytest.mark.parametrize("where", ["before", "after"])
def test_monitoring_formats_hold_wherever_a_global_option_stands(run, sb, opt, where):
    def line(fmt):
        return opt + ["health", "-o", fmt] if where == "before" else ["health", "-o", fmt] + opt
    # A refused token: CRITICAL (2) for nagios; metrics with up 0 and exit 4 for prometheus.
    r = run(line("nagios"), sb, token="sk_test_not_a_token")
    assert r.rc == 2 and r.out.startswith("SOPORTE CRITICAL"), r
    r = run(line("prometheus"), sb, token="sk_test_not_a_token")
    assert r.rc == 4 and "soporte_health_up 0" in r.out, r
    # A profile that does not exist: UNKNOWN (3) for nagios, metrics still printed (exit 3).
    def missing_profile(fmt):
        if opt[0] == "--profile":
            return (["--profile", "nosuch", "health", "-o", fmt] if where == "before" else ["health", "-o", fmt, "--profile", "nosuch"])
        return ["--profile", "nosuch"] + line(fmt)
    env = {"SOPORTE_CONFIG": "/nonexistent/cfg"}
    r = run(missing_profile("nagios"), sb, env=env)
    assert r.rc == 3 and r.out.startswith("SOPORTE UNKNOWN"), r
    r = run(missing_profile("prometheus"), sb, env=env)
    assert r.rc == 3 and "soporte_health_up 0" in r.out, r


def test_an_unreachable_api_is_critical_whatever_the_option_order(run):
    r = run(["--api-url", "http://127.0.0.1:1/v1", "health", "-o", "nagios"])
    assert r.rc == 2 and r.out.startswith("SOPORTE CRITICAL"), r
    r = run(["--api-url", "http://127.0.0.1:1/v1", "health", "-o", "prometheus"])
    assert r.rc == 9 and "soporte_health_up 0" in r.out, r


# --- Deadlines (docs/CONTRACT.md §13.2) -----------------------------------------------------------------

@pytest.mark.parametrize("fmt,rc,mark", [("table", 9, None), ("nagios", 2, "SOPORTE CRITICAL"), ("prometheus", 9, "soporte_health_up 0")])
def test_a_deadline_bounds_the_whole_command_against_a_hanging_api(run, fresh, fmt, rc, mark):
    s = fresh()
    s.fault(match={"path": "/v1/admin/system/health"}, count=10, delay_ms=60000)
    t0 = time.monotonic()
    r = run(["--deadline", "3", "health", "-o", fmt], s)
    took = time.monotonic() - t0
    assert r.rc == rc, r
    assert took < 6, f"took {took:.1f} s"  # 4 attempts of --timeout 30 without it
    assert "deadline of 3s passed during GET /admin/system/health (attempt 1)" in (r.err + r.out), r
    if mark:
        assert mark in r.out


def test_a_deadline_stops_retries_and_waits_that_would_pass_it(run, fresh):
    s = fresh()
    s.fault(match={"path": "/v1/whm/servers"}, count=10, status=503, retry_after=5)
    t0 = time.monotonic()
    r = run(["servers", "list", "--deadline", "4"], s)
    assert r.rc == 9 and time.monotonic() - t0 < 3, r
    assert "deadline of 4s passed while waiting 5.0 s to send GET /whm/servers" in r.err, r


@pytest.mark.parametrize("value", ["0", "0s", "25h", "1x", "m5", "5m1h", "1.5m", "-3", "1e3", ""])
def test_durations_are_parsed_one_way(run, value):
    r = run(["health", "--deadline", value, "--dry-run"], env={"SOPORTE_API_URL": "http://127.0.0.1:9/v1"})
    assert r.rc == 2 and "--deadline must be a duration" in r.err, r


@pytest.mark.parametrize("value", ["30", "30s", "5m", "1h", "1h30m", "2.5", "24h"])
def test_durations_people_type_are_accepted(run, home, value):
    r = run(["health", "--deadline", value, "--dry-run"], env={"SOPORTE_API_URL": "http://127.0.0.1:9/v1"})
    assert r.rc == 0, r
    cfg = home / "c"
    cfg.write_text(f"[default]\ndeadline = {value}\n")
    r = run(["health", "--dry-run"], env={"SOPORTE_CONFIG": str(cfg), "SOPORTE_API_URL": "http://127.0.0.1:9/v1"})
    assert r.rc == 0, r


# --- Pacing is advice (docs/CONTRACT.md §13.1) ----------------------------------------------------------

def stats(s):
    return s.control("GET", "/_sandbox/stats")


def test_two_walks_back_to_back_both_succeed_without_a_429():
    # The authenticated tier: 100 a minute, burst 20. The first walk of 70 pages leaves 50;
    # the second must pace the rest without failing on its own estimate.
    s = Sandbox("--accounts", "70")
    try:
        env = env_for(s, SOPORTE_API_TOKEN=USER_TOKEN)
        for run_no in (1, 2):
            p = subprocess.run([SOPORTE, "accounts", "list", "--per-page", "1", "-o", "ndjson"], env=env,
                               capture_output=True, text=True, timeout=120)
            assert p.returncode == 0, (run_no, p.stderr)
            assert len(p.stdout.splitlines()) == 70
        assert stats(s)["rate_limited"] == 0, stats(s)
    finally:
        s.stop()


def test_a_fixed_window_without_reset_provokes_no_429():
    # Laravel's throttle: Limit and Remaining on every answer, Reset on the 429 alone, a
    # window from the first request. 14 pages at 10 a window: one wait of about a minute.
    s = Sandbox("--accounts", "14", "--dialect", "laravel", "--rate-window", "10/60")
    try:
        p = subprocess.run([SOPORTE, "accounts", "list", "--per-page", "1", "-o", "ndjson"], env=env_for(s),
                           capture_output=True, text=True, timeout=150)
        assert p.returncode == 0, p.stderr
        assert len(p.stdout.splitlines()) == 14
        assert stats(s)["rate_limited"] == 0, stats(s)
        assert "rate limit nearly spent: pacing for" in p.stderr
    finally:
        s.stop()
