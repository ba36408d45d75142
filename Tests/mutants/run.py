#!/usr/bin/env python3
"""Mutation checks (`make mutants`): apply each mutant of Tests/mutants/mutants.txt, one
at a time, to a scratch copy of the repository, build, run the unit tests, and say
whether some test caught it (killed) or none did (SURVIVED: a missing test).

The working tree is never touched. The scratch copy (default .build/mutants/tree) holds
the files git tracks plus untracked ones that are not ignored, so a test written and not
yet committed counts; it and its own .build are kept between mutants and between runs,
so each mutant costs an incremental build. Each mutated file is restored before the next
mutant, also on Ctrl-C. What each mutant's build and tests printed is kept in
.build/mutants/logs/ID.log (beside the scratch copy).

Exit status: 0 when every mutant was killed; 1 when one survived, its text is not found
exactly once in its file (a stale list fails loudly), or it does not compile; 2 when
the list cannot be read or the unmutated copy does not build or pass its tests.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIELDS = ("file", "find", "replace", "why")


class Mutant:
    def __init__(self, ident, line):
        self.id = ident
        self.line = line
        self.file = self.find = self.replace = self.why = None

    def problem(self):
        missing = [f for f in FIELDS if getattr(self, f) is None]
        if missing:
            return "missing " + ", ".join(missing)
        if not self.find:
            return "empty find"
        if self.find == self.replace:
            return "replace is the same as find"
        return None


def read_list(path):
    """Blocks of `[id]` then `key: value` lines (file, find, replace, why); the value is
    the rest of the line after `key: `, exact (a `replace:` with nothing deletes)."""
    mutants, errors, current = [], [], None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.fullmatch(r"\[([a-z0-9][a-z0-9-]*)\]", line)
            if m:
                current = Mutant(m.group(1), n)
                mutants.append(current)
                continue
            key, sep, value = line.partition(":")
            if current is None or not sep or key not in FIELDS:
                errors.append(f"{path}:{n}: expected [id] or one of {', '.join(FIELDS)}: {line!r}")
                continue
            if getattr(current, key) is not None:
                errors.append(f"{path}:{n}: {key} given twice for {current.id}")
            setattr(current, key, value[1:] if value.startswith(" ") else value)
    seen = set()
    for m in mutants:
        if m.id in seen:
            errors.append(f"{path}:{m.line}: id {m.id} used twice")
        seen.add(m.id)
        why = m.problem()
        if why:
            errors.append(f"{path}:{m.line}: {m.id}: {why}")
    return mutants, errors


def tracked_files():
    out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         check=True, capture_output=True).stdout
    return sorted({p for p in out.decode().split("\0") if p and os.path.isfile(os.path.join(ROOT, p))})


def sync(scratch):
    """Makes the scratch copy hold exactly the working tree's files. Unchanged files are
    left alone (their times too), so the build there stays incremental."""
    files = tracked_files()
    wanted = set(files)
    for rel in files:
        src, dst = os.path.join(ROOT, rel), os.path.join(scratch, rel)
        with open(src, "rb") as f:
            data = f.read()
        try:
            with open(dst, "rb") as f:
                if f.read() == data:
                    continue
        except FileNotFoundError:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    for dirpath, dirnames, filenames in os.walk(scratch):
        rel_dir = os.path.relpath(dirpath, scratch)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d != ".build"]
        for name in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel not in wanted:
                os.remove(os.path.join(dirpath, name))


def run(cmd, cwd, timeout):
    """(exit status or None on timeout, output). Every process of the command's session
    is ended when it returns or times out, so a hung test binary does not outlive it:
    `swift test` runs the tests in a process group of their own, and a mutant that
    leaves threads blocked for ever (a lost wake-up) kept that binary alive after
    `swift test` had returned."""
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        end_session(p.pid)
        return p.returncode, out.decode(errors="replace")
    except subprocess.TimeoutExpired:
        end_session(p.pid)
        out, _ = p.communicate()
        return None, out.decode(errors="replace")
    except BaseException:
        end_session(p.pid)
        p.wait()
        raise


def end_session(sid):
    """SIGKILL to every process whose session is `sid` (read from /proc)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # after the name: state, ppid, pgrp, session
            try:
                os.kill(int(entry), signal.SIGKILL)
            except ProcessLookupError:
                pass


def failed_tests(output):
    names = re.findall(r"Test Case '([^']+)' failed", output)
    return list(dict.fromkeys(n.replace("-[", "").replace("]", "").replace(" ", ".") for n in names))


