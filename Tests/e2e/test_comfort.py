"""docs/CONTRACT.md §14.4-§14.7: profiles (`config use`), history filters and records, completion from
the command table and a local cache, and the small things (the /v1 hint, the proxy named
in connect errors, the man page's and the demo's quoting)."""
import json
import os
import re
import stat
import subprocess
import time

import pytest
from conftest import ROOT, SOPORTE, TOKEN
from test_docs import bash_complete

CONFIG = """# my settings, kept as they are
[sandbox]
api_url = {url}
; a comment in sandbox

[production]
api_url = https://api.soporteclientes.net/v1
"""


def write_config(home, url="https://api-sandbox.soporteclientes.net/v1", text=CONFIG):
    path = home / "config"
    path.write_text(text.format(url=url))
    os.chmod(path, 0o600)
    return path


# MARK: - §14.4 profiles

def test_config_use_makes_a_profile_the_default_keeping_every_other_line(run, home):
    cfg = write_config(home)
    env = {"SOPORTE_CONFIG": str(cfg)}
    before = cfg.read_text()
    r = run(["config", "use", "sandbox"], env=env)
    assert r.rc == 0 and "'sandbox' is now the default" in r.err, r
    after = cfg.read_text()
    assert after.startswith("# my settings, kept as they are\ndefault_profile = sandbox\n\n[sandbox]\n"), after
    assert after.replace("default_profile = sandbox\n\n", "") == before
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    # The profile in use is marked, and `config get` reads its section.
    assert run(["config", "profiles"], env=env).out.splitlines() == ["  default", "* sandbox", "  production"]
    assert run(["config", "get", "api_url"], env=env).out == "https://api-sandbox.soporteclientes.net/v1\n"
    # A second `use` replaces the line in place; `use default` removes it.
    assert run(["config", "use", "production"], env=env).rc == 0
    assert cfg.read_text().count("default_profile") == 1 and "default_profile = production\n" in cfg.read_text()
    assert run(["config", "use", "default"], env=env).rc == 0
    assert cfg.read_text().replace("\n\n[sandbox]", "\n[sandbox]") == before


def test_profile_precedence_flag_then_environment_then_config_use_then_default(run, home):
    cfg = write_config(home)
    env = {"SOPORTE_CONFIG": str(cfg)}
    assert run(["config", "use", "sandbox"], env=env).rc == 0
    assert run(["config", "profiles"], env=env).out.splitlines()[1] == "* sandbox"
    assert run(["config", "profiles"], env={**env, "SOPORTE_PROFILE": "production"}).out.splitlines()[2] == "* production"
    assert run(["--profile", "default", "config", "profiles"], env={**env, "SOPORTE_PROFILE": "production"}).out.splitlines()[0] == "* default"
    r = run(["auth", "status"], env=env, token=None)
    assert r.rc == 3 and "profile 'sandbox' (from default_profile at" in r.err and "set by 'soporte config use'" in r.err, r


def test_a_profile_that_does_not_exist_gets_the_closest_one(run, home):
    cfg = write_config(home)
    env = {"SOPORTE_CONFIG": str(cfg)}
    r = run(["--profile", "prodution", "accounts", "list"], env=env)
    assert r.rc == 3 and "profile 'prodution' (from --profile) not found" in r.err and "did you mean 'production'?" in r.err, r
    r = run(["accounts", "list"], env={**env, "SOPORTE_PROFILE": "sandbx"})
    assert r.rc == 3 and "(from SOPORTE_PROFILE)" in r.err and "did you mean 'sandbox'?" in r.err, r
    before = cfg.read_text()
    r = run(["config", "use", "sanbox"], env=env)
    assert r.rc == 2 and "did you mean 'sandbox'?" in r.err, r
    r = run(["config", "set", "default_profile", "sandbox"], env=env)
    assert r.rc == 2 and "soporte config use NAME" in r.err, r
    r = run(["config", "use", "a/b"], env=env)
    assert r.rc == 2 and "1 to 64 of the characters" in r.err, r
    assert cfg.read_text() == before


def test_the_no_token_message_names_the_profile_and_whether_it_has_a_section(run, home):
    cfg = write_config(home)
    env = {"SOPORTE_CONFIG": str(cfg)}
    r = run(["--profile", "sandbox", "accounts", "list"], env=env, token=None)
    assert r.rc == 3 and "no API token for profile 'sandbox' (from --profile)" in r.err, r
    assert "has a [sandbox] section, without token or token_command" in r.err, r
    r = run(["accounts", "list"], env=env, token=None)
    assert r.rc == 3 and "no API token for profile 'default'" in r.err and "has no [default] section" in r.err, r
    r = run(["accounts", "list"], env={"SOPORTE_CONFIG": str(home / "none")}, token=None)
    assert r.rc == 3 and "there is no config file" in r.err and "--token-file PATH" in r.err, r


