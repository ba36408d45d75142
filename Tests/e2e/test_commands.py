"""Issue 5: every command, checked against what the sandbox received."""
import hashlib
import hmac
import json
import os
import stat
import subprocess

from conftest import SIGNING_SECRET, SOPORTE, TOKEN


def posts(s, method=None):
    return [q for q in s.requests() if method is None or q["method"] == method]


def test_create_with_password_from_stdin(run, fresh, tmp_path):
    s = fresh()
    pw = "Sup3r-Secret-Passw0rd"
    args = ["accounts", "create", "--domain", "nuevo.example", "--username", "nuevo", "--email", "ops@nuevo.example",
            "--package", "professional", "--server-id", "3", "--password-stdin", "-o", "json"]
    r = run(args, s, input=pw + "\n")
    assert r.rc == 0, r
    created = r.json()
    assert created["domain"] == "nuevo.example" and created["package_id"] == 2
    q = posts(s, "POST")[0]
    assert q["path"] == "/v1/whm/accounts"
    assert json.loads(q["body"]) == {"domain": "nuevo.example", "username": "nuevo", "email": "ops@nuevo.example",
                                     "package": "professional", "server_id": 3, "password": pw}
    assert q["headers"]["content-type"] == "application/json"
    assert pw not in r.out + r.err and all(pw not in a for a in args)
    assert s.api("GET", f"/whm/accounts/{created['id']}")[0] == 200
    # from a file, and -vv never shows it
    pf = tmp_path / "pw"
    pf.write_text(pw + "\n")
    r = run(["accounts", "create", "--domain", "otro.example", "--username", "otro", "--email", "o@otro.example",
             "--package", "basic", "--server-id", "1", "--password-file", str(pf), "-vv"], s)
    assert r.rc == 0, r
    assert pw not in r.out + r.err and "[redacted]" in r.err


def test_create_validation_errors_are_exit_6_with_details(run, fresh):
    s = fresh()
    r = run(["accounts", "create", "--domain", "bad domain", "--username", "X", "--package", "nope", "--server-id", "99",
             "--email", "not-an-address", "--password-stdin"], s, input="short\n")
    assert r.rc == 6, r
    for line in ["  domain: The domain must be a valid domain name.", "  email: The email must be a valid email address.",
                 "  password: The password must be at least 8 characters.", "  package: The selected package is invalid.",
                 "  server_id: The selected server id is invalid."]:
        assert line in r.err
    assert "request id:" in r.err
    r = run(["accounts", "create", "--domain", "taken.example", "--username", "taken", "--email", "t@taken.example",
             "--package", "basic", "--server-id", "1", "--password-stdin", "-o", "json"], s, input="short\n")
    env = json.loads(r.err.splitlines()[0])
    assert env["error"]["code"] == "VALIDATION_ERROR" and env["error"]["http_status"] == 422 and env["error"]["exit_status"] == 6


def test_update_types_values(run, fresh):
    s = fresh()
    r = run(["accounts", "update", "4", "--set", "disk_quota_mb=12345", "--set", "notes=null",
             "--set-string", "owner=123", "--set", "package=business", "-o", "json"], s)
    assert r.rc == 0, r
    q = posts(s, "PATCH")[0]
    assert q["path"] == "/v1/whm/accounts/4"
    assert q["body"] == '{"disk_quota_mb":12345,"notes":null,"owner":"123","package":"business"}'
    assert r.json()["disk_quota_mb"] == 12345 and r.json()["package_id"] == 3
    r = run(["accounts", "update", "4", "--set", "disk_quota_mb=lots"], s)
    assert r.rc == 6 and "disk_quota_mb: The disk quota mb must be a number." in r.err
    assert run(["accounts", "update", "4", "--set", "noequals"], s).rc == 2


def test_suspend_unsuspend_delete_cancel(run, fresh):
    s = fresh()
    r = run(["accounts", "suspend", "10", "11", "--reason", "impago", "--yes"], s)
    assert r.rc == 0 and r.out == "suspended 10\nsuspended 11\n", r
    sus = [q for q in posts(s, "POST")]
    assert {q["path"] for q in sus} == {"/v1/whm/accounts/10/suspend", "/v1/whm/accounts/11/suspend"}
    assert all(json.loads(q["body"]) == {"reason": "impago"} for q in sus)
    assert s.api("GET", "/whm/accounts/10")[1]["data"]["status"] == "suspended"
    assert run(["accounts", "unsuspend", "10"], s).out == "unsuspended 10\n"
    assert s.api("GET", "/whm/accounts/10")[1]["data"]["status"] == "active"
    assert run(["accounts", "delete", "11", "--yes"], s).out == "deleted 11\n"
    assert s.api("GET", "/whm/accounts/11")[0] == 404
    r = run(["subscriptions", "cancel", "2", "--yes"], s)
    assert r.rc == 0 and r.out == "cancelled 2\n"
    # cancelling again is done, not a failure (issue 14)
    r = run(["subscriptions", "cancel", "2", "--yes"], s)
    assert r.rc == 0 and r.out == "cancelled 2 (already cancelled)\n", r


