#!/usr/bin/env python3
"""An HTTP/1.1 reverse proxy in front of a sandbox that counts the statuses it serves
and, with --window LIMIT/SECONDS, enforces a fixed-window rate limit of its own: at most
LIMIT requests per window of SECONDS seconds, the windows aligned on the Unix clock
(window k is [k*S, (k+1)*S)), so that `X-RateLimit-Reset`, the window's end in Unix
seconds, is exact. Every answer it lets through carries X-RateLimit-Limit: LIMIT,
-Remaining and -Reset (the sandbox's own, if any, are replaced); past the limit it answers
429 RATE_LIMIT_EXCEEDED in the API's error envelope with Retry-After (whole seconds,
rounded up) and `retry_after`. Without --window it only counts (to count the 429s the
sandbox's token bucket serves).

The bench uses it to count (the limits are the sandbox's own: its token bucket, and its
fixed window, `--rate-window LIMIT/SECONDS`); `--window` remains for trying soporte
against a second fixed-window server that is not the sandbox.

    windowproxy.py --upstream 127.0.0.1:PORT [--window 50/10]

The first line on stdout is `listening on http://127.0.0.1:PORT/v1`. Outside /v1:
GET /_proxy/stats gives {"statuses": {"200": n, "429": n}, "first": t, "last": t}
(Unix times of the first and last /v1 request), DELETE /_proxy/stats clears it."""
import argparse
import http.client
import http.server
import json
import math
import random
import socket
import string
import sys
import threading
import time

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "te", "upgrade"}


class State:
    def __init__(self, upstream, window):
        self.upstream = upstream
        self.limit, self.seconds = window or (None, None)
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.statuses = {}
        self.first = self.last = None
        self.window = None
        self.used = 0

    def admit(self):
        """(allowed, rate-limit headers, retry-after seconds) for one request now."""
        with self.lock:
            now = time.time()
            self.first = self.first or now
            self.last = now
            if self.limit is None:
                return True, [], 0
            k = math.floor(now / self.seconds)
            if k != self.window:
                self.window, self.used = k, 0
            end = (k + 1) * self.seconds
            ok = self.used < self.limit
            if ok:
                self.used += 1
            headers = [("X-RateLimit-Limit", str(self.limit)), ("X-RateLimit-Remaining", str(self.limit - self.used)),
                       ("X-RateLimit-Reset", str(end))]
            return ok, headers, max(1, math.ceil(end - now))

    def count(self, status):
        with self.lock:
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, headers, body):
        """The head and the body in one write (no Nagle and delayed-ACK stall)."""
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def handle_any(self):
        st = self.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.path.startswith("/_proxy/stats"):
            if self.command == "DELETE":
                with st.lock:
                    st.clear()
            with st.lock:
                doc = {"statuses": dict(st.statuses), "first": st.first, "last": st.last}
            return self.reply(200, [("Content-Type", "application/json")], json.dumps(doc).encode())
        if self.path.startswith("/v1"):
            ok, rl, retry = st.admit()
        else:
            ok, rl, retry = True, [], 0
        if not ok:
            rid = self.headers.get("X-Request-ID") or "req_" + "".join(random.choices(string.ascii_lowercase + string.digits, k=16))
            doc = {"error": {"code": "RATE_LIMIT_EXCEEDED", "message": f"Too many requests. Please retry after {retry} seconds.",
                             "retry_after": retry, "request_id": rid,
                             "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}}
            st.count(429)
            return self.reply(429, [("Content-Type", "application/json"), *rl, ("X-Request-ID", rid),
                                    ("Retry-After", str(retry))], json.dumps(doc, separators=(",", ":")).encode())
        if getattr(self, "conn", None) is None:
            self.conn = http.client.HTTPConnection(*st.upstream)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        for attempt in (1, 2):
            try:
                self.conn.request(self.command, self.path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                # The sandbox closed an idle keep-alive connection: once more on a new one.
                self.conn.close()
                self.conn = http.client.HTTPConnection(*st.upstream)
                if attempt == 2:
                    raise
        out = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP]
        if rl:
            out = [(k, v) for k, v in out if not k.lower().startswith("x-ratelimit-")] + rl
        st.count(resp.status)
        self.reply(resp.status, out, data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def start(upstream, window=None):
    """Starts a proxy in this process; returns (server, port)."""
    handler = type("BoundHandler", (Handler,), {"state": State(upstream, window)})
    srv = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, srv.server_address[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the sandbox")
    ap.add_argument("--window", help="LIMIT/SECONDS")
    a = ap.parse_args()
    host, port = a.upstream.rsplit(":", 1)
    window = tuple(int(x) for x in a.window.split("/")) if a.window else None
    _, p = start((host, int(port)), window)
    print(f"listening on http://127.0.0.1:{p}/v1", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
