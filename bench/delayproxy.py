#!/usr/bin/env python3
"""A TCP proxy that puts a wire between a client and a server on loopback: every chunk
of bytes is held for half the round trip in each direction, so that each round trip a
protocol needs (TLS handshake, request and answer) costs RTT, as on the Internet. There
is no netem on these kernels, hence this.

The TCP handshake itself is on loopback and instant, so the proxy charges it apart: it
connects to the server only RTT + RTT/2 after it accepted the client (when, on a real
wire, the client's ACK would reach the server), and holds what the client sends until
then. A client then sees what it would see across a wire: its first answer comes two
round trips after it called connect(), one for TCP and one for the exchange; only
connect() itself returns at once rather than after one RTT. `--no-tcp-rtt` turns that
off (every chunk is just delayed, connect + first byte costs one RTT).

No bandwidth limit: chunks are pipelined, each leaves RTT/2 after it arrived. Threads
and a sleep per chunk, not asyncio: asyncio's timers wait in whole milliseconds.

    delayproxy.py --upstream 127.0.0.1:8443 --rtt-ms 20 [--listen 127.0.0.1:0]
    delayproxy.py --check [--rtt-ms 20]      # measures itself against an echo server

The first line on stdout is `listening on 127.0.0.1:PORT`."""
import argparse
import collections
import socket
import statistics
import sys
import threading
import time

sys.setswitchinterval(0.0002)  # a sleeping writer gets the GIL back promptly


class Direction:
    """One way of one connection: a reader thread stamps each chunk with the time it may
    leave, a writer thread sends it then."""

    def __init__(self, src, delay, not_before, done):
        self.src, self.dst, self.delay, self.not_before, self.done = src, None, delay, not_before, done
        self.queue = collections.deque()
        self.ready = threading.Condition()
        threading.Thread(target=self.read, daemon=True).start()

    def connect(self, dst):
        """Starts sending to dst (the reader may have queued chunks already)."""
        self.dst = dst
        threading.Thread(target=self.write, daemon=True).start()

    def read(self):
        while True:
            try:
                data = self.src.recv(1 << 16)
            except OSError:
                data = b""
            when = max(time.monotonic(), self.not_before) + self.delay
            with self.ready:
                self.queue.append((when, data))
                self.ready.notify()
            if not data:
                return

    def write(self):
        while True:
            with self.ready:
                while not self.queue:
                    self.ready.wait()
                when, data = self.queue.popleft()
            wait = when - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                if not data:
                    self.dst.shutdown(socket.SHUT_WR)
                    break
                self.dst.sendall(data)
            except OSError:
                break
        self.done()


def serve_client(client, upstream, rtt, tcp_rtt):
    accepted = time.monotonic()
    half = rtt / 2
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    left = [2]
    lock = threading.Lock()
    server = None

    def done():
        with lock:
            left[0] -= 1
            if left[0] == 0:
                client.close()
                if server:
                    server.close()

    # Client bytes: the client could not have sent them before its connect() returned,
    # one RTT after it began; they reach the server half a round trip later.
    up = Direction(client, half, accepted + rtt if tcp_rtt else 0.0, done)
    if tcp_rtt:
        # The server hears of the connection when the client's ACK would reach it.
        time.sleep(max(0.0, accepted + rtt + half - time.monotonic()))
    try:
        server = socket.create_connection(upstream)
    except OSError:
        client.close()
        return
    server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    up.connect(server)
    Direction(server, half, 0.0, done).connect(client)


def start(upstream, rtt, tcp_rtt=True, listen=("127.0.0.1", 0)):
    """Starts a proxy in this process; returns its port."""
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(listen)
    lsock.listen(128)

    def accept_loop():
        while True:
            c, _ = lsock.accept()
            threading.Thread(target=serve_client, args=(c, upstream, rtt, tcp_rtt), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    return lsock.getsockname()[1]


def check(rtt_ms, rounds=30):
    """Connect + one byte echoed, direct and through the proxy (with and without the TCP
    handshake charged), and a second echo on the same connection. Returns a report."""
    echo = socket.socket()
    echo.bind(("127.0.0.1", 0))
    echo.listen(64)

    def echo_loop():
        while True:
            c, _ = echo.accept()

            def one(c=c):
                while (b := c.recv(4096)):
                    c.sendall(b)
                c.close()
            threading.Thread(target=one, daemon=True).start()

    threading.Thread(target=echo_loop, daemon=True).start()
    up = ("127.0.0.1", echo.getsockname()[1])
    rtt = rtt_ms / 1000
    ports = {"direct": up[1], "proxy": start(up, rtt, True), "proxy --no-tcp-rtt": start(up, rtt, False)}
    result = {}
    for name, port in ports.items():
        first, second = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            s = socket.create_connection(("127.0.0.1", port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(b"x")
            s.recv(1)
            t1 = time.perf_counter()
            s.sendall(b"y")
            s.recv(1)
            t2 = time.perf_counter()
            s.close()
            first.append(t1 - t)
            second.append(t2 - t1)
        result[name] = (statistics.median(first), statistics.median(second))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", help="HOST:PORT")
    ap.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT [127.0.0.1:0]")
    ap.add_argument("--rtt-ms", type=float, default=20)
    ap.add_argument("--no-tcp-rtt", action="store_true", help="do not charge a round trip for TCP's handshake")
    ap.add_argument("--check", action="store_true", help="measure the proxy against an echo server and exit")
    a = ap.parse_args()
    if a.check:
        r = check(a.rtt_ms)
        base = r["direct"][0]
        for name, (first, second) in r.items():
            print(f"{name:20} connect + first byte echoed {first * 1000:6.2f} ms (+{(first - base) * 1000:6.2f} ms "
                  f"= {(first - base) / (a.rtt_ms / 1000):.2f} RTT); next byte on that connection {second * 1000:6.2f} ms")
        return
    if not a.upstream:
        ap.error("--upstream HOST:PORT is needed")
    host, port = a.upstream.rsplit(":", 1)
    lhost, lport = a.listen.rsplit(":", 1)
    port = start((host, int(port)), a.rtt_ms / 1000, not a.no_tcp_rtt, (lhost, int(lport)))
    print(f"listening on {lhost}:{port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