# MARK: - §14.5 history

def hist_env(home):
    return {"XDG_STATE_HOME": str(home / "state"), "SOPORTE_HISTORY": None}


def test_history_records_the_command_with_ids_and_the_reason_never_a_secret(run, fresh, home):
    s = fresh()
    env = hist_env(home)
    assert run(["accounts", "suspend", "3", "4", "--yes", "--reason", "unpaid invoice"], s, env=env).rc == 0
    assert run(["accounts", "update", "5", "--set", "notes=private words"], s, env=env).rc == 0
    text = (home / "state" / "soporte" / "history").read_text()
    lines = [json.loads(l) for l in text.splitlines()]
    assert sorted((l["command"], l.get("reason")) for l in lines[:2]) == [
        ("accounts suspend 3", "unpaid invoice"), ("accounts suspend 4", "unpaid invoice")]
    assert (lines[2]["command"], "reason" in lines[2]) == ("accounts update 5", False)
    assert "private" not in text and "notes" not in text and "--set" not in text and TOKEN not in text
    r = run(["history", "-o", "csv", "--fields", "command,reason"], env=env)
    assert r.out.splitlines()[:2] == ["command,reason", "accounts update 5,"], r
    assert sorted(r.out.splitlines()[2:]) == ["accounts suspend 3,unpaid invoice", "accounts suspend 4,unpaid invoice"], r


def test_history_since_a_duration_or_a_date_and_by_profile(run, home):
    path = home / "state" / "soporte" / "history"
    path.parent.mkdir(parents=True)
    now = time.time()

    def rec(ago, profile):
        t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now - ago)) + ".000Z"
        return json.dumps({"time": t, "command": f"accounts delete {int(ago)}", "profile": profile, "api_host": "h",
                           "method": "DELETE", "path": f"/whm/accounts/{int(ago)}", "status": 200,
                           "request_id": "r", "duration_ms": 1})
    path.write_text("".join(rec(a, p) + "\n" for a, p in
                            [(3 * 86400, "default"), (7200, "production"), (1800, "default"), (60, "production")]))
    os.chmod(path, 0o600)
    env = hist_env(home)

    def cmds(*args, e=env):
        r = run(["history", "-o", "json", *args], env=e)
        assert r.rc == 0, r
        return [x["command"].split()[-1] for x in json.loads(r.out)]
    assert cmds() == ["60", "1800", "7200", str(3 * 86400)]
    assert cmds("--since", "1h") == ["60", "1800"]
    assert cmds("--since", "2h30m") == ["60", "1800", "7200"]
    assert cmds("--since", "90") == ["60"]
    day = time.strftime("%Y-%m-%d", time.gmtime(now - 2 * 86400))
    assert cmds("--since", day) == ["60", "1800", "7200"]
    assert cmds("--since", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 3600))) == ["60", "1800"]
    cfg = write_config(home)
    e = {**env, "SOPORTE_CONFIG": str(cfg)}
    assert cmds("--profile", "production", e=e) == ["60", "7200"]
    assert cmds("--profile", "production", "--since", "1h", e=e) == ["60"]
    for bad in ["25h", "0", "0s", "1d", "1m1h", "-5m", "1e3", "2026-02-30", "yesterday", "5 m"]:
        r = run(["history", "--since", bad], env=env)
        assert r.rc == 2 and "--since must be" in r.err, (bad, r)


# MARK: - §14.7 small things

def test_man_page_examples_render_with_their_quotes():
    page = subprocess.run(["mandoc", "-Tutf8", os.path.join(ROOT, "man/soporte.1")], capture_output=True, check=True).stdout
    text = re.sub(r".\x08", "", page.decode())
    assert "printf '%s\\n' \"$PW\" | soporte accounts create" in text
    # Every example in the command table reads on the page as it is typed.
    ours = subprocess.run([SOPORTE, "help", "--man"], capture_output=True, check=True, text=True).stdout
    for line in ours.splitlines():
        if line.startswith(".Dl ") and "\\&" in line:
            typed = line[4:].replace("\\&", "").replace("\\(dq", '"').replace("\\e", "\\")
            assert " ".join(typed.split()) in " ".join(text.split()), typed


