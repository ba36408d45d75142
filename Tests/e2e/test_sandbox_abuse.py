"""docs/CONTRACT.md §10.9: soporte-sandbox under abuse. Floods of connections, idle and slow clients,
smuggling attempts, numbers out of range, stale state files, running out of descriptors.
Every wait here is for a condition, with a deadline."""
import http.client
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import threading
import time

from conftest import (SANDBOX, PLAIN_TOKEN as TOKEN, Sandbox, cpu_seconds, proc_status, read_until_closed, server_sockets,
                      wait_for)

GET_ONE = f"GET /v1/whm/accounts/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode()


def probe(port, timeout=5.0):
    """A new client's request: (seconds it took, status or the error)."""
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", "/v1/whm/accounts/1", headers={"Authorization": f"Bearer {TOKEN}"})
        r = c.getresponse()
        r.read()
        c.close()
        return time.monotonic() - t0, r.status
    except OSError as e:
        return time.monotonic() - t0, repr(e)


def exchange(port, data, timeout=5.0):
    """Sends raw bytes on a new connection; everything it gets back until the sandbox closes."""
    so = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    so.sendall(data)
    got, _ = read_until_closed(so, timeout)
    so.close()
    return got


def status_of(raw):
    return int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else None


def body_of(raw):
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


def raise_own_descriptor_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def hold_connections(port, n, opened, release):
    """In a process of its own: opens `n` idle connections, says how many, holds them
    until released."""
    raise_own_descriptor_limit()
    held, failed = [], 0
    deadline = time.monotonic() + 40
    for _ in range(n):
        if time.monotonic() > deadline:
            failed += 1
            continue
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            failed += 1
    opened.put((len(held), failed))
    release.wait(60)
    for so in held:
        so.close()


def test_a_flood_of_20000_connections_does_not_stop_new_clients():
    sb = Sandbox("--accounts", "250", "--rate-limit", "off")
    ctx = multiprocessing.get_context("fork")
    release = ctx.Event()
    opened = ctx.Queue()
    procs = [ctx.Process(target=hold_connections, args=(sb.port, 5000, opened, release)) for _ in range(4)]
    probes, stop = [], threading.Event()

    def keep_probing():
        while not stop.is_set():
            probes.append(probe(sb.port))
            stop.wait(0.1)

    t0 = time.monotonic()
    prober = threading.Thread(target=keep_probing)
    try:
        # The processes fork before the probing thread exists: a fork while it holds a
        # lock (the resolver's, say) would leave the child waiting for it for ever.
        for p in procs:
            p.start()
        prober.start()
        counts = [opened.get(timeout=50) for _ in procs]
        flood_seconds = time.monotonic() - t0
        # All 20,000 are open on the clients' side; the sandbox holds at most its cap.
        held_probes = [probe(sb.port) for _ in range(5)]
        descriptors = len(os.listdir(f"/proc/{sb.proc.pid}/fd"))
        threads = proc_status(sb.proc.pid, "Threads")
        stop.set()
        prober.join()
        peak_kb = proc_status(sb.proc.pid, "VmHWM")
        print(f"flood: {sum(c[0] for c in counts)} connections opened in {flood_seconds:.1f} s; "
              f"{len(probes)} probes during it, slowest {max(p[0] for p in probes):.3f} s; "
              f"while held: {[round(p[0], 3) for p in held_probes]} s; sandbox: {descriptors} descriptors, "
              f"{threads} threads, peak RSS {peak_kb // 1024} MiB")
        assert sum(c[0] for c in counts) == 20000 and sum(c[1] for c in counts) == 0, counts
        assert all(status == 200 for _, status in probes + held_probes), probes + held_probes
        assert max(p[0] for p in probes + held_probes) < 2.0
        assert descriptors <= 10000 + 32 and threads < 300
        assert peak_kb < 100 * 1024
    finally:
        stop.set()
        release.set()
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
        sb.stop()
    assert time.monotonic() - t0 < 60


def test_an_idle_keepalive_connection_is_closed_after_the_idle_timeout():
    sb = Sandbox("--accounts", "5", "--idle-timeout", "1", "--head-timeout", "30")
    try:
        so = socket.create_connection(("127.0.0.1", sb.port))
        so.sendall(GET_ONE)
        so.settimeout(5)
        first = so.recv(65536)
        assert first.startswith(b"HTTP/1.1 200") and b"Connection: keep-alive" in first
        t0 = time.monotonic()
        rest, closed = read_until_closed(so, timeout=5)
        waited = time.monotonic() - t0
        assert closed and rest == b"" and 0.8 <= waited < 3, waited
        # A fresh connection that sends nothing waits for the head deadline instead.
        quiet = socket.create_connection(("127.0.0.1", sb.port))
        assert read_until_closed(quiet, timeout=2) == (b"", False)
        assert probe(sb.port)[1] == 200
    finally:
        sb.stop()


