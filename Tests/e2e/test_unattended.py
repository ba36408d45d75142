"""docs/CONTRACT.md §13.3, §13.4, §13.6: bulk runs that speak (progress, the summary of an
interrupted run, --allow-empty), tables that print what they hold when a walk stops,
read-only runs, systemd credentials and the example units."""
import hashlib
import hmac
import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import PLAIN_TOKEN, ROOT, SOPORTE, TOKEN, env_for, sweep
from ptyutil import run_pty, run_pty_signal

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def suspended_lines(out):
    return re.findall(r"^suspended (\d+)\r?$", ANSI.sub("", out.replace("\r\x1b[K", "\n")), re.M)


# MARK: - §13.3 bulk runs speak

def test_bulk_progress_on_a_terminal_is_drawn_and_erased(fresh):
    s = fresh("--accounts", "20", "--rate-limit", "off", "--latency", "50")
    rc, out = run_pty([SOPORTE, "accounts", "suspend", "1", "2", "3", "999999", "--yes"], env_for(s, NO_COLOR="1"))
    assert rc == 5, out
    assert "suspend: 2/4" in out, out
    assert "suspend: 4/4, 1 failed" in out, out
    # Each result line goes out with the progress line erased first, and the last
    # progress line is erased before the run's last word.
    assert "suspend: 4/4, 1 failed\r\x1b[K" in out, out
    assert not re.search(r"suspend: \d+/4[^\r]*suspended", out), out


def test_bulk_progress_not_with_q_or_off_a_terminal(fresh, run):
    s = fresh("--accounts", "10", "--rate-limit", "off")
    rc, out = run_pty([SOPORTE, "accounts", "suspend", "1", "2", "--yes", "-q"], env_for(s))
    assert rc == 0 and "suspend: " not in out, out
    r = run(["accounts", "unsuspend", "1", "2"], sandbox=s)
    assert r.rc == 0 and "unsuspend: " not in r.err and "\x1b" not in r.err, r


def interrupted(out):
    m = re.search(r"soporte: interrupted after (\d+) of (\d+): (\d+) done, (\d+) failed, "
                  r"(?:(\d+) in flight \(outcome not known\), )?(\d+) not sent", out)
    assert m, out
    return [int(g or 0) for g in m.groups()]


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_bulk_interrupted_prints_the_summary_and_the_journal_hint(fresh, sig, status):
    s = fresh("--accounts", "40", "--rate-limit", "off", "--latency", "150")
    ids = [str(i) for i in range(1, 31)]
    rc, out, _ = run_pty_signal([SOPORTE, "accounts", "suspend", *ids, "--yes"], env_for(s, NO_COLOR="1"),
                                lambda o: len(suspended_lines(o.decode())) >= 5, sig)
    assert rc == status, out
    after, total, done, failed, in_flight, not_sent = interrupted(out)
    assert total == 30 and failed == 0
    # The summary counts what was shown: one result line per ID done.
    assert after == done == len(suspended_lines(out)) >= 5, out
    assert after + in_flight + not_sent == 30, out
    assert "--journal FILE" in out and "resumable" in out, out
    sweep(out)


def test_bulk_interrupted_with_a_journal_says_run_again_and_the_rerun_finishes(fresh, run, tmp_path):
    s = fresh("--accounts", "40", "--rate-limit", "off", "--latency", "150")
    journal = str(tmp_path / "suspend.journal")
    ids = [str(i) for i in range(1, 21)]
    rc, out, _ = run_pty_signal([SOPORTE, "accounts", "suspend", *ids, "--yes", "--journal", journal],
                                env_for(s, NO_COLOR="1"), lambda o: len(suspended_lines(o.decode())) >= 3, signal.SIGTERM)
    assert rc == 143, out
    after, _, done, _, _, _ = interrupted(out)
    assert "run the same command again" in out, out
    r = run(["accounts", "suspend", *ids, "--yes", "--journal", journal], sandbox=s)
    assert r.rc == 0, r
    assert len(re.findall(r"^skipped \d+ \(done, journal\)$", r.out, re.M)) >= done, r
    assert all(s.api("GET", f"/whm/accounts/{i}")[1]["data"]["status"] == "suspended" for i in ids)


