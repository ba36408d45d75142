"""Issue 14: a tool that teaches. What was asked for and not found is said; what can be
checked before sending is; every screen fits the terminal it is on."""
import csv
import io
import json
import os
import re
import urllib.parse

import pytest

from conftest import SOPORTE, TOKEN, sweep
from ptyutil import run_pty

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def width(s):
    import unicodedata
    return sum(0 if unicodedata.combining(c) else (2 if unicodedata.east_asian_width(c) in "WF" else 1) for c in s)


def env_for(sb, **extra):
    e = {"PATH": os.environ["PATH"], "HOME": "/tmp", "SOPORTE_API_URL": sb.url, "SOPORTE_API_TOKEN": TOKEN,
         "SOPORTE_CONFIG": "/nonexistent", "TERM": "xterm", "LANG": "C.UTF-8", "SOPORTE_HISTORY": "off"}
    e.update(extra)
    return e


# --- Say what was not found (docs/CONTRACT.md §10.3) ----------------------------------------------

def test_fields_sort_and_include_that_are_not_in_the_answer_are_said(run, sb):
    # Names that are no known field either are exit 2 before any item (docs/CONTRACT.md §14.3, test_totals.py).
    r = run(["accounts", "list", "--fields", "ID,Domain", "--limit", "3", "-o", "csv"], sb)
    assert r.rc == 2 and r.out == ""
    assert "--fields 'ID' is not in the answer nor a field of accounts; did you mean 'id'?" in r.err
    assert "--fields 'Domain' is not in the answer nor a field of accounts; did you mean 'domain'?" in r.err
    r = run(["accounts", "list", "--fields", "id,nonexistent", "--limit", "3"], sb)
    assert r.rc == 2 and "--fields 'nonexistent' is not in the answer" in r.err and r.err.count("nonexistent") == 1
    # A known field the answer lacks stays a warning.
    r = run(["accounts", "list", "--fields", "id", "--sort", "-created_at", "--limit", "3"], sb)
    assert r.rc == 0 and "--sort 'created_at' is not in the answer" in r.err, r
    r = run(["invoices", "list", "--include", "server,package", "--limit", "3"], sb)
    assert "--include 'server' is not in the answer" in r.err and "--include 'package' is not in the answer" in r.err
    # (an unknown --sort field is refused before sending: test_totals.py)
    r = run(["accounts", "list", "--fields", "id,domain,server.name", "--include", "server", "--limit", "3", "-o", "csv"], sb)
    assert r.err == "", r.err


@pytest.mark.parametrize("expr,hint", [
    ("status==paid", "did you mean 'status=paid'?"),
    ("amount=>3", "did you mean 'amount>=3'?"),
    ("amount:between=100..200", "between=100,200"),
    ("amount:between=100", "exactly two values"),
    ("status:in=", "in=a,b,c"),
])
def test_filter_typos_are_usage_errors_with_the_intended_form(run, sb, expr, hint):
    r = run(["invoices", "list", "--filter", expr], sb)
    assert r.rc == 2 and hint in r.err, r
    assert sb.requests() == []


def test_help_says_how_to_write_in_and_between(run):
    out = run(["invoices", "list", "--help"], token=None).out
    assert "'in' takes a,b,c" in out and "'between' lo,hi" in out


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv", "table"])
def test_fields_apply_to_get_in_every_format(run, sb, fmt):
    r = run(["accounts", "get", "1", "--fields", "id,domain", "-o", fmt], sb)
    assert r.rc == 0
    if fmt in ("json", "ndjson"):
        assert list(json.loads(r.out)) == ["id", "domain"]
    elif fmt == "csv":
        assert r.out.splitlines()[0] == "id,domain" and len(r.out.splitlines()) == 2
    elif fmt == "tsv":
        assert r.out.splitlines()[0] == "id\tdomain"
    else:
        assert [l.split()[0] for l in r.out.splitlines()] == ["ID", "DOMAIN"]


# --- Check before sending ----------------------------------------------------------------

def test_create_checks_every_required_flag_before_sending(run, sb):
    r = run(["accounts", "create", "--domain", "x.example"], sb)
    assert r.rc == 2 and "needs --username, --email, --package, --server-id" in r.err, r
    r = run(["accounts", "create", "--domain", "x.example", "--username", "x", "--email", "x@x.example", "--package", "basic",
             "--server-id", "1"], sb)
    assert r.rc == 2 and "needs a password" in r.err, r
    assert sb.requests() == []
    h = run(["accounts", "create", "--help"], token=None).out
    assert h.count("(required)") == 5
    man = open(os.path.join(os.path.dirname(__file__), "..", "..", "man", "soporte.1")).read()
    assert man.count("Required.") >= 5
    fish = open(os.path.join(os.path.dirname(__file__), "..", "..", "completions", "soporte.fish")).read()
    assert "-l domain" in fish and "Primary domain. (required)" in fish


