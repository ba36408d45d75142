#!/usr/bin/env python3
"""make bench: soporte side by side with curl, jq and Python against a local
soporte-sandbox, in one run. Writes bench/RESULTS.md. Numbers are medians of several
runs and ratios between tools measured in the same run; none of this is a test."""
import argparse
import json
import math
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

import wire

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "sk_test_abc123xyz"
PY = "/usr/bin/python3"  # the real interpreter, not a version manager's shim


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


class Sandbox:
    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, "--port", "0", "--rate-limit", "off", *args], stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().split()[2]

    def peak_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def hyperfine(cmds, runs, warmup=3, shell=False):
    """Times commands with hyperfine; returns [{'median','min','max','mean'}] in seconds."""
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        args = ["hyperfine", "--style", "none", "--runs", str(runs), "--warmup", str(warmup), "--export-json", f.name]
        if not shell:
            args.append("-N")
        subprocess.run(args + cmds, check=True, stdout=subprocess.DEVNULL)
        data = json.load(open(f.name))["results"]
    return [{k: r[k] for k in ("median", "min", "max", "mean")} for r in data]


def interleaved(cmds, pairs, env, warmup=10):
    """Runs the commands in turn, `pairs` times each, the order reversed every other
    round, and times each run from posix_spawn to waitpid. Drift on a shared machine
    (20-50 % between two back-to-back hyperfine runs here) then hits every command
    alike. Returns [{'median','min','max','mean'}] in seconds, and per-round ratios of
    each command to the last one."""
    argvs = [shlex.split(c) for c in cmds]
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    times = [[] for _ in cmds]
    for i in range(warmup + pairs):
        order = range(len(cmds)) if i % 2 == 0 else reversed(range(len(cmds)))
        for k in order:
            t = time.perf_counter()
            pid = os.posix_spawnp(argvs[k][0], argvs[k], env, file_actions=actions)
            _, status = os.waitpid(pid, 0)
            elapsed = time.perf_counter() - t
            if status != 0:
                sys.exit(f"bench: {cmds[k]} exited with status {os.waitstatus_to_exitcode(status)}")
            if i >= warmup:
                times[k].append(elapsed)
    os.close(devnull)
    stats = [{"median": statistics.median(t), "min": min(t), "max": max(t), "mean": statistics.fmean(t)} for t in times]
    ratios = [[a / b for a, b in zip(t, times[-1])] for t in times[:-1]]
    return stats, ratios


