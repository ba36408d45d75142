"""Third wave, secrets at the boundaries (docs/CONTRACT.md §10.1, §12.1, §12.2): a server that echoes
a secret in another Unicode normal form or percent-encoded past need; -vv and --dry-run
bodies with secret-named keys, cut or not JSON; passwords in flag values; secret files
that are not regular files; an API URL that holds user information or a loopback
address that is not one. Each test tries the class from several sides."""
import json
import os
import stat
import subprocess
import unicodedata

import pytest

from conftest import LICENSE_KEY, SOPORTE, TOKEN, env_for

NFD_TOKEN = unicodedata.normalize("NFD", TOKEN)
assert NFD_TOKEN != TOKEN, "the hostile token holds an ñ"


def percent_variants(secret):
    """The secret with every subset we can think of percent-encoded: all of it, every
    other byte, only the unreserved characters, only the non-ASCII, in either hex case
    and in both cases at once."""
    raw = secret.encode()
    unreserved = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    def enc(pick, upper):
        out = ""
        for i, b in enumerate(raw):
            if pick(i, b):
                h = f"%{b:02X}" if upper(i) else f"%{b:02x}"
                out += h
            else:
                out += chr(b) if b < 0x80 else "%{:02X}".format(b)
        return out
    variants = set()
    for pick in (lambda i, b: True, lambda i, b: i % 2 == 0, lambda i, b: b in unreserved, lambda i, b: i in (2, 5)):
        for upper in (lambda i: True, lambda i: False, lambda i: i % 3 == 0):
            variants.add(enc(pick, upper))
    variants.discard(secret)
    return sorted(variants)


def absent(texts, needles):
    for t in texts:
        for n in needles:
            assert n not in t, f"{n[:16]!r}... leaked"


# --- Secrets the server echoes in another form (docs/CONTRACT.md §10.1) -------------------------------

ECHO_ARGS = [["accounts", "get", "1"], ["accounts", "get", "1", "-o", "json"], ["accounts", "get", "1", "-vv"],
             ["api", "GET", "/whm/accounts/1"]]


@pytest.mark.parametrize("args", ECHO_ARGS)
def test_a_secret_echoed_in_another_normal_form_is_redacted(run, fresh, args):
    s = fresh()
    body = json.dumps({"error": {"code": "RESOURCE_NOT_FOUND", "message": f"no such token {NFD_TOKEN}",
                                 "request_id": NFD_TOKEN, "details": {"t": [NFD_TOKEN]}}}, ensure_ascii=False)
    s.fault(match={"path": "/v1/whm/accounts/1"}, count=9, status=404, body=body, headers={"X-Echo": NFD_TOKEN})
    r = run(args, s)
    assert r.rc == 5, r
    absent([r.out, r.err], [NFD_TOKEN, json.dumps(NFD_TOKEN)[1:-1]])
    assert "[redacted]" in r.out + r.err


def test_a_secret_given_decomposed_is_redacted_when_echoed_composed(run, fresh):
    # The license key is set in NFD; the server echoes it in NFC (run() sweeps the NFC forms).
    s = fresh()
    s.fault(match={"path": "/v1/whm/accounts"}, count=9,
            body=json.dumps({"data": [{"id": 1, "domain": LICENSE_KEY}],
                             "meta": {"current_page": 1, "last_page": 1, "per_page": 100, "total": 1}}, ensure_ascii=False))
    for fmt in ("table", "ndjson", "csv"):
        r = run(["accounts", "list", "-o", fmt], s, env={"SOPORTE_LICENSE_KEY": unicodedata.normalize("NFD", LICENSE_KEY)})
        assert r.rc == 0 and "[redacted]" in r.out, r


@pytest.mark.parametrize("args", ECHO_ARGS + [["accounts", "list", "-o", "ndjson"], ["accounts", "list", "-o", "tsv"]])
def test_a_secret_echoed_percent_encoded_past_need_is_redacted(run, fresh, args):
    s = fresh()
    variants = percent_variants(TOKEN) + percent_variants(NFD_TOKEN) + percent_variants(LICENSE_KEY)[:4]
    message = "tokens: " + " | ".join(variants)
    if args[1] == "list":
        body = json.dumps({"data": [{"id": i + 1, "domain": v, "notes": message} for i, v in enumerate(variants)],
                           "meta": {"current_page": 1, "last_page": 1, "per_page": 100, "total": len(variants)}})
        s.fault(match={"path": "/v1/whm/accounts"}, count=9, body=body)
    else:
        body = json.dumps({"error": {"code": "RESOURCE_NOT_FOUND", "message": message, "details": {"t": variants}}})
        s.fault(match={"path": "/v1/whm/accounts/1"}, count=9, status=404, body=body, headers={"X-Echo": variants[0]})
    r = run(args, s)
    assert r.rc == (0 if args[1] == "list" else 5), r
    absent([r.out, r.err], variants)
    assert "[redacted]" in r.out + r.err