def test_the_demo_shows_each_command_as_it_must_be_typed():
    bindir = os.path.dirname(SOPORTE)
    r = subprocess.run(["bash", os.path.join(ROOT, "Tests/demo.sh"), bindir], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    shown = [l[2:] for l in r.stdout.splitlines() if l.startswith("$ ")]
    assert "soporte invoices list --filter 'amount>=400' --sort -amount --limit 5 -o csv" in shown, shown
    assert all(l.startswith("soporte ") for l in shown), shown
    # Each shown line, typed into a shell, gives the words the demo ran.
    for l in shown:
        words = subprocess.run(["bash", "-c", 'soporte() { printf "%s\\n" "$@"; }; ' + l.split(" | ")[0]],
                               capture_output=True, text=True).stdout.splitlines()
        assert all(">" not in w or w.startswith("amount") for w in words), (l, words)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_an_api_url_without_v1_gets_the_url_with_v1(run, sb):
    base = sb.url[:-len("/v1")]
    for url in (base, base + "/"):
        r = run(["accounts", "get", "1"], env={"SOPORTE_API_URL": url})
        assert r.rc == 5 and f"did you mean {base}/v1?" in r.err, r
    r = run(["-o", "json", "accounts", "list"], env={"SOPORTE_API_URL": base})
    assert r.rc == 5 and f"did you mean {base}/v1?" in json.loads(r.err)["error"]["details"][0], r
    # A 404 under a versioned URL is the resource's, without the hint.
    r = run(["accounts", "get", "999999"], sb)
    assert r.rc == 5 and "did you mean" not in r.err, r


def test_a_proxy_that_is_down_is_named_in_the_connect_error(run, sb):
    port = free_port()
    r = run(["--retries", "0", "health"], env={"SOPORTE_API_URL": "https://api.soporteclientes.net/v1",
                                                "https_proxy": f"http://proxyuser:proxypw@127.0.0.1:{port}"})
    assert r.rc == 9 and f"cannot connect to the proxy 127.0.0.1:{port} (from https_proxy)" in r.err, r
    assert "api.soporteclientes.net:443" in r.err and "proxypw" not in r.err and "proxyuser" not in r.err, r
    r = run(["--retries", "0", "health"], sb, env={"http_proxy": f"127.0.0.1:{port}"})
    assert r.rc == 9 and f"the proxy 127.0.0.1:{port} (from http_proxy)" in r.err, r
    # no_proxy and a down API: the API is named, not a proxy.
    r = run(["--retries", "0", "health"], env={"SOPORTE_API_URL": f"http://127.0.0.1:{port}/v1",
                                                "http_proxy": "127.0.0.1:9", "no_proxy": "127.0.0.1"})
    assert r.rc == 9 and f"cannot connect to 127.0.0.1:{port}" in r.err and "proxy" not in r.err, r


# MARK: - §14.6 completion



def fish_complete(line, env):
    cmd = f"source {ROOT}/completions/soporte.fish; complete -C '{line}'"
    out = subprocess.run(["fish", "-c", cmd], capture_output=True, text=True, check=True, env=env).stdout
    return [l.split("\t")[0] for l in out.splitlines()]


def zsh_complete(line, env):
    """`line` typed into an interactive zsh (under a pty) and TAB pressed: the screen."""
    import pty, select
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe("zsh", ["zsh", "-f", "-i"], {**env, "TERM": "dumb"})

    def read(t):
        out, end = b"", time.time() + t
        while time.time() < end:
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        return out
    os.write(fd, f"PS1='%% '; fpath=({ROOT}/completions $fpath); autoload -U compinit; compinit -u -D; setopt nobeep\n".encode())
    read(1.5)
    os.write(fd, line.encode() + b"\t")
    out = read(1.5)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\x1b[=>]", "", out.decode("utf-8", "replace"))


def shell_env(home):
    # No soporte on PATH: completion must not need to run it (and so sends no request).
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"), "LANG": "C.UTF-8"}


def test_health_o_completes_the_monitoring_formats_in_bash_zsh_and_fish(home):
    env = shell_env(home)
    assert bash_complete("soporte health -o ", env) == ["table", "json", "ndjson", "csv", "tsv", "nagios", "prometheus"]
    assert bash_complete("soporte accounts list -o ", env) == ["table", "json", "ndjson", "csv", "tsv", "xlsx"]
    assert {"nagios", "prometheus"} <= set(fish_complete("soporte health -o ", env))
    assert "nagios" not in fish_complete("soporte accounts list -o ", env)
    screen = zsh_complete("soporte health -o ", env)
    assert "nagios" in screen and "prometheus" in screen, screen


def test_fields_sort_and_filter_complete_the_resources_known_fields(home):
    env = shell_env(home)
    assert bash_complete("soporte accounts list --fields id,dom", env) == ["id,domain"]
    assert "suspended_reason" in bash_complete("soporte accounts list --fields ", env)
    assert bash_complete("soporte accounts list --sort status,-cre", env) == ["status,-created_at"]
    assert bash_complete("soporte invoices list --filter amo", env) == ["amount"]
    assert bash_complete("soporte servers get 1 --fields ho", env) == ["hostname"]
    assert fish_complete("soporte accounts list --fields id,dom", env) == ["id,domain"]
    assert fish_complete("soporte invoices list --sort due", env) == ["due_date"]
    assert fish_complete("soporte accounts list --filter sta", env) == ["status"]
    assert "--fields id,domain " in zsh_complete("soporte accounts list --fields id,dom", env)
    assert "--sort -created_at " in zsh_complete("soporte accounts list --sort -cre", env)


def test_list_writes_the_cache_that_completes_ids_and_names_without_a_request(run, fresh, home):
    s = fresh("--accounts", "30", "--rate-limit", "off")
    cache = home / "cache" / "soporte" / "accounts"
    r = run(["accounts", "list", "-o", "json"], s, env={"XDG_CACHE_HOME": str(home / "cache")})
    assert r.rc == 0, r
    items = json.loads(r.out)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600 and stat.S_IMODE(os.stat(cache.parent).st_mode) == 0o700
    lines = cache.read_text().splitlines()
    assert lines == [f"{a['id']}\t{a['domain']}\t{a['username']}" for a in items]
    s.reset()
    env = shell_env(home)
    first = items[0]
    assert bash_complete("soporte accounts get ", env)[:3] == [str(first["id"]), first["domain"], first["username"]]
    assert bash_complete(f"soporte accounts suspend 3 {first['domain'][:4]}", env) == \
        sorted({a["domain"] for a in items if a["domain"].startswith(first["domain"][:4])} |
               {a["username"] for a in items if a["username"].startswith(first["domain"][:4])}, key=[w for l in lines for w in l.split("\t")].index)
    assert first["domain"] in fish_complete("soporte accounts delete ", env)
    assert first["username"] in zsh_complete(f"soporte accounts get {first['username']}", env)
    assert s.requests() == []
    # Without a home: the list still works, quietly, and makes no folder.
    for cache_home in ("/nonexistent-soporte-test/cache", None):
        r = run(["accounts", "list", "--limit", "1"], s, env={"XDG_CACHE_HOME": cache_home, "HOME": "/nonexistent-soporte-test"})
        assert r.rc == 0 and r.err == "" and not os.path.exists("/nonexistent-soporte-test"), r
    # An XDG_CACHE_HOME that does not exist yet, in a home that does, is made (0700).
    r = run(["accounts", "list", "--limit", "1"], s, env={"XDG_CACHE_HOME": str(home / "new-cache")})
    assert r.rc == 0 and (home / "new-cache" / "soporte" / "accounts").read_text().count("\n") == 1, r


def test_the_cache_holds_only_ids_and_names_no_shell_would_expand(run, sb, home):
    from test_boundaries import lookup_answer
    hostile = [{"id": 5, "domain": "$(touch /tmp/pwned)", "username": "ok-user"}, {"id": "6", "domain": "a`b`.com", "username": "-rf"},
               {"id": "x", "domain": "noid.com", "username": "n"}, {"id": 8, "domain": "good.example", "username": "g\tx"}]
    sb.fault(match={"method": "GET", "path": "/v1/whm/accounts"}, body=lookup_answer(*hostile))
    r = run(["accounts", "list", "-o", "json"], sb, env={"XDG_CACHE_HOME": str(home / "cache")})
    cache = home / "cache" / "soporte" / "accounts"
    assert r.rc == 0 and cache.read_text() == "5\tok-user\n6\n8\tgood.example\n", (cache.read_text(), r)


def test_the_cache_is_bounded(run, fresh, home):
    s = fresh("--accounts", "10050", "--rate-limit", "off")
    r = run(["accounts", "list", "-o", "ndjson"], s, env={"XDG_CACHE_HOME": str(home / "cache")})
    assert r.rc == 0 and len(r.out.splitlines()) == 10050, r.err
    assert len((home / "cache" / "soporte" / "accounts").read_text().splitlines()) == 10000
