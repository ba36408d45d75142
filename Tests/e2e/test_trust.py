"""Issue 12: trust at the edges (docs/CONTRACT.md §10.1-10.4). Each test is a class of defect seen on
main before the second wave; the fix is one place in the code, the test tries the class
from several sides."""
import json
import shlex
import os
import signal
import stat
import subprocess
import threading
import time

import pytest

from conftest import SOPORTE, TOKEN, env_for

ESC = "\x1b"




# --- Files that hold secrets (docs/CONTRACT.md §10.1) ---------------------------------------------

@pytest.mark.parametrize("mode", [0o644, 0o666, 0o640])
def test_a_token_file_others_can_read_is_refused(run, sb, tmp_path, mode):
    tf = tmp_path / "tok"
    tf.write_text(TOKEN + "\n")
    os.chmod(tf, mode)
    r = run(["health", "--token-file", str(tf)], sb, token=None)
    assert r.rc == 3 and f"chmod 600 {tf}" in r.err, r
    assert sb.requests() == []
    os.chmod(tf, 0o600)
    assert run(["health", "--token-file", str(tf)], sb, token=None).rc == 0


def test_a_config_holding_only_a_license_key_must_be_private(run, sb, home):
    cfg = home / "config"
    cfg.write_text(f"[default]\napi_url = {sb.url}\nlicense_key = LIC-ONLY-1234\n")
    os.chmod(cfg, 0o644)
    r = run(["health"], sb, env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 3 and f"chmod 600 {cfg}" in r.err, r


# --- token_command is bounded (docs/CONTRACT.md §10.1) -----------------------------------------------

def test_token_command_is_bounded_by_the_timeout_and_its_group_killed(run, sb, home, tmp_path):
    cfg = home / "config"
    marker = tmp_path / "still-running"
    cfg.write_text(f"[default]\napi_url = {sb.url}\ntoken_command = sleep 30; touch {marker}; printf '%s\\n' {shlex.quote(TOKEN)}\n")
    os.chmod(cfg, 0o600)
    t0 = time.monotonic()
    r = run(["health", "--timeout", "1"], env={"SOPORTE_CONFIG": str(cfg)}, token=None)
    took = time.monotonic() - t0
    assert r.rc == 3 and "token_command timed out after 1 s" in r.err, r
    assert took < 5, took
    time.sleep(0.3)
    assert subprocess.run(["pgrep", "-f", f"touch {marker}"], capture_output=True).returncode != 0, "the shell's group was killed"


def test_a_background_child_holding_the_pipe_does_not_hang(run, sb, home):
    cfg = home / "config"
    cfg.write_text(f"[default]\napi_url = {sb.url}\ntoken_command = printf '%s\\n' {shlex.quote(TOKEN)}; sleep 30 &\n")
    os.chmod(cfg, 0o600)
    t0 = time.monotonic()
    r = run(["health", "-o", "json"], env={"SOPORTE_CONFIG": str(cfg)}, token=None, timeout=20)
    assert r.rc == 0, r
    assert time.monotonic() - t0 < 5


def test_token_command_stderr_reaches_the_user_but_never_its_output(run, sb, home):
    cfg = home / "config"
    cfg.write_text(f"[default]\napi_url = {sb.url}\ntoken_command = echo 'gpg: asking for a passphrase' >&2; printf '%s\\n' {shlex.quote(TOKEN)}\n")
    os.chmod(cfg, 0o600)
    r = run(["health"], env={"SOPORTE_CONFIG": str(cfg)}, token=None)
    assert r.rc == 0 and "gpg: asking for a passphrase" in r.err


def test_no_core_dump_can_hold_a_secret(sb):
    s_env = env_for(sb, SOPORTE_API_URL=sb.url)
    sb.fault(match={"path": "/v1/whm/accounts/1"}, count=1, delay_ms=3000)
    p = subprocess.Popen([SOPORTE, "accounts", "get", "1"], env=s_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 5
        while time.time() < deadline and not sb.requests():  # main has run: the request is out
            time.sleep(0.02)
        limits = open(f"/proc/{p.pid}/limits").read()
        line = next(l for l in limits.splitlines() if l.startswith("Max core file size"))
        assert line.split()[4:6] == ["0", "0"], line
    finally:
        p.kill()
        p.wait()


# --- Terminal safety (docs/CONTRACT.md §10.2) ----------------------------------------------------------

def test_escape_sequences_from_the_server_never_reach_stderr_raw(run, fresh):
    s = fresh()
    evil = f"{ESC}]0;owned{chr(7)}{ESC}[2J\u202e"
    s.fault(match={"path": "/v1/whm/accounts/1"}, count=1, status=404,
            body=json.dumps({"error": {"code": "RESOURCE_NOT_FOUND", "message": f"gone {evil}", "request_id": f"req_{evil}",
                                       "details": {"id": [f"bad {evil}"]}}}))
    r = run(["accounts", "get", "1"], s)
    assert r.rc == 5 and ESC not in r.err and "\u202e" not in r.err and chr(7) not in r.err, repr(r.err)
    assert "\\x1b]0;owned\\x07" in r.err
    s.fault(match={"path": "/v1/whm/accounts/1"}, count=1, status=302, headers={"Location": f"https://evil.example/{evil}"})
    r = run(["accounts", "get", "1"], s)
    assert r.rc == 8 and ESC not in r.err, repr(r.err)
    s.fault(match={"path": "/v1/whm/accounts/1"}, count=1, headers={"X-Evil": f"a{evil}b"}, body=json.dumps({"data": {"id": 1}}))
    r = run(["accounts", "get", "1", "-vv"], s)
    assert r.rc == 0 and ESC not in r.err and "X-Evil" in r.err, repr(r.err)


def test_json_output_escapes_c1_and_bidi_controls(run, fresh):
    s = fresh()
    s.fault(match={"path": "/v1/whm/accounts/1"}, count=2,
            body=json.dumps({"data": {"id": 1, "notes": "a\u009b31mb\u202ec\u2028d\u2066e"}}, ensure_ascii=False))
    for fmt in ("json", "ndjson"):
        r = run(["accounts", "get", "1", "-o", fmt], s)
        assert r.rc == 0, r
        assert "\u009b" not in r.out and "\u202e" not in r.out and "\u2028" not in r.out and "\u2066" not in r.out
        assert "\\u009b" in r.out and "\\u202e" in r.out and "\\u2028" in r.out and "\\u2066" in r.out
        assert json.loads(r.out)["notes"] == "a\u009b31mb\u202ec\u2028d\u2066e"


# --- Input (docs/CONTRACT.md §10.3) ------------------------------------------------------------------

def test_header_injection_is_refused_wherever_the_value_comes_from(run, sb):
    r = run(["accounts", "get", "1", "--request-id", "abc\r\nX-Evil: 1"], sb)
    assert r.rc == 2 and "CR, LF or NUL" in r.err, r
    r = run(["accounts", "get", "1"], sb, env={"SOPORTE_LICENSE_KEY": "LIC\r\nX-Evil: 1"})
    assert r.rc == 3, r
    r = run(["accounts", "get", "1"], sb, token="sk_test_abc123xyz\nX-Evil: 1")
    assert r.rc == 3, r
    assert sb.requests() == []


@pytest.mark.parametrize("args", [
    ["accounts", "list", "--limit", "9223372036854775800"],
    ["accounts", "list", "--page", "99999999999999999999"],
    ["accounts", "list", "--from-page", "-1"],
    ["accounts", "list", "--per-page", "0"],
    ["accounts", "get", "99999999999999999999"],
    ["health", "--timeout", "1e400"],
    ["health", "--retries", "1000"],
    ["health", "--max-wait=-5"],
    ["history", "--limit", "0"],
])
def test_numbers_out_of_range_are_usage_errors_naming_the_range(run, sb, args):
    r = run(args, sb)
    assert r.rc == 2 and ("from" in r.err and "to" in r.err), r
    assert sb.requests() == []


def test_arguments_that_are_not_utf8_are_refused_before_sending(sb):
    env = env_for(sb)
    for argv in ([b"accounts", b"create", b"--domain", b"x\xff.example", b"--username", b"u", b"--email", b"e@x.example",
                  b"--package", b"basic", b"--server-id", b"1", b"--password-stdin"],
                 [b"api", b"POST", b"/whm/accounts/1/suspend", b"-f", b"reason=\xc3("],
                 [b"accounts", b"list", b"--filter", b"domain=\xfe"]):
        p = subprocess.run([SOPORTE.encode()] + argv, env=env, input=b"longenough\n", capture_output=True)
        assert p.returncode == 2 and b"not valid UTF-8" in p.stderr, p
    assert sb.requests() == []


# --- Config writes (docs/CONTRACT.md §10.4) --------------------------------------------------------

@pytest.mark.parametrize("key,value", [("output", "jsno"), ("timeout", "abc"), ("concurrency", "1000"), ("api_url", "not-a-url"),
                                       ("color", "blue"), ("retries", "2.5"), ("max_wait", "-1"), ("history", "maybe")])
def test_config_set_checks_the_value_as_a_reader_would(run, home, key, value):
    cfg = home / "config"
    cfg.write_text("[default]\n# keep\n")
    os.chmod(cfg, 0o600)
    before = cfg.read_text()
    r = run(["config", "set", key, "--", value], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 2 and key in r.err, r
    assert cfg.read_text() == before


def test_a_bad_value_never_locks_the_user_out(run, sb, home):
    cfg = home / "config"
    cfg.write_text("[default]\noutput = jsno\n")
    os.chmod(cfg, 0o600)
    env = {"SOPORTE_CONFIG": str(cfg)}
    r = run(["accounts", "list"], sb, env=env)
    assert r.rc == 3 and f"{cfg}:2: output" in r.err, r
    for args in (["config", "list"], ["config", "get", "output"], ["config", "path"], ["config", "profiles"]):
        assert run(args, env=env).rc == 0, args
    assert run(["config", "set", "output", "json"], env=env).rc == 0
    assert run(["accounts", "list", "--limit", "1"], sb, env=env).rc == 0
    assert run(["config", "unset", "output"], env=env).rc == 0
    assert "output" not in cfg.read_text()


def test_profiles_are_created_listed_and_marked(run, home):
    cfg = home / "config"
    env = {"SOPORTE_CONFIG": str(cfg)}
    r = run(["--profile", "prod", "config", "set", "api_url", "https://prod.example/v1"], env=env)
    assert r.rc == 0, r
    assert "[prod]\napi_url = https://prod.example/v1" in cfg.read_text()
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    assert run(["config", "profiles", "--profile", "prod"], env=env).out == "  default\n* prod\n"


def test_parallel_config_sets_lose_no_update(home):
    cfg = home / "config"
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "SOPORTE_CONFIG": str(cfg)}
    procs = [subprocess.Popen([SOPORTE, "--profile", f"p{i}", "config", "set", "retries", str(i % 10)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(12)]
    assert all(p.wait(timeout=30) == 0 for p in procs)
    text = cfg.read_text()
    for i in range(12):
        assert f"[p{i}]\nretries = {i % 10}" in text, text


def test_a_config_that_is_a_symlink_stays_one(run, home, tmp_path):
    dot = tmp_path / "dotfiles"
    dot.mkdir()
    target = dot / "soporte.conf"
    target.write_text("[default]\n# from my dotfiles\n")
    os.chmod(target, 0o600)
    link = home / "config"
    link.symlink_to(target)
    assert run(["config", "set", "timeout", "12"], env={"SOPORTE_CONFIG": str(link)}).rc == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    text = target.read_text()
    assert "# from my dotfiles" in text and "timeout = 12" in text
    assert [p.name for p in home.iterdir()] == ["config"] or all(p.name.startswith(".") or p.name == "config" for p in home.iterdir())


# --- A server that echoes every secret back (docs/CONTRACT.md §10.1) ----------------------------------

def echo_body(status_data=None, extra=()):
    """A body that holds each secret of the run (token, signing secret, license key, and
    any `extra`) raw, JSON-escaped and ASCII-escaped, at every depth."""
    from conftest import SIGNING_SECRET, LICENSE_KEY
    SECRETS = [TOKEN, SIGNING_SECRET, LICENSE_KEY, *extra]
    raw = json.dumps({"x": SECRETS}, ensure_ascii=False)
    ascii_ = json.dumps({"x": SECRETS})
    if status_data is None:
        return json.dumps({"error": {"code": "RESOURCE_NOT_FOUND", "message": f"no such thing {SECRETS}",
                                     "request_id": SECRETS[0], "details": {"token": SECRETS, "deep": [{"k": ascii_}]}}},
                          ensure_ascii=False)
    return json.dumps({"data": [{"id": 1, "domain": raw, "notes": ascii_, "nested": {"s": SECRETS}}],
                       "meta": {"current_page": 1, "last_page": 1, "per_page": 100, "total": 1}}, ensure_ascii=False)


@pytest.mark.parametrize("args", [
    ["accounts", "get", "1"], ["accounts", "get", "1", "-o", "json"], ["accounts", "get", "1", "-vv"],
    ["api", "GET", "/whm/accounts/1"], ["accounts", "suspend", "1", "--yes", "-o", "json"],
])
def test_echoed_secrets_in_error_answers_are_redacted(run, fresh, args):
    s = fresh()
    s.fault(match={"path": "/v1/whm/accounts/1" + ("/suspend" if "suspend" in args else "")}, count=9, status=404,
            body=echo_body(), headers={"X-Echo": TOKEN})
    r = run(args, s)   # run() sweeps stdout and stderr for every form of every secret
    assert r.rc == 5, r
    assert "[redacted]" in r.out + r.err


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv", "tsv"])
def test_echoed_secrets_in_data_are_redacted_in_every_format(run, fresh, fmt):
    s = fresh()
    s.fault(match={"path": "/v1/whm/accounts"}, count=9, body=echo_body(status_data=True))
    r = run(["accounts", "list", "-o", fmt, "-vv"], s)
    assert r.rc == 0, r
    assert "[redacted]" in r.out


def test_a_hostile_password_never_shows_in_dry_run_vv_journal_or_history(run, fresh, home, tmp_path):
    from conftest import PASSWORDS, sweep
    pw = PASSWORDS[2]
    s = fresh()
    base = ["accounts", "create", "--domain", "hostil.example", "--username", "hostil", "--email", "h@hostil.example",
            "--package", "basic", "--server-id", "1", "--password-stdin"]
    r = run(base + ["--dry-run"], s, input=pw + "\n")
    assert r.rc == 0 and "$SOPORTE_PASSWORD" in r.out and "$SOPORTE_LICENSE_KEY" in r.out and "$SOPORTE_API_TOKEN" in r.out, r
    s.fault(match={"path": "/v1/whm/accounts", "method": "POST"}, count=1, status=422,
            body=json.dumps({"error": {"code": "VALIDATION_ERROR", "message": f"bad {pw}", "details": {"password": [f"'{pw}' is weak"]}}}))
    r = run(base + ["-vv"], s, input=pw + "\n")
    assert r.rc == 6 and "[redacted]" in r.err, r
    journal = tmp_path / "j"
    s.fault(match={"path": "/v1/whm/accounts/2/suspend"}, count=1, status=404, body=echo_body(extra=[pw]))
    run(["accounts", "suspend", "2", "--yes", "--journal", str(journal)], s)
    sweep(journal.read_text(), (home / "state" / "soporte" / "history").read_text())
