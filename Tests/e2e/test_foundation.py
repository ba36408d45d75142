"""Issue 2: the foundation, end to end."""
import json
import shlex
import os
import subprocess
import pytest

from conftest import SOPORTE, TOKEN


def test_version_and_help(run):
    r = run(["--version"], token=None)
    assert r.rc == 0 and r.out.startswith("soporte ")
    assert run(["version"], token=None).out == r.out
    h = run(["accounts", "list", "--help"], token=None)
    assert h.rc == 0 and "--filter" in h.out and "Examples:" in h.out
    assert "accounts" in run(["help"], token=None).out
    assert run(["help", "accounts", "suspend"], token=None).out == run(["accounts", "suspend", "-h"], token=None).out
    for group in ("accounts", "invoices", "subscriptions", "servers", "packages", "config", "auth"):
        g = run([group, "--help"], token=None)
        assert g.rc == 0 and "Commands:" in g.out and "Examples:\n  $ soporte " in g.out, group


def test_health_healthy_and_unhealthy(run, sb):
    r = run(["health"], sb)
    assert r.rc == 0, r
    assert "healthy" in r.out
    sb.control("PUT", "/_sandbox/health", {"status": "degraded"})
    r = run(["health", "-o", "json"], sb)
    assert r.rc == 10, r
    assert json.loads(r.out)["status"] == "degraded"
    assert "degraded" in r.err


def test_full_walk_counts_every_account(run, sb):
    p = subprocess.run(f"'{SOPORTE}' accounts list -o json | jq length", shell=True, capture_output=True, text=True,
                       env={"PATH": os.environ["PATH"], "SOPORTE_API_URL": sb.url, "SOPORTE_API_TOKEN": TOKEN,
                            "SOPORTE_CONFIG": "/nonexistent"})
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) == 250
    pages = [q for q in sb.requests() if q["path"] == "/v1/whm/accounts"]
    assert len(pages) == 3  # 100 per page


def test_get_one(run, sb):
    r = run(["accounts", "get", "7", "-o", "json"], sb)
    assert r.rc == 0, r
    assert r.json() == sb.api("GET", "/whm/accounts/7")[1]["data"]


def test_no_token_is_exit_3_naming_the_ways(run, sb):
    r = run(["accounts", "list"], sb, token=None)
    assert r.rc == 3
    for way in ["--token-file", "SOPORTE_API_TOKEN", "token_command", "token ="]:
        assert way in r.err
    assert sb.requests() == []


def test_bad_token_is_4(run, sb):
    r = run(["accounts", "list"], sb, token="sk_test_wrong")
    assert r.rc == 4, r
    assert "INVALID_TOKEN" in r.err and "request id:" in r.err


def test_non_admin_on_admin_route_is_4(run, sb):
    r = run(["health"], sb, token="sk_test_user_123")
    assert r.rc == 4 and "INSUFFICIENT_PERMISSIONS" in r.err


def test_unknown_id_is_5(run, sb):
    r = run(["accounts", "get", "999999"], sb)
    assert r.rc == 5 and "not found" in r.err and r.out == ""
    r = run(["accounts", "get", "999999", "-o", "json"], sb)
    assert json.loads(r.err.splitlines()[0])["error"]["code"] == "RESOURCE_NOT_FOUND"


def test_errors_of_our_own_are_json_too_under_o_json(run, sb):
    r = run(["accounts", "list", "--per-page", "500", "-o", "json"], sb)
    assert r.rc == 2
    err = json.loads(r.err.splitlines()[0])["error"]
    assert err["code"] == "USAGE" and err["exit_status"] == 2 and "--per-page" in err["message"]


def test_unknown_option_and_command_suggest(run, sb):
    r = run(["accounts", "list", "--outptu", "json"], sb)
    assert r.rc == 2 and "did you mean '--output'?" in r.err
    r = run(["acounts", "list"], sb)
    assert r.rc == 2 and "did you mean 'accounts'?" in r.err
    r = run(["accounts", "list", "--filter", "amount:gtx=3"], sb)
    assert r.rc == 2 and "gtx" in r.err
    assert sb.requests() == []


def test_http_to_non_loopback_is_3(run):
    r = run(["health", "--api-url", "http://api.example.com/v1"])
    assert r.rc == 3 and "https" in r.err