class Checker:
    def __init__(self, scratch, swift, build_timeout, test_timeout):
        self.scratch = scratch
        self.swift = swift
        self.build_timeout = build_timeout
        self.test_timeout = test_timeout

    def build(self):
        return run([self.swift, "build", "--build-tests"], self.scratch, self.build_timeout)

    def test(self):
        return run([self.swift, "test", "--skip-build"], self.scratch, self.test_timeout)

    def verdict(self, log):
        """('killed' | 'SURVIVED' | 'BROKEN', detail); the build's and the tests' output go to `log`."""
        status, out = self.build()
        with open(log, "w") as f:
            f.write(out)
        if status != 0:
            errors = [l for l in out.splitlines() if ": error: " in l][:3]
            return "BROKEN", "does not compile: " + ("; ".join(errors) or ("build timed out" if status is None else out[-300:]))
        status, out = self.test()
        with open(log, "a") as f:
            f.write(out)
        if status is None:
            return "killed", f"the tests hung (stopped after {self.test_timeout:g} s)"
        if status == 0:
            return "SURVIVED", ""
        failed = failed_tests(out)
        if failed:
            return "killed", "by " + ", ".join(failed[:4]) + (f" and {len(failed) - 4} more" if len(failed) > 4 else "")
        return "killed", f"the test run exited {status} (a crash?)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ids", nargs="*", help="run only these mutants")
    ap.add_argument("--list", default=os.path.join(HERE, "mutants.txt"))
    ap.add_argument("--scratch", default=os.path.join(ROOT, ".build", "mutants", "tree"))
    ap.add_argument("--swift", default=os.environ.get("SWIFT", "swift"))
    ap.add_argument("--build-timeout", type=float, default=1200)
    ap.add_argument("--test-timeout", type=float, default=120)
    ap.add_argument("--check", action="store_true", help="only check that every mutant's text is found; build nothing")
    a = ap.parse_args()

    mutants, errors = read_list(a.list)
    unknown = [i for i in a.ids if i not in {m.id for m in mutants}]
    errors += [f"no mutant named {i}" for i in unknown]
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        return 2
    if a.ids:
        mutants = [m for m in mutants if m.id in a.ids]

    # Every mutant's text, against the working tree, before anything is built.
    stale = {}
    for m in mutants:
        path = os.path.join(ROOT, m.file)
        if not os.path.isfile(path):
            stale[m.id] = f"{m.file} does not exist"
            continue
        with open(path, "rb") as f:
            n = f.read().count(m.find.encode())
        if n != 1:
            stale[m.id] = f"the text to find occurs {n} times in {m.file}, not once"
    width = max(len(m.id) for m in mutants) if mutants else 0
    if a.check:
        for m in mutants:
            print(f"{'STALE' if m.id in stale else 'ok':<9}{m.id:<{width}}  {stale.get(m.id, m.file)}")
        print(f"mutants: {len(mutants) - len(stale)} found, {len(stale)} stale (of {len(mutants)})")
        return 1 if stale else 0

    started = time.monotonic()
    os.makedirs(a.scratch, exist_ok=True)
    logs = os.path.join(os.path.dirname(a.scratch), "logs")
    os.makedirs(logs, exist_ok=True)
    sync(a.scratch)
    checker = Checker(a.scratch, a.swift, a.build_timeout, a.test_timeout)
    print(f"mutants: {len(mutants)} from {a.list}; scratch copy {a.scratch}", flush=True)
    status, out = checker.build()
    if status == 0:
        status, out = checker.test()
    if status != 0:
        print(out[-4000:], file=sys.stderr)
        print("mutants: the unmutated copy does not build or pass its tests; nothing to measure", file=sys.stderr)
        return 2
    print(f"baseline: builds and passes ({time.monotonic() - started:.0f} s)", flush=True)

    counts = {"killed": 0, "SURVIVED": 0, "STALE": 0, "BROKEN": 0}
    for m in mutants:
        t0 = time.monotonic()
        if m.id in stale:
            verdict, detail = "STALE", stale[m.id]
        else:
            path = os.path.join(a.scratch, m.file)
            with open(path, "rb") as f:
                original = f.read()
            try:
                with open(path, "wb") as f:
                    f.write(original.replace(m.find.encode(), m.replace.encode(), 1))
                verdict, detail = checker.verdict(os.path.join(logs, m.id + ".log"))
            finally:
                with open(path, "wb") as f:
                    f.write(original)
        counts[verdict] += 1
        line = f"{verdict:<9}{m.id:<{width}}  {time.monotonic() - t0:4.0f} s  {m.file}"
        if detail:
            line += f"\n{'':9}{detail}"
        if verdict == "SURVIVED":
            line += f"\n{'':9}why it matters: {m.why}"
        print(line, flush=True)

    took = time.monotonic() - started
    print(f"mutants: {counts['killed']} killed, {counts['SURVIVED']} survived, {counts['STALE']} stale, "
          f"{counts['BROKEN']} broken (of {len(mutants)}) in {took // 60:.0f} min {took % 60:.0f} s")
    return 0 if counts["killed"] == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