def peak_rss_kb(argv, env):
    """Peak resident memory of one process, as GNU time reports it. Not this script's own
    wait4: a child forked (or vforked) from Python carries Python's resident set into its
    maximum across exec, so wait4 here reports at least this script's size (10-21 MiB,
    seen), whatever the program used."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as f:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name, *argv], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert p.returncode == 0, argv
        return int(f.read().split()[-1])


COMMANDS = []  # (section, sandbox flags, command lines) for the appendix


def record(section, sandbox_flags, cmds, url=None, soporte=None):
    """Keeps the exact command lines of a case, the sandbox URL shown as $URL."""
    def clean(c):
        if url:
            c = c.replace(url, "$URL")
        if soporte:
            c = c.replace(soporte, "soporte")
        return c.replace(HERE + "/", "bench/")
    COMMANDS.append((section, sandbox_flags, [clean(c) for c in cmds]))


def needed(binary):
    """The shared libraries a binary names (DT_NEEDED)."""
    return ", ".join(re.findall(r"Shared library: \[([^\]]+)\]", sh(f"readelf -d {binary}"))) or "?"


def ms(s):
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.2f} s"


def row(name, r):
    return f"| {name} | {ms(r['median'])} | {ms(r['min'])} | {ms(r['max'])} |"


def base_rows(soporte, sandbox, env, q, out, summary):
    """The rows on plain loopback: start-up, one request, the page walk, transform, the
    sandbox, memory."""
    # 1. Start-up
    r = hyperfine([f"{soporte} --version", "curl --version"], runs=50 if q else 300, warmup=20)
    record("Start-up", None, [f"{soporte} --version", "curl --version"], soporte=soporte)
    ratio = r[0]["median"] / r[1]["median"]
    out += ["## Start-up", "", "| command | median | min | max |", "|---|---|---|---|",
            row("`soporte --version`", r[0]), row("`curl --version`", r[1]), ""]
    summary.append(("start-up", f"{ratio:.2f}×", "≤ 0.5× curl", ratio <= 0.5))

    # 2. One request
    sb = Sandbox(sandbox, "--accounts", "250")
    url = sb.url + "/admin/system/health"
    curl = (f"curl -s --compressed -H 'Authorization: Bearer {TOKEN}' -H 'Accept: application/json' "
            f"-H 'User-Agent: soporte/0.1.0' -H 'X-Client-Version: 0.1.0' -H 'X-Request-ID: bench' {url}")
    # Interleaved: soporte, curl, curl, soporte, ... so that drift hits both alike.
    cmd = f"{soporte} health -o json --api-url {sb.url}"
    (mine, theirs), (pair_ratios,) = interleaved([cmd, curl], pairs=60 if q else 500, env=env)
    record("One request", "--accounts 250", [cmd, curl], url=sb.url, soporte=soporte)
    ratio = mine["median"] / theirs["median"]
    out += ["## One request", "", "`GET /admin/system/health` on the sandbox. The two commands run in turn "
            f"({60 if q else 500} times each, the order swapped every round, timed from posix_spawn to waitpid), "
            "so that the machine's drift falls on both alike. Ratio of the medians: "
            f"{ratio:.2f}×; median of the per-round ratios: {statistics.median(pair_ratios):.2f}×.", "",
            "| command | median | min | max |", "|---|---|---|---|",
            row("`soporte health -o json`", mine), row("`curl -s` (same URL and headers)", theirs), ""]
    summary.append(("one request", f"{ratio:.2f}×", "≤ 1.2× curl", ratio <= 1.2))
    sb.stop()

    # 3. Page walk: 50 pages of 100 with 20 ms latency
    sb = Sandbox(sandbox, "--accounts", "5000", "--latency", "20")
    pages_url = f"{sb.url}/whm/accounts"
    loop = (f"bash -c 'for p in $(seq 1 50); do curl -s -H \"Authorization: Bearer {TOKEN}\" "
            f"\"{pages_url}?page=$p&per_page=100\"; done'")
    glob = f"curl -s -H 'Authorization: Bearer {TOKEN}' '{pages_url}?page=[1-50]&per_page=100'"
    pyw = f"{PY} {HERE}/walk.py {sb.url} {TOKEN} 50 urllib"
    pyk = f"{PY} {HERE}/walk.py {sb.url} {TOKEN} 50 http.client"
    walk = [f"{soporte} accounts list -o ndjson --api-url {sb.url}", loop, glob, pyw, pyk]
    r = hyperfine(walk, runs=5 if q else 15, warmup=1, shell=True)
    record("Page walk", "--accounts 5000 --latency 20", walk, url=sb.url, soporte=soporte)
    mine_out = subprocess.run([soporte, "accounts", "list", "-o", "ndjson", "--api-url", sb.url], env=env, capture_output=True).stdout
    py_out = subprocess.run(shlex.split(pyw), capture_output=True).stdout
    same = mine_out == py_out and len(mine_out.splitlines()) == 5000
    bound = math.ceil(50 / 4) * 0.020
    speedup = r[1]["median"] / r[0]["median"]
    out += ["## Page walk", "", "50 pages of 100 accounts, `--latency 20` on every answer, 4 pages in flight. "
            f"Bound: ceil(50/4) × 20 ms = {bound * 1000:.0f} ms.", "",
            "| command | median | min | max |", "|---|---|---|---|",
            row("`soporte accounts list -o ndjson`", r[0]), row("sequential `curl` loop (one process a page)", r[1]),
            row("one `curl` with `page=[1-50]` (sequential, keep-alive)", r[2]),
            row("Python `urllib.request` script (a connection a page)", r[3]),
            row("Python `http.client` script (one keep-alive connection)", r[4]), "",
            f"soporte is {speedup:.1f}× faster than the curl loop, {r[2]['median'] / r[0]['median']:.1f}× faster than one "
            f"keep-alive curl, {r[3]['median'] / r[0]['median']:.1f}× faster than Python's urllib and "
            f"{r[4]['median'] / r[0]['median']:.1f}× faster than its http.client, and at "
            f"{r[0]['median'] / bound:.2f}× the bound. soporte's output is byte for byte the Python script's "
            f"(5,000 lines): {'yes' if same else 'NO'}.", ""]
    summary.append(("page walk vs curl loop", f"{speedup:.1f}× faster", "≥ 4× faster", speedup >= 4))
    summary.append(("page walk vs bound", f"{r[0]['median'] / bound:.2f}×", "≤ 1.5× the bound", r[0]["median"] / bound <= 1.5))
    sb.stop()

    # 4. Transform 100,000 items, and the sandbox's own numbers
    sb = Sandbox(sandbox, "--accounts", "100000")
    base = f"{sb.url}/whm/accounts"
    jq = f"bash -c \"curl -s -H 'Authorization: Bearer {TOKEN}' '{base}?page=[1-1000]&per_page=100' | jq -c '.data[]'\""
    transform = [f"{soporte} accounts list -o ndjson --api-url {sb.url}", f"{soporte} accounts list -o csv --api-url {sb.url}", jq]
    r = hyperfine(transform, runs=3 if q else 7, warmup=1, shell=True)
    record("Transform 100,000 items", "--accounts 100000", transform, url=sb.url, soporte=soporte)
    out += ["## Transform 100,000 items", "", "1,000 pages of 100 from the sandbox (no added latency), written to /dev/null.", "",
            "| command | median | min | max |", "|---|---|---|---|",
            row("`soporte accounts list -o ndjson`", r[0]), row("`soporte accounts list -o csv`", r[1]),
            row("`curl` (same pages) `| jq -c '.data[]'`", r[2]), ""]
    for name, i in (("ndjson", 0), ("csv", 1)):
        ratio = r[i]["median"] / r[2]["median"]
        summary.append((f"100k items, {name}", f"{ratio:.2f}×", "≤ 0.5× curl \\| jq", ratio <= 0.5))
    sandbox_peak = sb.peak_kb()
    ab = subprocess.run(["ab", "-q", "-k", "-c", "8", "-n", "2000" if q else "10000", "-H", f"Authorization: Bearer {TOKEN}",
                         f"{base}?page=7&per_page=100".replace("localhost", "127.0.0.1")], capture_output=True, text=True).stdout
    record("The sandbox", "--accounts 100000",
           [f"ab -q -k -c 8 -n {2000 if q else 10000} -H 'Authorization: Bearer {TOKEN}' '{base}?page=7&per_page=100'"], url=sb.url)
    rps = re.search(r"Requests per second:\s+([\d.]+)", ab)
    failed = re.search(r"Failed requests:\s+(\d+)", ab)
    out += ["## The sandbox", "",
            f"- `ab -k -c 8` on `GET /v1/whm/accounts?page=7&per_page=100` with 100,000 accounts: "
            f"**{rps.group(1) if rps else '?'} requests/s**, {failed.group(1) if failed else '?'} failed.",
            f"- peak RSS with 100,000 accounts after the runs above: **{sandbox_peak / 1024:.0f} MiB**.", ""]
    sb.stop()

    # 5. Memory: peak RSS walking 1k / 10k / 100k accounts
    out += ["## Memory", "", "Peak RSS of `soporte accounts list` (GNU time's %M), output to /dev/null. "
            "The table format is shown for reference only: it reads every row before it prints, "
            "to align the columns (README), so it grows with the list and is not in the target.", "",
            "| accounts | ndjson | csv | json | table |", "|---|---|---|---|---|"]
    flat = {}
    for n in (1000, 10000, 100000):
        sb = Sandbox(sandbox, "--accounts", str(n))
        cells = []
        for fmt in ("ndjson", "csv", "json", "table"):
            kb = peak_rss_kb([soporte, "accounts", "list", "-o", fmt, "--api-url", sb.url], env)
            if fmt != "table":
                flat.setdefault(fmt, []).append(kb)
            cells.append(f"{kb / 1024:.1f} MiB")
        out.append(f"| {n:,} | " + " | ".join(cells) + " |")
        sb.stop()
    out.append("")
    for fmt, kbs in flat.items():
        ratio = max(kbs) / min(kbs)
        summary.append((f"memory {fmt}, 1k→100k", f"{ratio:.2f}×", "flat within 2×", ratio <= 2))

    record("Memory", "--accounts 1000, 10000, 100000",
           [f"/usr/bin/time -f %M soporte accounts list -o {fmt} --api-url $URL" for fmt in ("ndjson", "csv", "json", "table")])


def totals_rows(soporte, sandbox, env, q, out, summary):
    """The sum of 100,000 invoice amounts: soporte's exact `--sum` against jq summing
    soporte's own NDJSON (floating point), both timed, with the answer each gives and the
    exact one (Python's decimal over the same literals)."""
    sb = Sandbox(sandbox, "--invoices", "100000", "--accounts", "1000")
    mine = f"{soporte} invoices list --sum amount -o json --api-url {sb.url}"
    jq = f"{soporte} invoices list -o ndjson --api-url {sb.url} | jq -s 'map(.amount|tonumber)|add'"
    r = hyperfine([mine, f"bash -c \"{jq}\""], runs=3 if q else 7, warmup=1, shell=True)
    record("Totals", "--invoices 100000 --accounts 1000", [mine, jq], url=sb.url, soporte=soporte)
    got = subprocess.run(mine, shell=True, env=env, capture_output=True, text=True).stdout.strip()
    theirs = subprocess.run(jq, shell=True, env=env, capture_output=True, text=True).stdout.strip()
    lines = subprocess.run([soporte, "invoices", "list", "-o", "ndjson", "--api-url", sb.url], env=env,
                           capture_output=True, text=True).stdout.splitlines()
    exact = sum((json.loads(l, parse_float=Decimal)["amount"] for l in lines), Decimal(0))
    sb.stop()
    mine_sum = str(json.loads(got, parse_float=Decimal)[0]["sum_amount"])
    ratio = r[0]["median"] / r[1]["median"]
    out += ["## Totals", "", "The amounts of 100,000 invoices (1,000 pages of 100, no added latency), summed.", "",
            "| command | median | min | max | answer |", "|---|---|---|---|---|",
            row("`soporte invoices list --sum amount -o json`", r[0]) + f" `{mine_sum}` |",
            row("`soporte invoices list -o ndjson \\| jq -s 'map(.amount\\|tonumber)\\|add'`", r[1]) + f" `{theirs}` |", "",
            f"The exact sum ({len(lines):,} literals, Python's decimal): `{exact}`. soporte's is "
            f"{'exact' if mine_sum == str(exact) else '**not exact**'}; jq's (a double) is "
            f"{'exact' if theirs == str(exact) else 'off'}. soporte takes {ratio:.2f}× jq's time.", ""]
    summary.append(("100k sum vs jq -s", f"{ratio:.2f}×", "the exact answer", mine_sum == str(exact)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--quick", action="store_true", help="fewer runs (for a smoke check)")
    ap.add_argument("--rows", choices=("all", "loopback", "wire", "totals"), default="all",
                    help="loopback: the plain-HTTP rows; wire: HTTPS, CPU, rate limits, hostile bodies (bench/wire.py); "
                         "totals: the 100k-invoice --sum against jq")
    a = ap.parse_args()
    soporte = os.path.abspath(os.path.join(a.bin, "soporte"))
    sandbox = os.path.abspath(os.path.join(a.bin, "soporte-sandbox"))
    q = a.quick
    t_start = time.time()
    env = dict(os.environ, SOPORTE_API_TOKEN=TOKEN, SOPORTE_CONFIG="/nonexistent")
    os.environ.update(SOPORTE_API_TOKEN=TOKEN, SOPORTE_CONFIG="/nonexistent")
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")
    mem = sh("free -g | awk '/Mem:/{print $2}'")
    out = ["# soporte benchmarks", "", f"Written by `make bench` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}). "
           "Medians of several runs; every ratio compares tools measured in the same run. "
           "Lower is better unless stated.", "", "## Machine", "",
           f"- {sh('nproc')} cores, {cpu}, {mem} GiB, Linux {platform.release()}",
           f"- {sh('swift --version 2>&1 | head -1')}", f"- {sh('curl --version | head -1')}",
           f"- jq {sh('jq --version')}, {sh(PY + ' --version')}, hyperfine {sh('hyperfine --version').split()[-1]}",
           f"- {sh('nginx -v 2>&1').replace('nginx version: ', '')}, {sh('openssl version')}",
           f"- soporte binary: {os.path.getsize(soporte) / 1e6:.1f} MB (`make release`: --static-swift-stdlib, lld, "
           f"libstdc++ and libgcc linked in); libraries it loads at start: {needed(soporte)}; "
           "libcurl is loaded with dlopen at the first request", ""]
    summary = []

    if a.rows in ("all", "loopback"):
        base_rows(soporte, sandbox, env, q, out, summary)
    if a.rows in ("all", "totals"):
        totals_rows(soporte, sandbox, env, q, out, summary)
    if a.rows in ("all", "wire"):
        more, extra = wire.run(sys.modules[__name__], soporte, sandbox, env, q)
        out += more
        summary += extra

    out += ["## Commands", "", "Every sandbox runs with `--port 0 --rate-limit off` and the flags shown; "
            "`SOPORTE_API_TOKEN` is set for soporte; `soporte` is the release binary.", ""]
    for section, flags, cmds in COMMANDS:
        out.append(f"**{section}**" + (f" (sandbox `{flags}`)" if flags else "") + ":")
        out += ["", "```"] + cmds + ["```", ""]

    head = ["## Summary", "", "| case | soporte | target | met |", "|---|---|---|---|"]
    head += [f"| {c} | {v} | {t} | {'—' if ok is None else 'yes' if ok else '**no**'} |" for c, v, t, ok in summary]
    head += ["", f"Whole run: {time.time() - t_start:.0f} s.", ""]
    text = "\n".join(out[:out.index("## Machine")] + head + out[out.index("## Machine"):]) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