def test_bulk_interrupted_summary_under_json_is_a_warning_line(fresh):
    s = fresh("--accounts", "40", "--rate-limit", "off", "--latency", "150")
    ids = [str(i) for i in range(1, 21)]
    rc, out, _ = run_pty_signal([SOPORTE, "accounts", "suspend", *ids, "--yes", "-o", "ndjson"], env_for(s),
                                lambda o: o.count(b'"outcome":"suspended"') >= 2, signal.SIGINT)
    assert rc == 130, out
    assert re.search(r'(?:^|\x1b\[K)\{"warning":\{"code":"BULK_INTERRUPTED","message":"interrupted after \d+ of 20: ', out, re.M), out


def test_allow_empty_makes_an_empty_list_exit_0_with_a_note(run, sb):
    r = run(["accounts", "suspend", "-", "--yes", "--allow-empty"], sandbox=sb, input="")
    assert r.rc == 0 and r.out == "", r
    assert "nothing to do: no IDs given" in r.err, r
    r = run(["accounts", "delete", "-", "--yes", "--allow-empty", "-q"], sandbox=sb, input="# only a comment\n\n")
    assert r.rc == 0 and r.err == "", r
    r = run(["accounts", "suspend", "-", "--yes"], sandbox=sb, input="")
    assert r.rc == 2 and "no IDs given" in r.err and "--allow-empty" in r.err, r
    assert sb.requests() == []


# MARK: - §13.6 read-only

def mutating(s):
    return [q for q in s.requests() if q["method"] != "GET"]


@pytest.mark.parametrize("how,named", [
    (["--read-only"], "--read-only"),
    ("env", "SOPORTE_READ_ONLY=1"),
    ("config", "read_only = true in profile 'default' at "),
])
def test_read_only_refuses_everything_but_get_naming_its_source(run, fresh, home, how, named):
    s = fresh("--accounts", "10", "--rate-limit", "off")
    flags, env = [], {}
    if how == "env":
        env = {"SOPORTE_READ_ONLY": "1"}
    elif how == "config":
        cfg = home / "config"
        cfg.write_text("[default]\nread_only = true\n")
        env = {"SOPORTE_CONFIG": str(cfg)}
    else:
        flags = how
    for args in (["accounts", "suspend", "1", "--yes"], ["accounts", "delete", "2", "--yes"],
                 ["accounts", "update", "3", "--set", "email=a@b.example"],
                 ["api", "POST", "/whm/accounts/4/unsuspend"], ["api", "PUT", "/whm/accounts/4"],
                 ["subscriptions", "cancel", "1", "--yes"]):
        r = run([*args, *flags], sandbox=s, env=env)
        assert r.rc == 4, (args, r)
        assert "read-only" in r.err and named in r.err and "not sent" in r.err, (args, r)
    assert mutating(s) == []
    # GET goes through; --dry-run still prints what would be sent.
    r = run(["accounts", "get", "1", "-o", "json", *flags], sandbox=s, env=env)
    assert r.rc == 0 and r.json()["status"] == "active", r
    r = run(["accounts", "suspend", "1", "--dry-run", *flags], sandbox=s, env=env)
    assert r.rc == 0 and "curl" in r.out and "-X POST" in r.out, r
    assert mutating(s) == []


