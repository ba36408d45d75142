"""Issue 13: honest under time and failure (docs/CONTRACT.md §10.5-10.8): waits are bounded and said,
a walk never ends with exit 0 and items missing, a stopped walk says the whole command
that resumes it, bulk results are data, errors are JSON for machines, `api` prints JSON."""
import json
import os
import shlex
import signal
import subprocess
import time
import urllib.parse

import pytest

from conftest import SOPORTE, TOKEN, env_for, sweep

ACCT = "/v1/whm/accounts"




def ndjson(text):
    return [json.loads(l) for l in text.splitlines()]


# --- Waiting (docs/CONTRACT.md §10.5) ---------------------------------------------------------------

def test_a_retry_after_longer_than_max_wait_is_exit_7_at_once(run, fresh):
    s = fresh()
    s.fault(match={"path": "/v1/whm/servers"}, count=9, status=429, retry_after=120)
    t0 = time.monotonic()
    r = run(["servers", "list"], s)
    assert r.rc == 7 and time.monotonic() - t0 < 5, r
    assert "a wait of 120 s" in r.err and "--max-wait 60 s" in r.err and "Try again after" in r.err
    assert len([q for q in s.requests() if q["path"] == "/v1/whm/servers"]) == 1
    # a longer --max-wait accepts it (shown with a small wait to keep the test short)
    s.reset()
    s.fault(match={"path": "/v1/whm/servers"}, count=1, status=429, retry_after=3)
    r = run(["servers", "list", "--max-wait", "2"], s)
    assert r.rc == 7, r
    s.reset()
    s.fault(match={"path": "/v1/whm/servers"}, count=1, status=429, retry_after=2)
    r = run(["servers", "list", "--max-wait", "5", "-o", "json"], s)
    assert r.rc == 0, r


def test_every_wait_over_a_second_is_announced_even_without_a_terminal(run, fresh):
    s = fresh()
    s.fault(match={"path": "/v1/whm/servers"}, count=1, status=429, retry_after=2)
    r = run(["servers", "list"], s)
    assert r.rc == 0
    assert "rate limited (429): retrying GET /whm/servers in 2.0 s (attempt 2 of 4)" in r.err, r
    s.fault(match={"path": "/v1/whm/servers"}, count=1, status=429, retry_after=2)
    r = run(["servers", "list", "-q"], s)
    assert r.rc == 0 and r.err == "", r


# --- Walks (docs/CONTRACT.md §10.6) -----------------------------------------------------------------

def page_body(s, page, per_page, keep):
    _, doc = s.api("GET", f"/whm/accounts?page={page}&per_page={per_page}")
    doc["data"] = doc["data"][:keep]
    return json.dumps(doc)


@pytest.mark.parametrize("keep", [0, 5])
def test_a_short_page_is_asked_again_then_fails_the_walk(run, fresh, keep):
    s = fresh("--accounts", "100", "--rate-limit", "off")
    body = page_body(s, 3, 10, keep)
    s.reset()
    s.fault(match={"path": ACCT, "query": "page=3&"}, count=2, body=body)
    r = run(["accounts", "list", "--per-page", "10", "-o", "ndjson"], s)
    assert r.rc == 8, r
    assert [a["id"] for a in ndjson(r.out)] == list(range(1, 21)), "pages 1-2 written, nothing after the short page"
    assert f"page 3 had {keep} of 10 items twice" in r.err
    assert len([q for q in s.requests() if "page=3&" in q["query"]]) == 2
    # once short only: asked again, the walk is whole
    s.reset()
    s.fault(match={"path": ACCT, "query": "page=3&"}, count=1, body=body)
    r = run(["accounts", "list", "--per-page", "10", "-o", "ndjson"], s)
    assert r.rc == 0 and [a["id"] for a in ndjson(r.out)] == list(range(1, 101)), r