def test_bulk_from_stdin_keeps_going_past_a_failure(run, fresh):
    s = fresh()
    ids = "12\n99999\n13 extra-field\n\n14\n"
    r = run(["accounts", "suspend", "-", "--yes"], s, input=ids)
    assert r.rc == 5, r
    assert r.out.splitlines()[0] == "suspended 12"
    assert r.out.splitlines()[1].startswith("failed 99999: ")
    assert r.out.splitlines()[2:] == ["suspended 13", "suspended 14"]
    assert "1 of 4 failed" in r.err
    for i in (12, 13, 14):
        assert s.api("GET", f"/whm/accounts/{i}")[1]["data"]["status"] == "suspended"


def test_pipeline_list_into_bulk(fresh):
    s = fresh()
    env = {"PATH": os.environ["PATH"], "SOPORTE_API_URL": s.url, "SOPORTE_API_TOKEN": TOKEN, "SOPORTE_CONFIG": "/nonexistent"}
    cmd = (f"'{SOPORTE}' accounts list -o tsv --fields id --no-headers --filter server_id=2 | "
           f"'{SOPORTE}' accounts suspend - --yes")
    p = subprocess.run(cmd, shell=True, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    on2 = [a for a in s.all("/whm/accounts") if a["server_id"] == 2]
    assert on2 and all(a["status"] == "suspended" for a in on2)
    assert len(p.stdout.splitlines()) == len(on2)


def test_refuses_without_tty_or_yes(run, fresh):
    s = fresh()
    r = run(["accounts", "delete", "3"], s)
    assert r.rc == 2 and "--yes" in r.err
    r = run(["subscriptions", "cancel", "-"], s, input="1\n2\n")
    assert r.rc == 2
    assert s.requests() == []


def test_dry_run_sends_nothing_and_its_curl_line_works(run, fresh):
    s = fresh()
    r = run(["accounts", "suspend", "21", "--reason", "it's \"quoted\"", "--dry-run"], s)
    assert r.rc == 0, r
    assert s.requests() == []
    line = r.out.strip()
    assert line.startswith("curl ") and '"Authorization: Bearer $SOPORTE_API_TOKEN"' in line
    p = subprocess.run(["bash", "-c", line], env={"PATH": os.environ["PATH"], "SOPORTE_API_TOKEN": TOKEN},
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert s.api("GET", "/whm/accounts/21")[1]["data"]["suspended_reason"] == 'it\'s "quoted"'
    # every command takes --dry-run
    for args in (["health"], ["accounts", "list", "--filter", "status=active"], ["accounts", "get", "1"],
                 ["accounts", "update", "1", "--set", "notes=x"], ["api", "DELETE", "/whm/accounts/1"],
                 ["subscriptions", "cancel", "1"]):
        s.reset()
        r = run(args + ["--dry-run"], s)
        assert r.rc == 0 and r.out.startswith("curl "), (args, r)
        assert s.requests() == []


def test_dry_run_create_keeps_the_password_out(run, fresh):
    s = fresh()
    pw = "Dry-Run-Passw0rd"
    r = run(["accounts", "create", "--domain", "dry.example", "--username", "dry", "--email", "d@dry.example",
             "--package", "basic", "--server-id", "1", "--password-stdin", "--dry-run"], s, input=pw + "\n")
    assert r.rc == 0 and pw not in r.out and "$SOPORTE_PASSWORD" in r.out
    p = subprocess.run(["bash", "-c", r.out.strip()], capture_output=True, text=True,
                       env={"PATH": os.environ["PATH"], "SOPORTE_API_TOKEN": TOKEN, "SOPORTE_PASSWORD": pw})
    assert p.returncode == 0
    assert json.loads(s.requests()[0]["body"])["password"] == pw


def test_signing_matches_an_independent_hmac(run, fresh):
    s = fresh()
    run(["accounts", "suspend", "7", "--reason", "firma", "--yes"], s)
    run(["accounts", "get", "7"], s)
    post, get = s.requests()
    msg = (post["method"] + "/whm/accounts/7/suspend" + post["headers"]["x-timestamp"] + post["body"]).encode()
    want = hmac.new(SIGNING_SECRET.encode(), msg, hashlib.sha256).hexdigest()
    assert post["headers"]["x-signature"] == want
    assert "x-signature" not in get["headers"]
    r = run(["accounts", "delete", "8", "--yes"], s)
    d = s.requests()[-1]
    want = hmac.new(SIGNING_SECRET.encode(), ("DELETE/whm/accounts/8" + d["headers"]["x-timestamp"]).encode(), hashlib.sha256).hexdigest()
    assert d["headers"]["x-signature"] == want


def test_request_headers(run, sb):
    r = run(["accounts", "get", "1", "--request-id", "my-req-1"], sb, env={"SOPORTE_LICENSE_KEY": "TEST-1234-5678-9012"})
    # The sandbox records the token cut to 4 characters (docs/CONTRACT.md §12.4); that the whole token
    # arrived shows in the answer: only the exact admin token gets account 1.
    assert r.rc == 0, r
    h = sb.requests()[0]["headers"]
    assert h["authorization"] == f"Bearer {TOKEN[:4]}\u2026"
    assert h["accept"] == "application/json"
    assert h["user-agent"].startswith("soporte/") and h["x-client-version"]
    assert h["x-request-id"] == "my-req-1" and h["x-license-key"] == "TEST-1234-5678-9012"
    assert "gzip" in h["accept-encoding"]


def test_api_escape_hatch(run, fresh, tmp_path):
    s = fresh()
    r = run(["api", "GET", "/whm/servers/2"], s)
    assert r.rc == 0 and json.loads(r.out)["data"]["id"] == 2
    r = run(["api", "POST", "/whm/accounts/5/suspend", "-f", "reason=by api"], s)
    assert r.rc == 0 and json.loads(s.requests()[-1]["body"]) == {"reason": "by api"}
    r = run(["api", "PATCH", "/whm/accounts/5", "-F", "disk_quota_mb=777", "-F", "notes=null", "-i"], s)
    assert r.rc == 0 and "HTTP 200" in r.err and "X-Request-ID" in r.err
    assert s.requests()[-1]["body"] == '{"disk_quota_mb":777,"notes":null}'
    body = tmp_path / "b.json"
    body.write_text('{"notes": "from file"}')
    assert run(["api", "PATCH", "/whm/accounts/5", "--input", str(body)], s).rc == 0
    assert s.requests()[-1]["body"] == '{"notes": "from file"}'
    r = run(["api", "GET", "/whm/accounts", "--paginate", "-o", "ndjson", "--filter", "status=active"], s)
    got = [json.loads(l) for l in r.out.splitlines()]
    assert got == s.all("/whm/accounts", **{"filter[status]": "active"})
    r = run(["api", "GET", "/whm/accounts/999999"], s)
    assert r.rc == 5


def test_config_commands(run, home):
    cfg = home / ".config" / "soporte" / "config"
    env = {"SOPORTE_CONFIG": None, "XDG_CONFIG_HOME": None}
    assert run(["config", "path"], env=env).out.strip() == str(cfg)
    assert run(["config", "set", "api_url", "https://a.example/v1"], env=env).rc == 0
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cfg.parent).st_mode) == 0o700
    with open(cfg, "a") as f:
        f.write("# keep me\n\n[other]\n; and me\nretries = 2\n")
    r = run(["config", "set", "token", "-"], env=env, input="sk_live_verysecret42\n")
    assert r.rc == 0, r
    text = cfg.read_text()
    assert "# keep me" in text and "; and me" in text and "retries = 2" in text and "token = sk_live_verysecret42" in text
    r = run(["config", "list"], env=env)
    assert "api_url = https://a.example/v1" in r.out and "sk_live_verysecret42" not in r.out and "****et42" in r.out
    assert run(["config", "get", "api_url"], env=env).out == "https://a.example/v1\n"
    assert run(["config", "get", "retries", "--profile", "other"], env=env).out == "2\n"
    r = run(["config", "set", "tokne", "x"], env=env)
    assert r.rc == 2 and "did you mean 'token'" in r.err
    assert not [p for p in cfg.parent.iterdir() if p.name.startswith(".soporte-tmp")]


def test_auth_status(run, sb, home, tmp_path):
    cfg = home / "config"
    cfg.write_text(f"[default]\ntoken = {TOKEN}\n")
    os.chmod(cfg, 0o600)
    r = run(["auth", "status"], sb, env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 0, r
    assert "from SOPORTE_API_TOKEN" in r.out and "token in the config profile is also set" in r.out
    assert "token accepted" in r.out and "****" in r.out
    r = run(["auth", "status"], sb, token="sk_test_nope")
    assert r.rc == 4
