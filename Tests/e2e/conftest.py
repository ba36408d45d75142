"""End-to-end harness: the real soporte binary against a real soporte-sandbox on an
OS-chosen loopback port. Every run uses a token, a signing secret and a license key that
hold a double quote, a single quote, a backslash and non-ASCII text, and every output is
swept for each secret in every form it could be printed in (docs/CONTRACT.md §10.1)."""
import json
import re
import shlex
import urllib.parse
import shutil
import socket
import time
import os
import subprocess
import tempfile
import threading
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOPORTE = os.path.abspath(os.environ.get("SOPORTE_BIN", os.path.join(ROOT, ".build/debug/soporte")))
SANDBOX = os.path.abspath(os.environ.get("SANDBOX_BIN", os.path.join(ROOT, ".build/debug/soporte-sandbox")))
# The admin token of every sandbox started here (its --admin-token), hostile on purpose.
# SOPORTE_E2E_PLAIN_SECRETS=1 uses plain ones instead: for running these tests against an
# older soporte that refuses such a token, to see which defects it has.
PLAIN = os.environ.get("SOPORTE_E2E_PLAIN_SECRETS") == "1"
TOKEN = "sk_test_plain_0123456789" if PLAIN else "sk_test_h\"o's\\t-ñ-7f3a9c"
PLAIN_TOKEN = "sk_test_abc123xyz"
USER_TOKEN = "sk_test_user_123"
SIGNING_SECRET = "sentinel-signing-secret-7f3a9c51" if PLAIN else "sign\"e'd\\-ñ-7f3a9c51"
LICENSE_KEY = "LIC-PLAIN-1234-5678" if PLAIN else "LIC-\"q'\\-ñ-1234-5678"
PASSWORDS = ["Sup3r-Secret-Passw0rd", "Dry-Run-Passw0rd", "pa\"s's\\-ñ-w0rd-9"]
SECRETS = [TOKEN, PLAIN_TOKEN, USER_TOKEN, "sk_test_enterprise_123", SIGNING_SECRET, LICENSE_KEY] + PASSWORDS


def forms(secret):
    """The texts a secret could be printed as: raw, JSON-escaped (plain, ASCII-only with
    either case of hex, escaped slashes, twice), shell-quoted, URL-encoded, CSV and TSV."""
    out = {secret}
    plain = json.dumps(secret, ensure_ascii=False)[1:-1]
    ascii_ = json.dumps(secret)[1:-1]
    upper = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), ascii_)
    for f in (plain, ascii_, upper):
        out |= {f, f.replace("/", "\\/")}
    out.add(json.dumps(plain, ensure_ascii=False)[1:-1])
    out.add(secret.replace("'", "'\\''"))
    out.add(shlex.quote(secret))
    out.add(urllib.parse.quote(secret, safe=""))
    out.add(urllib.parse.quote(secret, safe="").lower())
    out.add(secret.replace('"', '""'))
    out.add(secret.replace("\\", "\\\\"))
    return {f for f in out if len(f.encode()) >= 4}


FORMS = sorted({f for s in SECRETS for f in forms(s)}, key=len, reverse=True)


