#!/usr/bin/env python3
"""A hostile API server for the memory row: `GET /v1/whm/accounts?page=1` is an honest
first page (100 small accounts, `meta.last_page` 50, `total` 5000), and every later page
is a 200 with `Transfer-Encoding: chunked` and no Content-Length whose body streams a JSON
list of accounts for BYTES bytes (300 MB by default), so that a client cannot tell the
size from the head and four pages in flight arrive at once. The sandbox's `huge` fault
covers the announced-length case (`Content-Length: 300000000`).

    hostile.py [--bytes 300000000]       # first stdout line: listening on http://127.0.0.1:PORT/v1"""
import argparse
import http.server
import json
import socket
import threading
import urllib.parse

PER_PAGE, LAST = 100, 50


def account(i):
    return {"id": i, "domain": f"site{i}.example", "username": f"site{i}", "email": f"admin@site{i}.example",
            "status": "active", "package": "basic", "server_id": 1}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    size = 300_000_000

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        page = int(q.get("page", "1"))
        if u.path != "/v1/whm/accounts":
            return self.simple(404, {"error": {"code": "RESOURCE_NOT_FOUND", "message": "Not found."}})
        if page == 1:
            base = f"http://{self.headers.get('Host')}/v1/whm/accounts"
            return self.simple(200, {
                "data": [account(i) for i in range(1, PER_PAGE + 1)],
                "meta": {"current_page": 1, "from": 1, "last_page": LAST, "per_page": PER_PAGE, "to": PER_PAGE,
                         "total": PER_PAGE * LAST},
                "links": {"first": f"{base}?page=1", "last": f"{base}?page={LAST}", "prev": None, "next": f"{base}?page=2"}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        item = json.dumps(account(page), separators=(",", ":")).encode() + b","
        block = item * (65536 // len(item))
        chunk = b"%x\r\n%s\r\n" % (len(block), block)
        try:
            self.chunk(b'{"data":[')
            sent = 0
            while sent < self.size:
                self.wfile.write(chunk)
                sent += len(block)
            self.chunk(json.dumps(account(page)).encode() + b'],"meta":{}}')
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def simple(self, status, doc):
        body = json.dumps(doc, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bytes", type=int, default=300_000_000)
    a = ap.parse_args()
    handler = type("H", (Handler,), {"size": a.bytes})
    srv = Server(("127.0.0.1", 0), handler)
    print(f"listening on http://127.0.0.1:{srv.server_address[1]}/v1", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
