"""nginx (Debian's) with TLS in front of a sandbox, with a throwaway CA made by openssl:
the bench's own copy of Tests/e2e/conftest.py's TLSFront. Two server blocks on two
ports: one speaks HTTP/2 and HTTP/1.1 (ALPN picks), the other HTTP/1.1 only. TLS 1.2
and 1.3 (Debian's nginx 1.22 offers only up to 1.2 unless told). The access log has one
line per request: connection serial, requests on that connection, protocol, TLS version,
whether the TLS session was resumed, status, URI."""
import os
import shutil
import socket
import subprocess
import time

LOG_FORMAT = ("$connection $connection_requests $server_port $server_protocol $ssl_protocol "
              "$ssl_session_reused $status $request_uri")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class TLSFront:
    def __init__(self, tmp, sandbox_port):
        self.dir = tmp
        os.makedirs(tmp, exist_ok=True)

        def sh(*a):
            subprocess.run(a, cwd=tmp, check=True, capture_output=True)

        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
           "-days", "2", "-subj", "/CN=soporte bench CA")
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
           "-subj", "/CN=localhost")
        with open(os.path.join(tmp, "server.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost\n")
        sh("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
           "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
        self.ca = os.path.join(tmp, "ca.pem")
        self.h2_port, self.h1_port = free_port(), free_port()
        self.access_log = os.path.join(tmp, "access.log")
        servers = ""
        for port, extra in ((self.h2_port, " http2"), (self.h1_port, "")):
            servers += f"""
    server {{
        listen 127.0.0.1:{port} ssl{extra};
        ssl_certificate {tmp}/server.pem;
        ssl_certificate_key {tmp}/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:bench:1m;
        location / {{
            proxy_pass http://sandbox;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto https;
            proxy_buffering off;
        }}
    }}"""
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 1024; }}
http {{
    log_format wire '{LOG_FORMAT}';
    access_log {self.access_log} wire;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream sandbox {{
        server 127.0.0.1:{sandbox_port};
        keepalive 16;
    }}
{servers}
}}
""")
        self.conf = conf
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([nginx, "-c", conf, "-p", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                for p in (self.h2_port, self.h1_port):
                    socket.create_connection(("127.0.0.1", p), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        err = open(os.path.join(tmp, "error.log")).read() if os.path.exists(os.path.join(tmp, "error.log")) else ""
        raise RuntimeError("nginx did not start: " + err)

    def log_mark(self):
        """Where the access log ends now: read_log(mark) gives the lines written since."""
        return os.path.getsize(self.access_log) if os.path.exists(self.access_log) else 0

    def read_log(self, mark):
        """Access-log lines since mark, as dicts."""
        keys = [k.lstrip("$") for k in LOG_FORMAT.split()]
        with open(self.access_log) as f:
            f.seek(mark)
            return [dict(zip(keys, line.split())) for line in f if line.strip()]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