def test_a_request_head_that_comes_too_slowly_is_cut_off():
    sb = Sandbox("--accounts", "5", "--head-timeout", "1", "--idle-timeout", "30")
    try:
        # One byte every 0.2 s: never idle, never done. Cut off at the deadline all the
        # same (the 408 may be lost to a reset when a byte crosses the close).
        so = socket.create_connection(("127.0.0.1", sb.port))
        got, closed = b"", False
        t0 = time.monotonic()
        for b in GET_ONE:
            try:
                so.sendall(bytes([b]))
                so.settimeout(0.2)
                chunk = so.recv(65536)
            except socket.timeout:
                continue
            except (ConnectionResetError, BrokenPipeError):
                closed = True
                break
            got += chunk
            if not chunk:
                closed = True
                break
        waited = time.monotonic() - t0
        assert closed and 0.8 <= waited < 3, waited
        assert got == b"" or status_of(got) == 408, got
        # Part of a head, then nothing: 408 in the API's envelope, then closed.
        so = socket.create_connection(("127.0.0.1", sb.port))
        so.sendall(GET_ONE[:20])
        t0 = time.monotonic()
        got, closed = read_until_closed(so, timeout=5)
        assert closed and time.monotonic() - t0 < 3
        assert status_of(got) == 408 and body_of(got)["error"]["code"] == "REQUEST_TIMEOUT"
        # Nothing at all: closed at the same deadline, without an answer.
        quiet = socket.create_connection(("127.0.0.1", sb.port))
        t0 = time.monotonic()
        assert read_until_closed(quiet, timeout=5) == (b"", True)
        assert time.monotonic() - t0 < 3
        assert probe(sb.port)[1] == 200
    finally:
        sb.stop()


def test_repeated_or_conflicting_content_length_is_400(fresh):
    s = fresh()
    body = b'{"domain": "smuggled.example"}'
    head = b"POST /v1/whm/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN.encode() + b"\r\nContent-Type: application/json\r\n"
    n = str(len(body)).encode()
    for framing in (b"Content-Length: " + n + b"\r\nContent-Length: " + n + b"\r\n",
                    b"Content-Length: " + n + b"\r\nContent-Length: 5\r\n",
                    b"Content-Length: " + n + b", " + n + b"\r\n",
                    b"Content-Length: " + n + b"\r\nTransfer-Encoding: chunked\r\n",
                    b"Transfer-Encoding: chunked\r\nContent-Length: " + n + b"\r\n",
                    b"Content-Length: +" + n + b"\r\n"):
        got = exchange(s.port, head + framing + b"\r\n" + body)
        assert status_of(got) == 400, (framing, got[:200])
        assert body_of(got)["error"]["code"] == "BAD_REQUEST"
    # None of them reached the API; a well-framed one still does.
    assert s.requests() == []
    got = exchange(s.port, head + b"Content-Length: " + n + b"\r\nConnection: close\r\n\r\n" + body)
    assert status_of(got) == 422 and len(s.requests()) == 1


def test_numbers_out_of_range_are_4xx_and_the_sandbox_lives(fresh):
    s = fresh()
    huge = "9223372036854775807"
    for path in (f"/whm/accounts?page={huge}", "/whm/accounts?page=9223372036854775808", "/whm/accounts?page=-1",
                 f"/whm/accounts?per_page={huge}", "/whm/accounts?per_page=-9223372036854775808",
                 f"/billing/invoices?page={huge}&per_page=100", f"/whm/accounts/{huge}",
                 "/whm/accounts/99999999999999999999999999", "/whm/accounts/-1"):
        st, doc = s.api("GET", path)
        assert 400 <= st < 500 and doc["error"]["code"] in ("VALIDATION_ERROR", "RESOURCE_NOT_FOUND"), (path, st, doc)
        assert s.api("GET", "/whm/accounts/1")[0] == 200, path
    st, doc = s.api("POST", f"/whm/accounts/{huge}/suspend", {})
    assert st == 404
    for fault in ({"delay_ms": int(huge)}, {"delay_ms": -1}, {"count": 0}, {"count": int(huge) * 10},
                  {"status": 99}, {"status": 1000}, {"retry_after": -5}, {"retry_after": int(huge)},
                  {"short": -1}, {"action": "drip", "delay_ms": int(huge)}):
        req = json.dumps(fault).encode()
        got = exchange(s.port, b"POST /_sandbox/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
                       + str(len(req)).encode() + b"\r\n\r\n" + req)
        assert status_of(got) == 422, (fault, got[:300])
        assert body_of(got)["error"]["details"], fault
    # Nothing was queued: requests are answered at once, with the real data.
    t0 = time.monotonic()
    assert s.api("GET", "/whm/accounts?page=1")[0] == 200 and time.monotonic() - t0 < 1
    assert s.proc.poll() is None