def test_config_with_token_readable_by_others_is_refused(run, sb, home):
    cfg = home / "config"
    cfg.write_text(f"[default]\napi_url = {sb.url}\ntoken = {TOKEN}\n")
    os.chmod(cfg, 0o644)
    r = run(["accounts", "list"], env={"SOPORTE_CONFIG": str(cfg)}, token=None)
    assert r.rc == 3 and f"chmod 600 {cfg}" in r.err
    os.chmod(cfg, 0o600)
    r = run(["accounts", "list", "--limit", "1", "-o", "json"], env={"SOPORTE_CONFIG": str(cfg)}, token=None)
    assert r.rc == 0, r


def test_config_syntax_error_gives_file_and_line(run, home):
    cfg = home / "config"
    cfg.write_text("[default]\napi_url = https://x/v1\nnot a setting\n")
    r = run(["health"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 3 and f"{cfg}:3:" in r.err


def test_profile_precedence(run, sb, home, tmp_path):
    cfg = home / "config"
    cfg.write_text(
        "[default]\napi_url = https://unused.invalid/v1\n\n"
        f"[sandbox]\napi_url = {sb.url}\ntoken = {TOKEN}\nretries = 0\n")
    os.chmod(cfg, 0o600)
    env = {"SOPORTE_CONFIG": str(cfg), "SOPORTE_API_URL": None}
    # profile from the flag and from the environment
    assert run(["health", "--profile", "sandbox"], env=env, token=None).rc == 0
    assert run(["health"], env={**env, "SOPORTE_PROFILE": "sandbox"}, token=None).rc == 0
    # environment beats the profile: a bad env token wins over the profile's good one
    r = run(["health", "--profile", "sandbox"], env=env, token="sk_test_bad")
    assert r.rc == 4
    # the flag beats the environment
    r = run(["health", "--profile", "sandbox", "--api-url", "http://127.0.0.1:1/v1", "--retries", "0"], env=env, token=None)
    assert r.rc == 9
    # token sources in order: --token-file beats the environment
    tf = tmp_path / "tok"
    tf.write_text(TOKEN + "\n")
    os.chmod(tf, 0o600)
    assert run(["health", "--profile", "sandbox", "--token-file", str(tf)], env=env, token="sk_test_bad").rc == 0
    # token_command beats token
    cfg.write_text(f"[default]\napi_url = {sb.url}\ntoken_command = printf %s sk_test_bad\ntoken = {TOKEN}\n")
    assert run(["health"], env=env, token=None).rc == 4
    cfg.write_text(f"[default]\napi_url = {sb.url}\ntoken_command = printf %s {shlex.quote(TOKEN)}\ntoken = sk_test_bad\n")
    r = run(["health", "-v"], env=env, token=None)
    assert r.rc == 0 and "also set but ignored" in r.err
    cfg.write_text(f"[default]\napi_url = {sb.url}\ntoken_command = echo oops-secret-output; exit 3\n")
    r = run(["health"], env=env, token=None)
    assert r.rc == 3 and "exit status 3" in r.err and "oops-secret-output" not in r.err + r.out


def test_unknown_config_key_warns(run, sb, home):
    cfg = home / "config"
    cfg.write_text(f"[default]\napi_url = {sb.url}\ncolour = never\n")
    r = run(["health"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 0 and "unknown key 'colour'" in r.err


def loaded_libcurl(r):
    """Whether the dynamic loader opened libcurl during the run (LD_DEBUG=files)."""
    return "file=libcurl.so.4" in r.err


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["accounts", "list", "--help"], ["completion", "bash"],
                                  ["config", "path"], ["accounts", "get", "1", "--dry-run"], ["acounts"]])
def test_commands_that_send_nothing_never_load_libcurl(run, sb, args):
    # The start-up design (README "Performance"): libcurl and its ~30 libraries are
    # mapped at the first request only.
    r = run(args, sb, env={"LD_DEBUG": "files"})
    assert r.rc in (0, 2), r
    assert "file=libc.so.6" in r.err, "LD_DEBUG gave no trace; the check below would prove nothing"
    assert not loaded_libcurl(r), r


def test_a_request_loads_libcurl_once(run, sb):
    r = run(["health", "-o", "json"], sb, env={"LD_DEBUG": "files"})
    assert r.rc == 0 and r.json()["status"] == "healthy", r
    assert r.err.count("file=libcurl.so.4 [0];  dynamically loaded by") == 1, r.err[-2000:]
