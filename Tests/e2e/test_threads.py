"""Threads and signals in the real binary: the worker threads of a walk block the signals
the main thread handles, so SIGINT and SIGTERM run their handler on the main thread (the
one that writes the resume note), and a signal during the walk still ends it at once,
with the note."""
import os
import signal
import subprocess
import time

from conftest import SOPORTE, TOKEN

# Signal n is bit n-1 of /proc/<pid>/task/<tid>/status's SigBlk.
HANDLED = {"SIGINT": 2, "SIGTERM": 15, "SIGPIPE": 13, "SIGXFSZ": 25}


def blocked(pid, tid):
    with open(f"/proc/{pid}/task/{tid}/status") as f:
        mask = next(int(line.split()[1], 16) for line in f if line.startswith("SigBlk:"))
    return {name for name, n in HANDLED.items() if mask & (1 << (n - 1))}


def start_walk(s):
    """A walk whose pages after the first are in flight on worker threads (the sandbox
    holds each request 3 s)."""
    env = {"PATH": os.environ["PATH"], "SOPORTE_API_URL": s.url, "SOPORTE_API_TOKEN": TOKEN, "SOPORTE_CONFIG": "/nonexistent"}
    p = subprocess.Popen([SOPORTE, "accounts", "list", "--per-page", "10", "-o", "ndjson"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Page 1 comes on the main thread; then the workers start.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        tasks = [int(t) for t in os.listdir(f"/proc/{p.pid}/task")]
        if len(tasks) >= 5:
            return p, tasks
        time.sleep(0.05)
    p.kill()
    raise AssertionError("the walk started no workers")


def test_a_walks_worker_threads_block_the_signals_the_main_thread_handles(fresh):
    s = fresh("--accounts", "200", "--latency", "1000", "--rate-limit", "off")
    p, tasks = start_walk(s)
    try:
        masks = {tid: blocked(p.pid, tid) for tid in tasks}
    finally:
        p.kill()
        p.communicate()
    assert masks[p.pid] == set(), masks
    workers = [tid for tid in tasks if tid != p.pid]
    assert workers and all(masks[t] == set(HANDLED) for t in workers), masks


def test_sigint_while_workers_are_in_flight_ends_the_walk_at_once_with_the_resume_note(fresh):
    s = fresh("--accounts", "200", "--latency", "1000", "--rate-limit", "off")
    p, _ = start_walk(s)
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    took = time.monotonic() - t0
    assert p.returncode == 130 and took < 1.0, (p.returncode, took, err)
    assert len(out.splitlines()) == 10  # page 1
    assert b"resume with: " in err and b"--from-page 2" in err, err
