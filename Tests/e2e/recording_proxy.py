"""A forward HTTP proxy on loopback that logs each request line to stderr and relays
it (used to check that soporte honours http_proxy and no_proxy)."""
import http.server
import socketserver
import sys
import urllib.error
import urllib.request


class Relay(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        sys.stderr.write(f"PROXY {self.path}\n")
        sys.stderr.flush()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "host")}
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(urllib.request.Request(self.path, headers=headers)) as r:
                body, code, hdrs = r.read(), r.status, r.getheaders()
        except urllib.error.HTTPError as e:
            body, code, hdrs = e.read(), e.code, e.headers.items()
        self.send_response(code)
        for k, v in hdrs:
            if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Relay)
    print(server.server_address[1], flush=True)
    server.serve_forever()
