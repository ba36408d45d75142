"""Terminal behaviour under a real pseudo-terminal: width, colour, progress, prompts."""
import json
import os
import re

from conftest import SOPORTE, TOKEN, sweep
from ptyutil import run_pty

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def width(s):
    import unicodedata
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


def env_for(sb, **extra):
    e = {"PATH": os.environ["PATH"], "HOME": "/tmp", "SOPORTE_API_URL": sb.url, "SOPORTE_API_TOKEN": TOKEN,
         "SOPORTE_CONFIG": "/nonexistent", "TERM": "xterm", "LANG": "C.UTF-8"}
    e.update(extra)
    return e


def test_table_is_cut_to_the_terminal_width(sb):
    rc, out = run_pty([SOPORTE, "accounts", "list", "--fields", "id,domain,owner,notes,email", "--limit", "40"],
                      env_for(sb, NO_COLOR="1"), cols=50)
    assert rc == 0, out
    sweep(out)
    lines = [ANSI.sub("", l) for l in out.replace("\r", "").split("\n") if l.strip()]
    note = [l for l in lines if l.startswith("soporte:")]
    assert note == ["soporte: showing the first 40 of 250 accounts (--limit 40)"]
    lines = [l for l in lines if not l.startswith("soporte:")]
    assert len(lines) == 41
    assert all(width(l) <= 50 for l in lines), [l for l in lines if width(l) > 50]
    assert any("…" in l for l in lines)
    assert "\x1b[31m" not in out  # the API's escape sequence is shown escaped


def test_colour_only_on_a_tty_and_never_with_no_color(sb, run):
    rc, out = run_pty([SOPORTE, "accounts", "list", "--limit", "2"], env_for(sb))
    assert "\x1b[1m" in out
    rc, out = run_pty([SOPORTE, "accounts", "list", "--limit", "2"], env_for(sb, NO_COLOR="1"))
    assert "\x1b[1m" not in out
    rc, out = run_pty([SOPORTE, "accounts", "list", "--limit", "2", "--color", "never"], env_for(sb))
    assert "\x1b[1m" not in out
    piped = run(["accounts", "list", "--limit", "2"], sb)
    assert "\x1b" not in piped.out
    forced = run(["accounts", "list", "--limit", "2", "--color", "always"], sb)
    assert "\x1b[1m" in forced.out


def test_json_is_pretty_on_a_tty(sb):
    rc, out = run_pty([SOPORTE, "accounts", "get", "1", "-o", "json"], env_for(sb))
    assert out.startswith("{\r\n  \"id\": 1,")
    assert json.loads(out.replace("\r\n", "\n"))["id"] == 1


def test_progress_on_a_tty_is_erased_at_the_end(sb):
    rc, out = run_pty([SOPORTE, "accounts", "list", "--per-page", "20", "-o", "ndjson"], env_for(sb))
    assert rc == 0
    assert "accounts: page 2/13" in out
    assert out.rstrip("\n").endswith("\r\x1b[K") or out.endswith("\r\x1b[K")
    rc, quiet = run_pty([SOPORTE, "accounts", "list", "--per-page", "20", "-o", "ndjson", "-q"], env_for(sb))
    assert "accounts: page" not in quiet


def test_destructive_command_asks_on_a_tty(fresh):
    s = fresh()
    rc, out = run_pty([SOPORTE, "accounts", "delete", "5"], env_for(s), answers=[("[y/N]", "n\n")])
    assert rc == 2 and "Delete account 5? [y/N]" in out
    assert s.api("GET", "/whm/accounts/5")[0] == 200
    rc, out = run_pty([SOPORTE, "accounts", "delete", "5"], env_for(s), answers=[("[y/N]", "y\n")])
    assert rc == 0 and "deleted 5" in out
    assert s.api("GET", "/whm/accounts/5")[0] == 404


def test_password_prompt_does_not_echo(fresh):
    s = fresh()
    pw = "Prompted-Secret-91"
    rc, out = run_pty([SOPORTE, "accounts", "create", "--domain", "tty.example", "--username", "ttyuser",
                       "--email", "a@tty.example", "--package", "basic", "--server-id", "2"],
                      env_for(s), answers=[("Password for the new account:", pw + "\n")])
    assert rc == 0, out
    assert pw not in out
    body = json.loads([q for q in s.requests() if q["method"] == "POST"][0]["body"])
    assert body["password"] == pw


def test_ctrl_c_leaves_a_clean_terminal(fresh):
    import pty
    import select
    import signal
    import time
    s = fresh("--accounts", "500", "--latency", "300", "--rate-limit", "off")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(SOPORTE, [SOPORTE, "accounts", "list", "--per-page", "10", "-o", "ndjson"], env_for(s))
    out = b""
    deadline = time.time() + 10
    while b"accounts: page" not in out and time.time() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            out += os.read(fd, 65536)
    assert b"accounts: page" in out
    os.kill(pid, signal.SIGINT)
    _, status = os.waitpid(pid, 0)
    try:
        while select.select([fd], [], [], 0.2)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 130
    # the progress line was erased, then the resume command was said (docs/CONTRACT.md §10.6)
    last_progress = out.rindex(b"accounts: page")
    tail = out[last_progress:]
    assert b"\r\x1b[K" in tail and b"resume with: soporte accounts list" in tail and tail.rstrip().endswith(b"}}")


def test_ctrl_c_at_the_password_prompt_restores_echo(fresh):
    import pty
    import select
    import termios
    import time
    s = fresh()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(SOPORTE, [SOPORTE, "accounts", "create", "--domain", "c.example", "--username", "ccc",
                            "--email", "c@c.example", "--package", "basic", "--server-id", "1"], env_for(s))
    out = b""
    deadline = time.time() + 10
    while b"Password" not in out and time.time() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            out += os.read(fd, 1024)
    time.sleep(0.2)
    assert not termios.tcgetattr(fd)[3] & termios.ECHO  # echo is off while it waits
    os.write(fd, b"\x03")  # Ctrl-C, as typed
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 130
    assert termios.tcgetattr(fd)[3] & termios.ECHO  # and back on
    os.close(fd)
    assert [q for q in s.requests() if q["method"] == "POST"] == []