def test_read_only_values_are_checked(run, sb, home):
    r = run(["accounts", "get", "1"], sandbox=sb, env={"SOPORTE_READ_ONLY": "maybe"})
    assert r.rc == 3 and "SOPORTE_READ_ONLY" in r.err, r
    cfg = home / "config"
    r = run(["config", "set", "read_only", "sometimes"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 2 and "true or false" in r.err, r
    r = run(["config", "set", "read_only", "true"], env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 0, r
    r = run(["accounts", "suspend", "1", "--yes"], sandbox=sb, env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 4 and f"{cfg}:" in r.err, r
    # Precedence flag > environment > config: the refusal names the source that decided.
    r = run(["accounts", "suspend", "1", "--yes", "--read-only"], sandbox=sb, env={"SOPORTE_CONFIG": str(cfg)})
    assert r.rc == 4 and "(--read-only)" in r.err, r


# MARK: - §13.6 systemd credentials

def creds(tmp_path, mode=0o640, **files):
    d = tmp_path / "credentials"
    d.mkdir()
    for name, value in files.items():
        p = d / name.replace("_", "-")
        p.write_text(value + "\n")
        os.chmod(p, mode)
    os.chmod(d, 0o750)
    return d


def test_credentials_directory_token_is_used_after_token_file(run, sb, tmp_path):
    d = creds(tmp_path, soporte_token=PLAIN_TOKEN)
    # Group bits (systemd's ACL can show them) are no refusal inside the directory.
    r = run(["accounts", "get", "1", "-o", "json"], sandbox=sb, token=None, env={"CREDENTIALS_DIRECTORY": str(d)})
    assert r.rc == 0, r
    r = run(["auth", "status"], sandbox=sb, token=None, env={"CREDENTIALS_DIRECTORY": str(d)})
    assert r.rc == 0 and "systemd credential soporte-token" in r.out, r
    # It comes before SOPORTE_API_TOKEN, which auth status then names as shadowed.
    r = run(["auth", "status"], sandbox=sb, env={"CREDENTIALS_DIRECTORY": str(d)})
    assert "from the systemd credential soporte-token" in r.out and "SOPORTE_API_TOKEN is also set" in r.out, r
    # --token-file still comes first.
    tf = tmp_path / "token"
    tf.write_text(TOKEN)
    os.chmod(tf, 0o600)
    r = run(["auth", "status", "--token-file", str(tf)], sandbox=sb, env={"CREDENTIALS_DIRECTORY": str(d)})
    assert f"from --token-file {tf}" in r.out and "systemd credential soporte-token" in r.out, r
    # Outside the directory the group-readable refusal stands.
    os.chmod(tf, 0o640)
    r = run(["accounts", "get", "1", "--token-file", str(tf)], sandbox=sb, env={"CREDENTIALS_DIRECTORY": str(d)})
    assert r.rc == 3 and "chmod 600" in r.err, r


def test_credentials_for_license_key_and_signing_secret(run, fresh, tmp_path):
    s = fresh("--accounts", "10", "--rate-limit", "off")
    d = creds(tmp_path, soporte_token=PLAIN_TOKEN, soporte_license_key="LIC-CRED-4242",
              soporte_signing_secret="cred-signing-secret-99")
    r = run(["accounts", "suspend", "3", "--yes", "-vv"], sandbox=s, token=None, env={"CREDENTIALS_DIRECTORY": str(d)})
    assert r.rc == 0, r
    assert "LIC-CRED-4242" not in r.err and "cred-signing-secret-99" not in r.err, r
    q = mutating(s)[-1]
    h = {k.lower(): v for k, v in q["headers"].items()}
    assert h["x-license-key"] == "LIC-CRED-4242"
    msg = ("POST" + "/whm/accounts/3/suspend" + h["x-timestamp"] + (q["body"] or "")).encode()
    assert h["x-signature"] == hmac.new(b"cred-signing-secret-99", msg, hashlib.sha256).hexdigest()


# MARK: - §13.6 the example units

UNITS = os.path.join(ROOT, "packaging", "examples")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed (Debian: systemd)")
def test_example_units_pass_systemd_analyze_verify():
    units = [os.path.join(UNITS, u) for u in ("soporte-health.service", "soporte-health.timer")]
    # soporte(1) is checked where the package is installed (Tests/pkg/check_deb.sh).
    p = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True)
    assert p.returncode == 0 and p.stderr.strip() == "", p.stderr
    service = open(units[0]).read()
    assert "LoadCredential=soporte-token:/etc/soporte/token" in service
    assert "soporte health -o prometheus > soporte.prom.tmp" in service and "mv soporte.prom.tmp soporte.prom" in service
    assert "/var/lib/prometheus/node-exporter" in service


def test_example_service_command_writes_the_textfile_atomically(sb, tmp_path):
    """The service's shell line, run as systemd would run it (with $$ as $), writes the
    metrics file by a rename, also when the check fails."""
    service = open(os.path.join(UNITS, "soporte-health.service")).read()
    line = re.search(r"^ExecStart=/bin/sh -c '(.*)'$", service, re.M).group(1).replace("$$", "$")
    folder = tmp_path / "node-exporter"
    folder.mkdir()
    line = line.replace("/var/lib/prometheus/node-exporter", str(folder))
    d = creds(tmp_path, mode=0o400, soporte_token=PLAIN_TOKEN)
    env = env_for(sb, CREDENTIALS_DIRECTORY=str(d), PATH=os.path.dirname(SOPORTE) + ":/usr/bin:/bin", SOPORTE_READ_ONLY="1")
    del env["SOPORTE_API_TOKEN"]
    p = subprocess.run(["/bin/sh", "-c", line], env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "soporte_health_up 1" in (folder / "soporte.prom").read_text()
    assert not (folder / "soporte.prom.tmp").exists()
    sb.control("PUT", "/_sandbox/health", {"status": "unhealthy"})
    p = subprocess.run(["/bin/sh", "-c", line], env=env, capture_output=True, text=True)
    assert p.returncode == 10, p.stderr
    assert 'soporte_health_status{status="unhealthy"} 1' in (folder / "soporte.prom").read_text()
    # Unreachable (a 503 after the retries): soporte_health_up 0 replaces the last good run.
    sb.fault(status=503, count=50)
    p = subprocess.run(["/bin/sh", "-c", line.replace("soporte health", "soporte --retries 0 health")], env=env,
                       capture_output=True, text=True)
    assert p.returncode == 8, p.stderr
    assert "soporte_health_up 0" in (folder / "soporte.prom").read_text()
    assert not (folder / "soporte.prom.tmp").exists()


# MARK: - §13.4 interrupted tables

def table_rows(out):
    return [int(m) for m in re.findall(r"^(\d+)  +INV-", ANSI.sub("", out.replace("\r\x1b[K", "\n")), re.M)]


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_table_walk_stopped_by_a_signal_prints_its_rows_and_counts_them(fresh, sig, status):
    s = fresh("--invoices", "400", "--accounts", "20", "--rate-limit", "off", "--latency", "100")
    rc, out, at = run_pty_signal([SOPORTE, "invoices", "list", "--per-page", "10"], env_for(s, NO_COLOR="1"),
                                 lambda o: b"invoices: page 5/40" in o, sig, cols=120, rows=40)
    assert rc == status, out
    assert table_rows(at) == [], "the table printed rows before it was stopped"
    rows = table_rows(out)
    m = re.search(r"walk stopped at page (\d+) of 40: (interrupted \(SIGINT\)|stopped by SIGTERM)\r?\n"
                  r"  (\d+) items were written before it stopped\r?\n"
                  r"  resume with: soporte invoices list --per-page 10 --from-page (\d+)", out)
    assert m, out
    page, written, resume = int(m.group(1)), int(m.group(3)), int(m.group(4))
    assert written == len(rows) >= 50, out
    assert rows == list(range(1, written + 1)), "the rows held, in order, and the header above them"
    assert page == resume == written // 10 + 1
    # The progress line was erased before the header.
    assert re.search(r"\r\x1b\[KID +NUMBER", out), out
    sweep(out)


def test_table_walk_stopped_by_an_error_prints_its_rows_and_counts_them(fresh):
    s = fresh("--invoices", "400", "--accounts", "20", "--rate-limit", "off", "--latency", "50")

    def break_it(o):
        if b"invoices: page 3/40" in o:
            s.fault(match={"method": "GET", "path": "/v1/billing/invoices"}, status=500, count=100)
            return True
        return False
    rc, out, _ = run_pty_signal([SOPORTE, "--retries", "0", "invoices", "list", "--per-page", "10"],
                                env_for(s, NO_COLOR="1"), break_it, 0, cols=120, rows=40)
    assert rc == 8, out
    m = re.search(r"walk stopped at page (\d+) of 40: .*\r?\n  (\d+) items were written before the failure", out)
    assert m, out
    rows = table_rows(out)
    assert int(m.group(2)) == len(rows) >= 30 and rows == list(range(1, len(rows) + 1)), out
    # The progress line is erased before the rows, not left in front of the header.
    assert re.search(r"\r\x1b\[KID +NUMBER", out) and not re.search(r"/400ID", out), out
