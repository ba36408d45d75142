"""Issue 22: what crosses a boundary is parsed there (docs/CONTRACT.md §12). Ids and page counts from
the server, profile names and numbers from the user, and the files soporte writes: each
class has a test here that failed on the main of before (a029f67)."""
import json
import os
import resource
import signal
import stat
import subprocess

import pytest

from conftest import SOPORTE, env_for

ACCT = "/v1/whm/accounts"
FORMATS = ["table", "json", "ndjson", "csv", "tsv"]


def lookup_answer(*items):
    return json.dumps({"data": list(items), "meta": {"current_page": 1, "last_page": 1, "per_page": 10, "total": len(items)}})


def sent(s, method):
    return [q for q in s.requests() if q["method"] == method]


# --- Profile names (docs/CONTRACT.md §12.2) -----------------------------------------------------------

INJECTION = "x]\n[default]\ntoken_command = touch ./PWNED; echo T\n[x"


@pytest.mark.parametrize("name", [INJECTION, "a]b", "", "a b", "ñ", "a" * 65, "../x", "a\tb"])
def test_a_profile_name_that_is_not_a_name_is_refused_before_any_file_is_touched(run, home, name):
    cfg = home / "config"
    r = run(["--profile", name, "config", "set", "timeout", "5"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 2 and "--profile must be 1 to 64 of the characters" in r.err, r
    assert not cfg.exists()
    r = run(["config", "set", "timeout", "5"], env={"SOPORTE_CONFIG": str(cfg), "SOPORTE_PROFILE": name or "a]b"})
    assert r.rc == 3 and "SOPORTE_PROFILE must be" in r.err, r
    assert not cfg.exists()


def test_an_injected_profile_cannot_add_a_token_command(run, home, sb):
    cfg = home / "config"
    cfg.write_text("[default]\ntimeout = 7\n")
    os.chmod(cfg, 0o600)
    before = cfg.read_bytes()
    r = run(["--profile", INJECTION, "config", "set", "timeout", "5"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 2, r
    r = run(["config", "set", "timeout", "5"], env={"SOPORTE_CONFIG": str(cfg), "SOPORTE_PROFILE": "p]\nk = v"})
    assert r.rc == 3, r
    assert cfg.read_bytes() == before
    r = run(["health"], sb, env={"SOPORTE_CONFIG": str(cfg)}, token=None)
    assert not (home / "PWNED").exists() and not os.path.exists("PWNED")


def test_every_allowed_profile_name_is_written_and_read_back(run, home):
    cfg = home / "config"
    name = "Stag.ing-1_x"
    r = run(["--profile", name, "config", "set", "timeout", "5"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 0, r
    assert f"[{name}]\ntimeout = 5\n" in cfg.read_text()
    r = run(["config", "get", "timeout"], env={"SOPORTE_CONFIG": str(cfg), "SOPORTE_PROFILE": name})
    assert r.rc == 0 and r.out.strip() == "5", r


# --- Name lookups (docs/CONTRACT.md §12.1) -------------------------------------------------------------

def test_a_lookup_never_takes_an_item_of_another_name(run, sb):
    sb.fault(match={"method": "GET", "path": ACCT}, body=lookup_answer({"id": 77, "domain": "victim-other.com", "username": "vic"}))
    r = run(["accounts", "delete", "example.com", "--yes"], sb)
    assert r.rc == 5, r
    assert "no account named example.com; the lookup answered 1 other" in r.err
    assert "deleted" not in r.out
    assert sent(sb, "DELETE") == []


def test_domains_match_without_regard_to_case_and_usernames_exactly(run, sb):
    sb.fault(match={"method": "GET", "path": ACCT}, body=lookup_answer({"id": 4, "domain": "Shop.EXAMPLE.com", "username": "shop"}))
    r = run(["accounts", "unsuspend", "shop.example.com"], sb)
    assert r.rc == 0 and "unsuspended shop.example.com" in r.out, r
    assert [q["path"] for q in sent(sb, "POST")] == [ACCT + "/4/unsuspend"]
    sb.reset()
    sb.fault(match={"method": "GET", "path": ACCT}, body=lookup_answer({"id": 4, "domain": "shop.example.com", "username": "Shop"}))
    r = run(["accounts", "unsuspend", "shop"], sb)
    assert r.rc == 5 and "no account named shop" in r.err, r
    assert sent(sb, "POST") == []


@pytest.mark.parametrize("bad", ["..", "1,\"package\":\"enterprise\"", -3, 1.5, "007", 0, "9223372036854775808", None, True, "4/../5"])
def test_an_id_from_the_server_that_is_not_an_id_builds_no_request(run, sb, bad):
    sb.fault(match={"method": "GET", "path": ACCT}, count=2, body=lookup_answer({"id": bad, "domain": "example.com"}))
    for verb in ["suspend", "delete"]:
        r = run(["accounts", verb, "example.com", "--yes"], sb)
        assert r.rc == 8, (verb, r)
        assert "which is not an id" in r.err or "has no id" in r.err, r
    assert [q["method"] for q in sb.requests()] == ["GET", "GET"]


def test_a_server_id_cannot_be_spliced_into_a_create_body(run, sb, tmp_path):
    sb.fault(match={"method": "GET", "path": "/v1/whm/servers"},
             body=json.dumps({"data": [{"id": '1,"package":"enterprise"', "hostname": "h.example.com"}],
                              "meta": {"current_page": 1, "last_page": 1, "per_page": 10, "total": 1}}))
    pw = tmp_path / "pw"
    pw.write_text("Sup3r-Secret-Passw0rd\n")
    r = run(["accounts", "create", "--domain", "n.example", "--username", "nn", "--email", "a@b.c", "--package", "basic",
             "--server-id", "h.example.com", "--password-file", str(pw)], sb)
    assert r.rc == 8 and "which is not an id" in r.err, r
    assert sent(sb, "POST") == []


def test_ids_typed_with_leading_zeros_are_that_number_everywhere(run, sb, tmp_path):
    r = run(["accounts", "unsuspend", "007", "-o", "json"], sb)
    assert r.rc == 0, r
    out = json.loads(r.out)
    assert out[0]["id"] == 7 and out[0]["outcome"] == "unsuspended"
    assert [q["path"] for q in sent(sb, "POST")] == [ACCT + "/7/unsuspend"]
    journal = tmp_path / "j"
    r = run(["accounts", "unsuspend", "010", "--journal", str(journal)], sb)
    assert r.rc == 0 and "unsuspended 10" in r.out, r
    records = [json.loads(l) for l in journal.read_text().splitlines()]
    assert {rec["id"] for rec in records} == {10}
    r = run(["accounts", "unsuspend", "0010", "--journal", str(journal)], sb)
    assert r.rc == 0 and "skipped 10 (done, journal)" in r.out, r
    assert len(sent(sb, "POST")) == 2
    r = run(["accounts", "create", "--domain", "n.example", "--username", "nn", "--email", "a@b.c", "--package", "basic",
             "--server-id", "007", "--dry-run"], sb)
    assert r.rc == 0 and '"server_id":7' in r.out, r


def test_ids_separated_by_commas_are_told_to_use_spaces(run, sb):
    r = run(["accounts", "suspend", "42,43", "--yes"], sb)
    assert r.rc == 2 and "IDs are separated by spaces (42 43)" in r.err, r
    assert sb.requests() == []


# --- Page metadata (docs/CONTRACT.md §12.1) ------------------------------------------------------------

def first_page_with(s, spelling, total=None):
    """Page 1 of 10 accounts by 2, its last_page spelt `spelling` (and total replaced)."""
    _, doc = s.api("GET", "/whm/accounts?page=1&per_page=2")
    text = json.dumps(doc, separators=(",", ":"))
    assert '"last_page":5' in text
    text = text.replace('"last_page":5', '"last_page":' + spelling)
    if total is not None:
        text = text.replace('"total":10', '"total":' + str(total))
    s.fault(match={"method": "GET", "path": ACCT, "query": "page=1&"}, body=text)


@pytest.fixture(scope="module")
def ten(request):
    from conftest import Sandbox
    s = Sandbox("--accounts", "10", "--rate-limit", "off")
    yield s
    s.stop()


@pytest.mark.parametrize("spelling", ["5.0", "5e0", "5E+0", "50e-1", '"5"'])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_page_count_in_any_integer_spelling_is_that_count(run, ten, spelling, fmt):
    ten.reset()
    first_page_with(ten, spelling)
    r = run(["accounts", "list", "--per-page", "2", "-o", fmt, "--fields", "id"], ten)
    assert r.rc == 0, r
    ids = [l for l in r.out.splitlines() if l.strip().isdigit()] if fmt in ("table", "csv", "tsv") else None
    if fmt == "json":
        assert len(json.loads(r.out)) == 10
    elif fmt == "ndjson":
        assert len(r.out.splitlines()) == 10
    else:
        assert len(ids) == 10, r


@pytest.mark.parametrize("spelling", ["2.5", "-5", '"5.0"', "true", "1e400"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_page_count_that_is_not_a_count_is_exit_8(run, ten, spelling, fmt):
    ten.reset()
    first_page_with(ten, spelling)
    r = run(["accounts", "list", "--per-page", "2", "-o", fmt], ten)
    assert r.rc == 8, r
    assert "meta.last_page is" in r.err


def test_a_bad_page_count_is_believed_when_the_total_shows_every_item_is_there(run, ten):
    ten.reset()
    first_page_with(ten, "2.5", total=2)
    r = run(["accounts", "list", "--per-page", "2", "-o", "ndjson"], ten)
    assert r.rc == 0 and len(r.out.splitlines()) == 2, r


@pytest.mark.parametrize("args", [["accounts", "list", "-o", "ndjson"], ["api", "GET", "/whm/accounts", "--paginate"]])
def test_no_walk_exits_0_with_fewer_items_than_the_total_whatever_last_page_says(run, ten, args):
    ten.reset()
    first_page_with(ten, "1")
    r = run(args + ["--per-page", "2"], ten)
    assert r.rc == 8, r
    assert "meta.total said 10 items" in r.err, r
    ten.reset()
    first_page_with(ten, "2.5")
    r = run(args + ["--per-page", "2"], ten)
    assert r.rc == 8, r


# --- Numbers (docs/CONTRACT.md §12.2) ------------------------------------------------------------------

@pytest.mark.parametrize("value", ["0x10", "1e3", "+5", " 5", "5 ", "inf", "nan", ".5", "5.", "1_0", "٣"])
def test_numbers_are_plain_decimal(run, home, value):
    r = run(["--timeout", value, "health", "--dry-run"], env={"SOPORTE_API_URL": "http://127.0.0.1:9/v1"})
    assert r.rc == 2 and "--timeout must be a number" in r.err, r
    r = run(["--retries", value, "health", "--dry-run"], env={"SOPORTE_API_URL": "http://127.0.0.1:9/v1"})
    assert r.rc == 2, r
    r = run(["accounts", "list", "--limit", value, "--dry-run"], env={"SOPORTE_API_URL": "http://127.0.0.1:9/v1"})
    assert r.rc == 2, r
    cfg = home / "c"
    # quoted: white space around an unquoted value is the file's syntax, not the value
    cfg.write_text(f'[default]\ntimeout = "{value}"\n')
    r = run(["health", "--dry-run"], env={"SOPORTE_CONFIG": str(cfg), "SOPORTE_API_URL": "http://127.0.0.1:9/v1"})
    assert r.rc == 3 and "timeout must be" in r.err, r
    if value.strip() == value:  # config set trims the value, as the file's reader does
        r = run(["config", "set", "retries", value], env={"SOPORTE_CONFIG": str(home / "new")})
        assert r.rc == 2 and not (home / "new").exists(), r


# --- Redirected changes (docs/CONTRACT.md §12.1) -------------------------------------------------------

@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_in_answer_to_a_change_is_not_followed(run, sb, status):
    loc = sb.url + "/whm/accounts/6/suspend"
    sb.fault(match={"method": "POST", "path": ACCT + "/5/suspend"}, status=status, body="", headers={"Location": loc})
    r = run(["accounts", "suspend", "5", "--yes"], sb)
    assert r.rc == 8, r
    assert "failed 5:" in r.out and "redirected POST /whm/accounts/5/suspend" in r.out and "was not done" in r.out, r
    assert loc in r.err
    assert [q["path"] for q in sent(sb, "POST")] == [ACCT + "/5/suspend"]


# --- Files soporte writes (docs/CONTRACT.md §12.3) -----------------------------------------------------

def test_a_journal_that_is_a_symlink_or_not_a_journal_is_refused_untouched(run, sb, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes\nline two\n")
    os.chmod(target, 0o644)
    link = tmp_path / "j"
    link.symlink_to(target)
    r = run(["accounts", "unsuspend", "1", "--journal", str(link)], sb)
    assert r.rc == 2 and "symbolic link" in r.err, r
    r = run(["accounts", "unsuspend", "1", "--journal", str(target)], sb)
    assert r.rc == 2 and "not a soporte journal" in r.err, r
    assert target.read_text() == "my notes\nline two\n" and stat.S_IMODE(os.stat(target).st_mode) == 0o644
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = run(["accounts", "unsuspend", "1", "--journal", str(fifo)], sb, timeout=10)
    assert r.rc == 2 and "not a regular file" in r.err, r
    assert sent(sb, "POST") == []


def limited_file_size(nbytes):
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return pre


def test_a_journal_that_cannot_be_written_stops_the_run_before_its_next_request(fresh, tmp_path):
    s = fresh("--accounts", "60", "--rate-limit", "off")
    journal = tmp_path / "j"
    ids = "\n".join(str(i) for i in range(1, 61)) + "\n"
    p = subprocess.run([SOPORTE, "accounts", "unsuspend", "-", "--journal", str(journal)], env=env_for(s), input=ids,
                       capture_output=True, text=True, timeout=60, preexec_fn=limited_file_size(2000))
    assert p.returncode == 1, p.stderr
    assert f"the journal {journal} could not be written" in p.stderr and "stopped before its next request" in p.stderr, p.stderr
    lines = journal.read_text().splitlines()
    complete = [json.loads(l) for l in lines if l.endswith("}")]
    sending = {r["id"] for r in complete if r["outcome"] == "sending"}
    done = {r["id"] for r in complete if r["outcome"] != "sending"}
    posted = {int(q["path"].split("/")[4]) for q in s.requests() if q["method"] == "POST"}
    assert 0 < len(posted) < 60
    # every request that left has its `sending` line; those whose outcome went unrecorded are named
    assert posted <= sending, (posted, sending)
    unrecorded = posted - done
    if unrecorded:
        named = p.stderr.split("sent without a record (check them before running again): ")[1].split("\n")[0]
        assert {int(x) for x in named.split(", ")} >= unrecorded, p.stderr


def history_env(home):
    return {"SOPORTE_HISTORY": None, "XDG_STATE_HOME": str(home / "state")}


def test_a_history_that_is_a_symlink_or_not_ours_is_skipped_with_a_warning(run, sb, home, tmp_path):
    (home / "state" / "soporte").mkdir(parents=True)
    hist = home / "state" / "soporte" / "history"
    other = tmp_path / "precious"
    other.write_text("".join(f"line {i}\n" for i in range(12000)))
    os.chmod(other, 0o644)
    before = other.read_bytes()
    hist.symlink_to(other)
    r = run(["accounts", "unsuspend", "1"], sb, env=history_env(home))
    assert r.rc == 0 and "could not record the request" in r.err and "symbolic link" in r.err, r
    assert other.read_bytes() == before and stat.S_IMODE(os.stat(other).st_mode) == 0o644
    hist.unlink()
    hist.write_text("not a history\n")
    r = run(["accounts", "unsuspend", "1"], sb, env=history_env(home))
    assert r.rc == 0 and "not soporte's" in r.err, r
    assert hist.read_text() == "not a history\n"
    hist.unlink()
    r = run(["accounts", "unsuspend", "1"], sb, env=history_env(home))
    assert r.rc == 0 and r.err == "", r
    assert json.loads(hist.read_text().splitlines()[0])["path"] == "/whm/accounts/1/unsuspend"


# --- Against the simulator's Laravel dialect (its paginator, escaping, throttle) ----------

@pytest.mark.parametrize("numbers", ["float", "exp", "string"])
@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_a_whole_walk_against_laravel_page_numbers_gets_every_item(numbers, fmt):
    from conftest import Sandbox
    s = Sandbox("--accounts", "25", "--rate-limit", "off", "--dialect", "laravel", "--page-numbers", numbers)
    try:
        p = subprocess.run([SOPORTE, "accounts", "list", "--per-page", "4", "-o", fmt, "--fields", "id,domain"], env=env_for(s),
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        rows = p.stdout.splitlines()[(1 if fmt == "csv" else 0):]
        assert len(rows) == 25, p.stdout
    finally:
        s.stop()


def test_a_name_lookup_against_laravel_finds_the_account_by_its_exact_domain(fresh):
    s = fresh("--accounts", "30", "--rate-limit", "off", "--dialect", "laravel")
    _, doc = s.api("GET", "/whm/accounts?page=1&per_page=1")
    account = doc["data"][0]
    p = subprocess.run([SOPORTE, "accounts", "get", account["domain"], "-o", "json"], env=env_for(s),
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["id"] == account["id"]
