"""Runs a program on a pseudo-terminal (as a user's shell would) and collects what it
writes, answering prompts along the way, or sending it a signal."""
import fcntl
import os
import pty
import select
import struct
import termios
import time


def _drive(argv, env, cols, rows, timeout, step, poll):
    """Runs `argv` on a pty of `cols` x `rows`; `step(fd, pid, output so far)` runs before
    each read. Returns (exit status, output)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    out = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        step(fd, pid, out)
        r, _, _ = select.select([fd], [], [], poll)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    # Past the deadline the program is stuck: end it rather than wait for ever.
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def run_pty(argv, env, cols=80, rows=24, answers=(), timeout=30):
    """Returns (exit status, everything written to the terminal). `answers` is a list of
    (text to wait for, text to type)."""
    pending = list(answers)

    def answer(fd, pid, out):
        if pending and pending[0][0].encode() in out:
            os.write(fd, pending.pop(0)[1].encode())
    return _drive(argv, env, cols, rows, timeout, answer, 0.1)


def run_pty_signal(argv, env, when, sig, cols=80, rows=24, timeout=30):
    """Like run_pty, and sends `sig` to the program once `when(output so far)` is true
    (as a user's Ctrl-C, or a service manager's SIGTERM, would). Returns (exit status,
    output, output at the moment of the signal)."""
    at_signal = []

    def signal_when(fd, pid, out):
        if not at_signal and when(out):
            at_signal.append(out)
            os.kill(pid, sig)
    status, out = _drive(argv, env, cols, rows, timeout, signal_when, 0.02)
    return status, out, (at_signal[0] if at_signal else b"").decode("utf-8", "replace")