class Sandbox:
    def __init__(self, *args, preexec_fn=None):
        self.proc = subprocess.Popen([SANDBOX, "--port", "0", "--admin-token", TOKEN, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, preexec_fn=preexec_fn)
        line = self.proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line + self.proc.stderr.read()
        self.url = line.split()[2]
        self.base = self.url[: -len("/v1")]
        self.port = int(self.base.rsplit(":", 1)[1])

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def api(self, method, path, body=None, token=PLAIN_TOKEN):
        # The tests' own look at the sandbox: a plain token (urllib sends header values as
        # Latin-1, so the hostile one would not arrive as UTF-8).
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def all(self, path, **params):
        """Every item of a collection, read directly from the sandbox (the reference)."""
        items, page = [], 1
        while True:
            q = "&".join(f"{k}={v}" for k, v in params.items())
            _, doc = self.api("GET", f"{path}?page={page}&per_page=100" + (f"&{q}" if q else ""))
            items += doc["data"]
            if page >= doc["meta"]["last_page"]:
                return items
            page += 1

    def fault(self, **spec):
        self.control("POST", "/_sandbox/faults", spec)

    def requests(self):
        return self.control("GET", "/_sandbox/requests")["data"]

    def reset(self):
        self.control("DELETE", "/_sandbox/faults")
        self.control("DELETE", "/_sandbox/requests")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def wait_for(what, condition, timeout=10.0, interval=0.02):
    """Polls `condition` until it returns something true, and returns that; fails naming
    `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def proc_status(pid, field):
    """A number from /proc/PID/status (VmHWM and VmRSS in kB, Threads)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def cpu_seconds(pid):
    """User plus system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_sockets(port):
    """The receive queues (bytes not yet read) of the established TCP sockets whose local
    port is `port`: what a server on it has accepted or has waiting in its backlog."""
    queues = []
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            cols = line.split()
            local, state, queue = cols[1], cols[3], cols[4]
            if state == "01" and int(local.split(":")[1], 16) == port:
                queues.append(int(queue.split(":")[1], 16))
    return queues


def read_until_closed(sock, timeout=10.0):
    """Everything the peer sends until it closes, or until `timeout`; (bytes, closed)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except socket.timeout:
        return data, False
    except ConnectionResetError:
        pass
    return data, True


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return f"rc={self.rc}\n--- stdout\n{self.out[:3000]}\n--- stderr\n{self.err[:3000]}"

    def json(self):
        return json.loads(self.out)


def env_for(s, **extra):
    """The environment of a soporte run against sandbox `s` (for tests that start the
    process themselves): loopback URL, the admin token, no config, no history."""
    e = {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "SOPORTE_API_URL": s.url, "SOPORTE_API_TOKEN": TOKEN,
         "SOPORTE_CONFIG": "/nonexistent", "LANG": "C.UTF-8", "SOPORTE_HISTORY": "off",
         "SOPORTE_SIGNING_SECRET": SIGNING_SECRET, "SOPORTE_LICENSE_KEY": LICENSE_KEY}
    e.update(extra)
    return e


def sweep(*texts):
    """No secret, in any form, in any of `texts` (str or bytes)."""
    for t in texts:
        if isinstance(t, bytes):
            t = t.decode("utf-8", "replace")
        for f in FORMS:
            assert f not in t, f"a secret leaked into output as {f[:12]!r}..."


@pytest.fixture(scope="session")
def shared():
    sb = Sandbox("--accounts", "250", "--invoices", "300", "--rate-limit", "off")
    yield sb
    sb.stop()


@pytest.fixture
def sb(shared):
    shared.reset()
    shared.control("PUT", "/_sandbox/health", {"status": "healthy"})
    return shared


@pytest.fixture
def fresh():
    """A sandbox of its own, for tests that change data."""
    made = []

    def make(*args):
        s = Sandbox(*(args or ("--accounts", "60", "--rate-limit", "off")))
        made.append(s)
        return s
    yield make
    for s in made:
        s.stop()


@pytest.fixture
def home(tmp_path):
    d = tmp_path / "home"
    d.mkdir()
    return d


@pytest.fixture
def run(home):
    """Runs soporte with a clean environment pointing at a sandbox."""
    def _run(args, sandbox=None, env=None, input=None, token=TOKEN, timeout=120, binary=SOPORTE):
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
             "SOPORTE_CONFIG": str(home / "no-config"), "SOPORTE_SIGNING_SECRET": SIGNING_SECRET,
             "SOPORTE_LICENSE_KEY": LICENSE_KEY, "XDG_STATE_HOME": str(home / "state")}
        if sandbox is not None:
            e["SOPORTE_API_URL"] = sandbox.url
        if token is not None:
            e["SOPORTE_API_TOKEN"] = token
        if env:
            for k, v in env.items():
                if v is None:
                    e.pop(k, None)
                else:
                    e[k] = v
        p = subprocess.run([binary, *args], env=e, input=input, capture_output=True, text=True, timeout=timeout)
        sweep(p.stdout, p.stderr)
        return Result(p.returncode, p.stdout, p.stderr)
    return _run


class TLSFront:
    """nginx from Debian in front of a sandbox, with a throwaway CA made by openssl."""

    def __init__(self, tmp, sandbox):
        self.dir = tmp
        sh = lambda *a: subprocess.run(a, cwd=tmp, check=True, capture_output=True)
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
           "-days", "2", "-subj", "/CN=soporte test CA")
        for name, cn in (("good", "localhost"), ("wrong", "other.invalid")):
            sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}")
            (tmp / f"{name}.ext").write_text(f"subjectAltName=DNS:{cn}\n")
            sh("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
               "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")
        self.ca = str(tmp / "ca.pem")
        ports = []
        for _ in range(2):
            so = socket.socket()
            so.bind(("127.0.0.1", 0))
            ports.append(so.getsockname()[1])
            so.close()
        servers = ""
        for port, name in zip(ports, ("good", "wrong")):
            servers += f"""
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tmp}/{name}.pem;
        ssl_certificate_key {tmp}/{name}.key;
        location / {{
            proxy_pass http://127.0.0.1:{sandbox.port};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}"""
        conf = tmp / "nginx.conf"
        conf.write_text(f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{servers}
}}
""")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.url = f"https://localhost:{ports[0]}/v1"
        self.wrong_name_url = f"https://localhost:{ports[1]}/v1"
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", ports[0]), timeout=0.2).close()
                socket.create_connection(("127.0.0.1", ports[1]), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + (tmp / "error.log").read_text() if (tmp / "error.log").exists() else "")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


@pytest.fixture
def tls(tmp_path, shared):
    front = TLSFront(tmp_path, shared)
    yield front
    front.stop()