def test_stale_temporary_files_of_the_state_are_removed_at_start(tmp_path):
    state = tmp_path / "state.json"
    first = Sandbox("--accounts", "5", "--state", str(state), "--rate-limit", "off")
    assert first.api("PATCH", "/whm/accounts/1", {"notes": "kept"})[0] == 200
    first.stop()
    # What a kill -9 in the middle of a write leaves: both writers' patterns.
    stale = [tmp_path / "state.json.tmp.4242", tmp_path / ".state.json.tmp.Xy12Ab"]
    for f in stale:
        f.write_text("{half a state")
    unrelated = tmp_path / "other.json.tmp.1"
    unrelated.write_text("not ours")
    second = Sandbox("--state", str(state), "--rate-limit", "off")
    try:
        assert not any(f.exists() for f in stale)
        assert unrelated.exists()
        assert second.api("GET", "/whm/accounts/1")[1]["data"]["notes"] == "kept"
    finally:
        second.stop()


def test_a_state_file_with_numbers_out_of_range_is_refused_not_a_crash(tmp_path):
    state = tmp_path / "state.json"
    for doc in ({"collections": {"accounts": [{"id": 9223372036854775807, "domain": "x.example"}]}, "mutations": 0},
                {"collections": {"accounts": [{"id": 5, "domain": "x.example"}]}, "mutations": 9223372036854775807}):
        state.write_text(json.dumps(doc))
        p = subprocess.run([SANDBOX, "--port", "0", "--state", str(state)], capture_output=True, text=True, timeout=10)
        assert p.returncode == 2 and p.stderr.startswith("soporte-sandbox: state file "), p.stderr


def test_at_the_cap_the_longest_idle_connection_makes_room_then_503():
    sb = Sandbox("--accounts", "5", "--rate-limit", "off", "--max-connections", "3")
    try:
        wait_for("the control connection to close", lambda: server_sockets(sb.port) == [])
        idle = [socket.create_connection(("127.0.0.1", sb.port)) for _ in range(3)]
        wait_for("three accepted connections", lambda: server_sockets(sb.port) == [0, 0, 0])
        # A fourth client is served: the oldest idle connection is closed for it.
        assert probe(sb.port)[1] == 200
        assert read_until_closed(idle[0], timeout=5) == (b"", True)
        for so in idle:
            so.close()
        wait_for("the idle connections to go", lambda: server_sockets(sb.port) == [])
        sb.fault(match={"path": "/v1/whm/servers"}, count=3, delay_ms=3000)
        wait_for("the control connection to close", lambda: server_sockets(sb.port) == [])
        busy = [socket.create_connection(("127.0.0.1", sb.port)) for _ in range(3)]
        for so in busy:
            so.sendall(f"GET /v1/whm/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
        wait_for("the three delayed requests to be read", lambda: server_sockets(sb.port) == [0, 0, 0])
        # Every connection has a request in progress: a new one is refused, at once.
        t0 = time.monotonic()
        got = exchange(sb.port, GET_ONE)
        assert time.monotonic() - t0 < 1
        assert status_of(got) == 503 and b"Retry-After: 1" in got
        assert body_of(got)["error"]["code"] == "SERVICE_UNAVAILABLE"
        for so in busy:
            so.settimeout(10)
            assert so.recv(65536).startswith(b"HTTP/1.1 200")
            so.close()
        assert probe(sb.port)[1] == 200
    finally:
        sb.stop()


def test_out_of_descriptors_it_refuses_with_503_instead_of_spinning():
    def few_descriptors():
        resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))
    sb = Sandbox("--accounts", "5", "--rate-limit", "off", "--max-connections", "1000", preexec_fn=few_descriptors)
    try:
        # Idle connections beyond the descriptors: the oldest make room for new clients.
        idle = [socket.create_connection(("127.0.0.1", sb.port)) for _ in range(40)]
        assert probe(sb.port)[1] == 200
        for so in idle:
            so.close()
        wait_for("the idle connections to go", lambda: server_sockets(sb.port) == [])
        # Busy ones beyond the descriptors: 503 for those it cannot hold, and no busy loop.
        sb.fault(match={"path": "/v1/whm/servers"}, count=40, delay_ms=2000)
        clients = []
        for _ in range(40):
            so = socket.create_connection(("127.0.0.1", sb.port))
            so.sendall(f"GET /v1/whm/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n".encode())
            clients.append(so)
        cpu0 = cpu_seconds(sb.proc.pid)
        answers = [read_until_closed(so, timeout=10) for so in clients]
        cpu = cpu_seconds(sb.proc.pid) - cpu0
        statuses = sorted(status_of(got) for got, _ in answers)
        print(f"40 delayed requests with 32 descriptors: {statuses.count(200)} answered, "
              f"{statuses.count(503)} refused; {cpu:.2f} s of CPU meanwhile")
        assert set(statuses) == {200, 503}, statuses
        assert all(body_of(got)["error"]["code"] == "SERVICE_UNAVAILABLE" for got, _ in answers if status_of(got) == 503)
        assert cpu < 1.0
        assert probe(sb.port)[1] == 200
    finally:
        sb.stop()