def test_percent_redaction_does_not_blank_ordinary_percent_text(run, fresh):
    s = fresh()
    s.fault(match={"path": "/v1/whm/accounts/1"}, count=1,
            body=json.dumps({"data": {"id": 1, "domain": "50%25 off", "notes": "sk%5Fother %E2%82%AC"}}))
    r = run(["accounts", "get", "1", "-o", "json"], s)
    assert r.rc == 0, r
    assert "50%25 off" in r.out and "sk%5Fother %E2%82%AC" in r.out, r


# --- -vv and --dry-run mask secret-named keys in any body (docs/CONTRACT.md §10.1, §12.1, §12.2) --------

CUT_BODY = ('{"data": {"id": 1, "password": "hunter2-\\"q\\"-plain", "Nested": {"SIGNING_SECRET": "sig-x9z", '
            '"list": [{"Token" : "tok-77q"}]}, "license_key": 424242, "secret": {"a": "deep-v4l"}, '
            '"domain": "ok.example", "user_password": "upw-55t')   # cut: no closing quote or brace
NOT_JSON = '<html>oops {"password": "html-pw-3k", "token":"html-tk-9"} </html>'
LEAKS = ["hunter2", "plain", "sig-x9z", "tok-77q", "424242", "deep-v4l", "upw-55t", "html-pw-3k", "html-tk-9"]


@pytest.mark.parametrize("body", [CUT_BODY, NOT_JSON, CUT_BODY + " " * 5000], ids=["cut", "not-json", "cut-long"])
def test_vv_masks_secret_named_keys_in_a_body_that_is_cut_or_not_json(run, fresh, body):
    s = fresh()
    s.fault(match={"path": "/v1/whm/accounts/1"}, count=1, status=200, body=body)
    r = run(["accounts", "get", "1", "-vv"], s)
    assert r.rc == 8, r
    absent([r.out, r.err], LEAKS)
    assert '"password": "[redacted]"' in r.err, r
    if body == CUT_BODY:
        assert '"domain": "ok.example"' in r.err, "only the secret-named keys are masked"


SECRET_FLAGS = [
    ["accounts", "update", "1", "--set", "password=Fl4g-Pw-111"],
    ["accounts", "update", "1", "--set-string", "Password=Fl4g-Pw-111"],
    ["accounts", "update", "1", "--set", "package=basic", "--set", "new_password=Fl4g-Pw-111"],
    ["api", "POST", "/whm/accounts", "-f", "password=Fl4g-Pw-111"],
    ["api", "PATCH", "/whm/accounts/1", "-F", "PASSWORD=Fl4g-Pw-111"],
    ["api", "GET", "/whm/accounts", "-f", "token=Fl4g-Pw-111"],
    ["api", "POST", "/whm/accounts", "--field=signing_secret=Fl4g-Pw-111"],
    ["api", "POST", "/whm/accounts", "-flicense_key=Fl4g-Pw-111"],
]


@pytest.mark.parametrize("args", SECRET_FLAGS)
def test_passwords_and_secrets_never_come_from_a_flag_value(run, sb, args):
    for extra in ([], ["--dry-run"]):
        r = run(args + extra, sb)
        assert r.rc == 2, r
        assert "--password-stdin" in r.err and "--password-file" in r.err, r
        assert "Fl4g-Pw-111" not in r.out + r.err, r
    assert sb.requests() == []


def test_dry_run_masks_secret_named_keys_in_an_input_body(run, sb, tmp_path):
    f = tmp_path / "body.json"
    f.write_text(json.dumps({"domain": "ok.example", "password": "in-pw-8j", "nested": {"Token": "in-tk-2m"}}))
    for args, stdin in ((["api", "POST", "/whm/accounts", "--input", str(f)], None),
                        (["api", "POST", "/whm/accounts", "--input", "-"], f.read_text())):
        r = run(args + ["--dry-run"], sb, input=stdin)
        assert r.rc == 0, r
        absent([r.out, r.err], ["in-pw-8j", "in-tk-2m"])
        assert '"password":"[redacted]"' in r.out.replace(" ", "") and "ok.example" in r.out, r
    assert sb.requests() == []


def test_dry_run_of_create_still_shows_the_password_variable(run, sb):
    r = run(["accounts", "create", "--domain", "d.example", "--username", "dd", "--email", "d@d.example", "--package", "basic",
             "--server-id", "1", "--password-stdin", "--dry-run"], sb, input="Dry-Run-Passw0rd\n")
    assert r.rc == 0 and "$SOPORTE_PASSWORD" in r.out, r


# --- Secret files that are not regular files (docs/CONTRACT.md §12.2) ---------------------------------

def special_files(tmp_path):
    fifo = tmp_path / "sk_live_MISTYPED_fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "sk_live_MISTYPED_dir"
    folder.mkdir(mode=0o700)
    return [(str(fifo), "FIFO"), (str(folder), "directory"), ("/dev/zero", "device")]