def test_the_resume_command_is_complete_and_resumes(fresh, tmp_path):
    s = fresh("--accounts", "100", "--rate-limit", "off")
    s.fault(match={"path": ACCT, "query": "page=4&"}, count=9, status=500)
    args = ["accounts", "list", "--filter", "status=active", "--per-page", "7", "-o", "ndjson", "--sort", "id"]
    p = subprocess.run([SOPORTE, *args], env=env_for(s), capture_output=True, text=True)
    assert p.returncode == 8
    first = ndjson(p.stdout)
    notes = [json.loads(l) for l in p.stderr.splitlines()]
    assert notes[-1]["error"]["exit_status"] == 8
    stopped = next(n["warning"] for n in notes if "warning" in n and n["warning"]["code"] == "WALK_STOPPED")
    cmd = stopped["message"].split("resume with: ", 1)[1]
    assert cmd.startswith("soporte accounts list ") and "--per-page 7" in cmd and "--from-page 4" in cmd and "status=active" in cmd
    s.control("DELETE", "/_sandbox/faults")
    words = shlex.split(cmd)
    rest = subprocess.run([SOPORTE, *words[1:]], env=env_for(s), capture_output=True, text=True)
    assert rest.returncode == 0, rest.stderr
    want = [a for a in s.all("/whm/accounts", **{"filter[status]": "active", "sort": "id"})]
    assert first + ndjson(rest.stdout) == want


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_walk_says_how_to_resume_on_signals(fresh, sig, code):
    s = fresh("--accounts", "300", "--latency", "150", "--rate-limit", "off")
    p = subprocess.Popen([SOPORTE, "accounts", "list", "--per-page", "10", "-o", "ndjson"], env=env_for(s),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline and len(s.requests()) < 8:
        time.sleep(0.05)
    p.send_signal(sig)
    out, err = p.communicate(timeout=5)
    assert p.returncode == code
    note = json.loads(err.decode().strip().splitlines()[-1])["warning"]
    assert note["code"] == "WALK_STOPPED"
    cmd = note["message"].split("resume with: ", 1)[1]
    written = len(out.splitlines())
    page = int(cmd.rsplit("--from-page ", 1)[1].split()[0])
    if "while writing page" in note["message"]:  # stopped mid-page: part of it may be out
        assert (page - 1) * 10 <= written <= page * 10, (written, note)
    else:
        assert written == (page - 1) * 10, (written, cmd)


def test_memory_stays_bounded_whatever_the_bodies(fresh, tmp_path):
    s = fresh("--accounts", "500", "--rate-limit", "off")
    s.fault(match={"path": ACCT, "query": "page=1&"}, count=1)
    s.fault(match={"path": ACCT}, count=50, action="huge")
    t = subprocess.run(["/usr/bin/time", "-f", "%M", SOPORTE, "accounts", "list", "-o", "ndjson"], env=env_for(s),
                       capture_output=True, text=True, timeout=120)
    rss_kib = int(t.stderr.strip().splitlines()[-1])
    assert t.returncode == 8, t.stderr
    assert "16 MiB" in t.stderr
    assert rss_kib < 100 * 1024, f"peak RSS {rss_kib} KiB"


def test_dense_pages_read_ahead_are_parsed_in_their_turn(fresh, tmp_path):
    """A page of 440,000 zeros is 0.9 MB of bytes but 8.8 MB of parsed tokens. Pages read
    ahead hold their bytes only (a page is parsed in its turn), so with 16 in flight (32
    read ahead) the walk stays under the documented 100 MiB; parsed as they came, 32 such
    pages ahead held 280-318 MiB."""
    s = fresh("--accounts", "400", "--rate-limit", "off")
    zeros = ",".join(["0"] * 44_000)
    for p in range(1, 41):
        items = ",".join(f'{{"id":{(p - 1) * 10 + k},"z":[{zeros}]}}' for k in range(1, 11))
        body = f'{{"data":[{items}],"meta":{{"current_page":{p},"last_page":40,"per_page":10,"total":400}}}}'
        s.fault(match={"path": ACCT, "query": f"page={p}&"}, count=5, body=body)
    config = tmp_path / "config"
    config.write_text("concurrency = 16\n")
    config.chmod(0o600)
    t = subprocess.run(["/usr/bin/time", "-f", "%M", SOPORTE, "accounts", "list", "--per-page", "10", "-o", "ndjson"],
                       env=env_for(s, SOPORTE_CONFIG=str(config)), capture_output=True, text=True, timeout=120)
    rss_kib = int(t.stderr.strip().splitlines()[-1])
    assert t.returncode == 0, t.stderr
    assert [json.loads(l)["id"] for l in t.stdout.splitlines()] == list(range(1, 401))
    assert rss_kib < 100 * 1024, f"peak RSS {rss_kib} KiB"


# --- Bulk (docs/CONTRACT.md §10.6) ------------------------------------------------------------------

def test_a_delete_whose_answer_was_lost_is_done(run, fresh):
    s = fresh()
    s.fault(match={"method": "DELETE", "path": "/v1/whm/accounts/23"}, count=1, action="drop_before_headers")
    r = run(["accounts", "delete", "23", "--yes"], s)
    assert r.rc == 0, r
    assert r.out == "deleted 23 (already gone: the first answer was lost)\n"
    assert s.api("GET", "/whm/accounts/23")[0] == 404


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_bulk_results_are_data(run, fresh, fmt):
    s = fresh()
    r = run(["accounts", "unsuspend", "5", "999999", "6", "-o", fmt], s)
    assert r.rc == 5
    items = json.loads(r.out) if fmt == "json" else ndjson(r.out)
    assert [i["id"] for i in items] == [5, 999999, 6]
    assert [i["outcome"] for i in items] == ["unsuspended", "failed", "unsuspended"]
    assert items[1]["error"]["code"] == "RESOURCE_NOT_FOUND" and items[1]["http_status"] == 404
    assert all(isinstance(i["id"], int) for i in items)
    err = [json.loads(l) for l in r.err.splitlines()]
    assert err[-1]["error"]["exit_status"] == 5


# --- Errors for machines (docs/CONTRACT.md §10.7) ----------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "ndjson"])
@pytest.mark.parametrize("args,code", [
    (["accounts", "get", "999999"], 5),
    (["accounts", "list", "--per-page", "500"], 2),
    (["accounts", "lst"], 2),
    (["accounts", "list", "--filter", "status==x"], 2),
])
def test_stderr_is_json_only_one_shape(run, sb, fmt, args, code):
    r = run(args + ["-o", fmt], sb)
    assert r.rc == code, r
    lines = [json.loads(l) for l in r.err.splitlines()]
    e = lines[-1]["error"]
    assert set(e) == {"code", "message", "http_status", "exit_status", "request_id", "details"}
    assert e["exit_status"] == code
    p = subprocess.run(["jq", "-s", "."], input=r.err, capture_output=True, text=True)
    assert p.returncode == 0


def test_a_closed_stdout_is_an_error_not_silence(sb):
    p = subprocess.run(f"exec '{SOPORTE}' accounts list -o ndjson >&-", shell=True, env=env_for(sb), capture_output=True, text=True)
    assert p.returncode == 1, p
    assert "standard output" in p.stderr


# --- api (docs/CONTRACT.md §10.8) ------------------------------------------------------------------

def test_api_prints_json_and_paginates_into_one_array(run, sb):
    r = run(["api", "GET", "/whm/servers", "--paginate"], sb)
    assert r.rc == 0
    assert json.loads(r.out) == sb.all("/whm/servers")
    r = run(["api", "GET", "/whm/accounts", "--paginate", "--per-page", "100", "-o", "table"], sb)
    assert len(json.loads(r.out)) == 250
    r = run(["api", "GET", "/whm/accounts", "--paginate", "-o", "ndjson"], sb)
    assert len(r.out.splitlines()) == 250


def test_api_prints_an_error_body_and_sends_a_repeated_prefix_once(run, sb):
    r = run(["api", "GET", "/whm/accounts/999999"], sb)
    assert r.rc == 5
    assert json.loads(r.out)["error"]["code"] == "RESOURCE_NOT_FOUND"
    sb.reset()
    r = run(["api", "GET", "/v1/whm/accounts/1"], sb)
    assert r.rc == 0 and json.loads(r.out)["data"]["id"] == 1
    assert [q["path"] for q in sb.requests()] == ["/v1/whm/accounts/1"]
    assert "already ends in /v1" in r.err


# --- Pacing against both kinds of server (docs/CONTRACT.md §10.5) -------------------------------------

def timed_walk(s, pages, token):
    env = env_for(s, SOPORTE_API_TOKEN=token)
    t0 = time.monotonic()
    p = subprocess.run([SOPORTE, "accounts", "list", "--per-page", "1", "-o", "ndjson"], env=env, capture_output=True, text=True,
                       timeout=120)
    took = time.monotonic() - t0
    sweep(p.stdout, p.stderr)
    return p, took


def test_pacing_against_a_token_bucket_provokes_no_429_within_the_bound(fresh):
    from conftest import USER_TOKEN
    pages = 140
    s = fresh("--accounts", str(pages), "--rate-limit", "on")
    p, took = timed_walk(s, pages, USER_TOKEN)
    assert p.returncode == 0 and len(p.stdout.splitlines()) == pages, p.stderr
    stats = s.control("GET", "/_sandbox/stats")
    bound = max(0, pages - (100 + 20)) * 60 / 100     # the user tier: 100 a minute + a burst of 20
    print(f"bucket: {pages} pages in {took:.2f} s, bound {bound:.2f} s ({took / bound:.2f}x), {stats['rate_limited']} x 429")
    assert stats["rate_limited"] == 0 and stats["requests"] == pages
    assert took <= bound * 1.1 + 1.0, (took, bound)   # + the process's own start and the unpaced burst


def test_pacing_against_a_fixed_window_provokes_no_429_and_never_waits_past_the_reset(fresh):
    limit, seconds, pages = 5, 2, 23
    s = fresh("--accounts", str(pages), "--rate-window", f"{limit}/{seconds}")
    start = time.time()
    p, took = timed_walk(s, pages, TOKEN)
    assert p.returncode == 0 and len(p.stdout.splitlines()) == pages, p.stderr
    stats = s.control("GET", "/_sandbox/stats")
    windows = -(-pages // limit)
    bound = (windows - 1) * seconds - (start % seconds)   # the rest of the first window, then one a window
    print(f"window: {pages} pages in {took:.2f} s, bound {bound:.2f} s ({took / bound:.2f}x), {stats['rate_limited']} x 429")
    assert stats["rate_limited"] == 0 and stats["requests"] == pages
    assert took <= bound * 1.1 + 0.5, (took, bound)
    # every wait over a second was said
    assert "rate limit nearly spent: pacing for" in p.stderr or bound < 1.5 * (windows - 1)