# --- Fit the terminal -------------------------------------------------------------------

@pytest.mark.parametrize("cols", [40, 80, 200])
@pytest.mark.parametrize("color", [False, True])
def test_list_screens_fit_at_every_width(sb, cols, color):
    env = env_for(sb, **({} if color else {"NO_COLOR": "1"}))
    rc, out = run_pty([SOPORTE, "accounts", "list", "--limit", "20"], env, cols=cols)
    assert rc == 0, out
    sweep(out)
    assert ("\x1b[1m" in out) == color
    lines = [ANSI.sub("", l) for l in out.replace("\r", "").split("\n") if l.strip()]
    table = [l for l in lines if not l.startswith("soporte:")]
    notes = [l for l in lines if l.startswith("soporte:")]
    assert len(table) == 21
    assert all(width(l) <= cols for l in table), [l for l in table if width(l) > cols]
    header = table[0].split()
    if cols == 200:
        assert header == ["ID", "DOMAIN", "USERNAME", "STATUS", "PACKAGE", "SERVER_ID", "CREATED_AT"]
        assert not any("left out" in n for n in notes)
    else:
        assert header[0] == "ID" and "DOMAIN" in header
        dropped = [n for n in notes if "left out to fit" in n]
        assert len(dropped) == 1 and "--fields" in dropped[0]
        # no column is squeezed to a stub: what is shown is whole
        assert not any("…" in l for l in table[1:]), table[:3]


def test_get_wraps_long_values_on_a_terminal(sb):
    rc, out = run_pty([SOPORTE, "accounts", "get", "3"], env_for(sb, NO_COLOR="1"), cols=40)
    assert rc == 0
    lines = [l for l in out.replace("\r", "").split("\n") if l.strip()]
    assert all(width(l) <= 40 for l in lines)
    assert "…" not in out
    full = "".join(l[len("DISK_QUOTA_MB") + 2:].strip() for l in lines)
    assert "2024-" in full


def test_help_wraps_to_the_terminal_and_lists_globals_compactly(sb):
    rc, out = run_pty([SOPORTE, "accounts", "list", "--help"], env_for(sb), cols=60)
    lines = out.replace("\r", "").split("\n")
    assert all(width(l) <= 60 for l in lines if not l.startswith("  $ ")), [l for l in lines if width(l) > 60]
    assert "Global options:" in out and "Config profile to use" not in out
    assert out.index("--filter EXPR") < out.index("Global options:")


# --- Small things users expect ----------------------------------------------------------

def test_ls_is_list(run, sb):
    assert run(["accounts", "ls", "--limit", "2", "-o", "json"], sb).out == run(["accounts", "list", "--limit", "2", "-o", "json"], sb).out


def test_an_empty_list_says_so_on_a_terminal_and_keeps_headers_in_files(run, sb):
    rc, out = run_pty([SOPORTE, "accounts", "list", "--filter", "domain=nothing.invalid"], env_for(sb, NO_COLOR="1"), cols=100)
    assert rc == 0 and "soporte: no results" in out
    for fmt, sep in (("csv", ","), ("tsv", "\t")):
        r = run(["accounts", "list", "--filter", "domain=nothing.invalid", "-o", fmt], sb)
        # The columns the items would have had (docs/CONTRACT.md §14.3; test_totals.py compares them).
        assert r.out == sep.join(["id", "domain", "username", "email", "status", "package", "package_id", "server_id", "owner",
                                  "disk_used_mb", "disk_quota_mb", "limits.email_accounts", "limits.databases", "notes", "tags",
                                  "suspended_reason", "created_at", "updated_at"]) + "\n"
        assert r.err == ""


def test_config_get_shows_the_default(run, home):
    r = run(["config", "get", "timeout"], env={"SOPORTE_CONFIG": str(home / "none")})
    assert r.rc == 0 and r.out == "30\n" and "30 is the default" in r.err


def test_limit_asks_for_a_small_page(run, sb):
    r = run(["accounts", "list", "--limit", "2", "-o", "ndjson"], sb)
    assert len(r.out.splitlines()) == 2
    q = urllib.parse.parse_qs(sb.requests()[0]["query"])
    assert q["per_page"] == ["2"] and len(sb.requests()) == 1