def test_a_token_file_that_is_not_a_regular_file_is_refused_unread(run, sb, tmp_path):
    for path, kind in special_files(tmp_path):
        r = run(["accounts", "get", "1", "--token-file", path], sb, token=None, timeout=15)
        assert r.rc == 3, r
        assert "--token-file" in r.err and "not a regular file" in r.err and kind in r.err, r
        assert path not in r.err and "MISTYPED" not in r.err and "zero" not in r.err, r
    r = run(["accounts", "get", "1", "--token-file", str(tmp_path / "sk_live_MISTYPED_missing")], sb, token=None)
    assert r.rc == 3 and "--token-file" in r.err and "MISTYPED" not in r.err, r
    assert sb.requests() == []


def test_a_password_file_that_is_not_a_regular_file_is_refused_unread(run, sb, tmp_path):
    create = ["accounts", "create", "--domain", "d.example", "--username", "dd", "--email", "d@d.example",
              "--package", "basic", "--server-id", "1"]
    for path, kind in special_files(tmp_path):
        r = run(create + ["--password-file", path], sb, timeout=15)
        assert r.rc == 2, r
        assert "--password-file" in r.err and "not a regular file" in r.err and kind in r.err, r
        assert path not in r.err and "MISTYPED" not in r.err, r
    r = run(create + ["--password-file", str(tmp_path / "sk_live_MISTYPED_missing")], sb)
    assert r.rc == 2 and "--password-file" in r.err and "MISTYPED" not in r.err, r
    assert sb.requests() == []


# --- The API URL (docs/CONTRACT.md §8, §12.2) ---------------------------------------------------------

def userinfo_url(sb):
    return sb.url.replace("http://", "http://admin:Url-Pw-5150@")


def test_an_api_url_with_user_information_is_refused_and_never_echoed(run, sb, home):
    url = userinfo_url(sb)
    secure = url.replace("http://", "https://")
    cases = [(["--api-url", url, "accounts", "list"], {}),
             (["--api-url", secure, "accounts", "list", "-v"], {}),
             (["--api-url", secure, "accounts", "list", "--dry-run"], {}),
             (["--api-url", secure, "accounts", "list", "-o", "json"], {}),
             (["auth", "status"], {"SOPORTE_API_URL": secure}),
             (["accounts", "list", "--per-page", "1", "-v"], {"SOPORTE_API_URL": url})]
    for args, env in cases:
        r = run(args, None, env=env)
        assert r.rc == 3, (args, r)
        assert "user information" in r.err, r
        absent([r.out, r.err], ["Url-Pw-5150", "admin:"])
    cfg = home / "config"
    cfg.write_text(f"[default]\napi_url = {secure}\n")
    r = run(["accounts", "list"], None, env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 3 and "user information" in r.err, r
    absent([r.out, r.err], ["Url-Pw-5150", "admin:"])
    for sub in (["config", "list"], ["config", "get", "api_url"]):
        r = run(sub, None, env={"SOPORTE_CONFIG": str(cfg)})
        absent([r.out, r.err], ["Url-Pw-5150", "admin:"])
    assert sb.requests() == []


def test_config_set_refuses_an_api_url_with_user_information_without_echoing_it(run, home):
    cfg = home / "config"
    cfg.write_text("[default]\noutput = json\n")
    r = run(["config", "set", "api_url", "https://admin:Url-Pw-5150@api.example/v1"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 2 and "user information" in r.err, r
    absent([r.out, r.err], ["Url-Pw-5150", "admin:"])
    assert cfg.read_text() == "[default]\noutput = json\n"


@pytest.mark.parametrize("host", ["127..0.0.1", "127.0.0.1.", "0x7f.0.0.1", "0x7f.1", "127.1", "127.0.0.01", "0177.0.0.1",
                                  "127.0.0.256", "127.0.0.1.5", "localhost.", "127.0.0.1x", "[::2]"])
def test_plain_http_to_what_is_not_a_loopback_address_is_refused(run, sb, host):
    url = f"http://{host}:{sb.port}/v1"
    r = run(["accounts", "list", "--per-page", "1"], None, env={"SOPORTE_API_URL": url}, timeout=20)
    assert r.rc == 3, r
    assert sb.requests() == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LocalHost", "127.255.0.9"])
def test_plain_http_to_loopback_still_works(run, sb, host):
    if host.startswith("127.255"):
        url = f"http://{host}:{sb.port}/v1"
        r = run(["accounts", "list", "--per-page", "1", "--dry-run"], None, env={"SOPORTE_API_URL": url})
        assert r.rc == 0 and url in r.out, r
        return
    r = run(["accounts", "list", "--limit", "1", "-o", "ndjson"], None, env={"SOPORTE_API_URL": f"http://{host}:{sb.port}/v1"})
    assert r.rc == 0 and len(r.out.splitlines()) == 1, r


def test_config_set_checks_loopback_on_the_parsed_address(run, home):
    cfg = home / "config"
    for url in ("http://127..0.0.1:9/v1", "http://127.0.0.1.:9/v1", "http://0x7f.1/v1"):
        r = run(["config", "set", "api_url", url], env={"SOPORTE_CONFIG": str(cfg)})
        assert r.rc == 2, r
        assert not cfg.exists() or "api_url" not in cfg.read_text()
    r = run(["config", "set", "api_url", "http://127.0.0.1:9/v1"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 0 and "api_url = http://127.0.0.1:9/v1" in cfg.read_text(), r
