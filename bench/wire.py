"""make bench, second part: soporte on a wire that costs round trips (HTTPS through nginx
and a delay proxy), the walk's CPU, rate-limited walks and a hostile server's bodies.
Called by run.py, which passes itself in as `rb` (its Sandbox, interleaved, record, ms,
row) and gets back Markdown lines and summary rows."""
import atexit
import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import tlsfront

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
RTT_MS = 20
RTT = RTT_MS / 1000
USER_TOKEN = "sk_test_user_123"


STARTED = []  # processes this module started, ended at exit if a row fails half-way


@atexit.register
def _end_started():
    for p in STARTED:
        if p.poll() is None:
            p.kill()
            p.wait()


def sandbox(rb, binary, *args):
    sb = rb.Sandbox(binary, *args)
    STARTED.append(sb.proc)
    return sb


def helper(script, *args):
    """Starts one of the bench's own Python servers; returns (process, first stdout line)."""
    p = subprocess.Popen([PY, os.path.join(HERE, script), *args], stdout=subprocess.PIPE, text=True)
    STARTED.append(p)
    line = p.stdout.readline().strip()
    if not line.startswith("listening on"):
        p.kill()
        sys.exit(f"bench: {script} did not start")
    return p, line.split()[2]


def stop(p):
    p.kill()
    p.wait()


def http(method, url, body=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")


def curl_headers(token):
    """The headers soporte sends, for curl (as the one-request row does)."""
    return (f"-H 'Authorization: Bearer {token}' -H 'Accept: application/json' -H 'User-Agent: soporte/0.1.0' "
            f"-H 'X-Client-Version: 0.1.0' -H 'X-Request-ID: bench'")


def rusage_rounds(cmds, rounds, env, warmup=1):
    """Runs the commands in turn (order reversed every other round), each timed from
    posix_spawn to wait4, with the child's user+sys CPU time from wait4's rusage
    (which includes the children it waited for). Returns per command the median wall and
    CPU seconds, and the per-round lists."""
    argvs = [shlex.split(c) for c in cmds]
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    walls, cpus = [[] for _ in cmds], [[] for _ in cmds]
    for i in range(warmup + rounds):
        order = range(len(cmds)) if i % 2 == 0 else reversed(range(len(cmds)))
        for k in order:
            t = time.perf_counter()
            pid = os.posix_spawnp(argvs[k][0], argvs[k], env, file_actions=actions)
            _, status, ru = os.wait4(pid, 0)
            elapsed = time.perf_counter() - t
            if status != 0:
                sys.exit(f"bench: {cmds[k]} exited with status {os.waitstatus_to_exitcode(status)}")
            if i >= warmup:
                walls[k].append(elapsed)
                cpus[k].append(ru.ru_utime + ru.ru_stime)
    os.close(devnull)
    return [{"wall": statistics.median(w), "cpu": statistics.median(c), "walls": w, "cpus": c} for w, c in zip(walls, cpus)]


def gnu_time(argv, env, stdout=subprocess.DEVNULL):
    """Peak RSS (KiB), wall seconds and exit status of one run, as GNU time reports them,
    and the program's stderr."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as f:
        p = subprocess.run(["/usr/bin/time", "-f", "%M %e %x", "-o", f.name, *argv], env=env,
                           stdout=stdout, stderr=subprocess.PIPE, text=True)
        kb, wall, status = f.read().split("\n")[-2].split()
    return int(kb), float(wall), int(status), p.stderr


def on_the_wire(front, mark):
    """What nginx saw since mark: connections, protocols, requests per connection,
    TLS versions, resumed sessions."""
    lines = front.read_log(mark)
    conns = {}
    for l in lines:
        conns.setdefault(l["connection"], []).append(l)
    protos = sorted({l["server_protocol"] for l in lines})
    tls = sorted({l["ssl_protocol"] for l in lines})
    per = sorted((len(v) for v in conns.values()), reverse=True)
    resumed = sum(1 for v in conns.values() if v[0]["ssl_session_reused"] == "r")
    return {"requests": len(lines), "connections": len(conns), "protocols": ", ".join(protos), "tls": ", ".join(tls),
            "per_connection": per, "resumed": resumed}


def wire_cell(w):
    per = "+".join(str(n) for n in w["per_connection"])
    return (f"{w['connections']} ({w['protocols']}, {w['tls']}, requests per connection {per}, "
            f"TLS sessions resumed {w['resumed']})")


def run(rb, soporte, binary, env, quick):
    """The new rows (binary: soporte-sandbox). Returns (Markdown lines, summary rows)."""
    out, summary = [], []
    token = env["SOPORTE_API_TOKEN"]
    hdrs = curl_headers(token)
    tmp = tempfile.mkdtemp(prefix="soporte-bench-tls.")

    # The wire: sandbox <- nginx (TLS, h2 | HTTP/1.1) <- delay proxy (RTT) <- client.
    check = subprocess.run([PY, os.path.join(HERE, "delayproxy.py"), "--check", "--rtt-ms", str(RTT_MS)],
                           capture_output=True, text=True, check=True).stdout.strip().splitlines()
    sb = sandbox(rb, binary, "--accounts", "5000")
    front = tlsfront.TLSFront(tmp, int(sb.url.split(":")[2].split("/")[0]))
    STARTED.append(front.proc)
    dp2, a2 = helper("delayproxy.py", "--upstream", f"127.0.0.1:{front.h2_port}", "--rtt-ms", str(RTT_MS))
    dp1, a1 = helper("delayproxy.py", "--upstream", f"127.0.0.1:{front.h1_port}", "--rtt-ms", str(RTT_MS))
    url2 = f"https://localhost:{a2.rsplit(':', 1)[1]}/v1"
    url1 = f"https://localhost:{a1.rsplit(':', 1)[1]}/v1"
    ca = front.ca

    def clean(c):
        return c.replace(url2, "$URL").replace(url1, "$URL").replace(ca, "$TLS/ca.pem").replace(soporte, "soporte")

    setup = ["# soporte-sandbox --port 0 --rate-limit off --accounts 5000",
             "# nginx -c $TLS/nginx.conf: bench/tlsfront.py, a throwaway CA by openssl, TLS 1.2 and 1.3,",
             "#   one server block with http2 (the HTTP/2 rows), one HTTP/1.1 only (the HTTP/1.1 rows)",
             f"# {PY} bench/delayproxy.py --upstream 127.0.0.1:$NGINX_PORT --rtt-ms {RTT_MS}   # $URL = https://localhost:$PROXY_PORT/v1"]
    out += ["## On the wire: HTTPS with a round trip", "",
            f"nginx (TLS, HTTP/2) in front of the sandbox, and between the client and nginx the bench's delay proxy "
            f"(`bench/delayproxy.py`): every chunk of bytes waits {RTT_MS // 2} ms each way, so a round trip is "
            f"{RTT_MS} ms, a new TCP connection costs one round trip (charged by the proxy: on loopback the handshake "
            "itself is free) and TLS 1.3 one more. No bandwidth limit and no TCP slow start: a real wire adds both. "
            "The proxy checked against an echo server in this run (`delayproxy.py --check`):", "", "```", *check, "```", ""]

    # 1. One request over HTTPS.
    mine = f"{soporte} health -o json --api-url {url2} --ca-bundle {ca}"
    curl = f"curl -s --compressed --cacert {ca} {hdrs} {url2}/admin/system/health"
    pairs = 10 if quick else 40
    (m, t), (pr,) = rb.interleaved([mine, curl], pairs=pairs, env=env, warmup=3)
    rb.record("One HTTPS request", None, setup + [clean(mine), clean(curl)])
    wires = []
    for c in (mine, curl):
        mark = front.log_mark()
        subprocess.run(shlex.split(c), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wires.append(on_the_wire(front, mark))
    ratio = m["median"] / t["median"]
    bound = 3 * RTT
    out += ["### One HTTPS request", "",
            f"`GET /admin/system/health` through the wire, soporte and curl in turn ({pairs} times each, the order "
            f"swapped every round). Bound: TCP + TLS + the request, 3 round trips = {bound * 1000:.0f} ms. "
            f"Ratio of the medians: {ratio:.2f}×; median of the per-round ratios: {statistics.median(pr):.2f}×.", "",
            "| command | median | min | max | connections (nginx's log) |", "|---|---|---|---|---|",
            rb.row("`soporte health -o json`", m) + f" {wire_cell(wires[0])} |",
            rb.row("`curl -s` (same URL and headers)", t) + f" {wire_cell(wires[1])} |", ""]
    summary.append(("one HTTPS request (20 ms RTT)", f"{ratio:.2f}× curl", "≤ 1.1× curl", ratio <= 1.1))

    # 2. and 3. The 50-page walk, HTTP/2 and HTTP/1.1 only.
    pages = "whm/accounts?page=[1-50]&per_page=100"
    bound = (2 + 1 + math.ceil(49 / 4)) * RTT
    for label, url, key in (("HTTP/2", url2, "h2"), ("HTTP/1.1 only", url1, "h1")):
        walk = [f"{soporte} accounts list --per-page 100 -o ndjson --api-url {url} --ca-bundle {ca}",
                f"curl -s -Z --parallel-max 4 --http2 --compressed --cacert {ca} {hdrs} '{url}/{pages}'",
                f"curl -s --http2 --compressed --cacert {ca} {hdrs} '{url}/{pages}'"]
        rounds = 3 if quick else 7
        r = rb.interleaved(walk, pairs=rounds, env=env, warmup=1)[0]
        rb.record(f"HTTPS walk, {label}", None, setup + [clean(c) for c in walk])
        wires = []
        for c in walk:
            mark = front.log_mark()
            subprocess.run(shlex.split(c), env=env, capture_output=True)
            wires.append(on_the_wire(front, mark))
        lines = len(subprocess.run(shlex.split(walk[0]), env=env, capture_output=True).stdout.splitlines())
        bounds = [bound, (2 + math.ceil(50 / 4)) * RTT, (2 + 50) * RTT]
        names = ["`soporte accounts list --per-page 100 -o ndjson`", "`curl -Z --parallel-max 4 --http2`, the 50 URLs",
                 "`curl` over the 50 URLs in sequence (one process, keep-alive)"]
        out += [f"### 50-page HTTPS walk, {label}", "",
                f"5,000 accounts, 50 pages of 100, nginx's {'HTTP/2' if key == 'h2' else 'HTTP/1.1-only'} server block, "
                f"{RTT_MS} ms round trip; the three commands in turn, {rounds} times each. soporte's bound: TCP + TLS + "
                f"the first page, then ceil(49/4) rounds of 4 pages = {2 + 1 + math.ceil(49 / 4)} round trips = "
                f"{bound * 1000:.0f} ms" + (
                    "; over HTTP/1.1, 4 pages in flight take 4 connections, and three opened after the first page "
                    f"add 2 round trips: {(2 + 1 + 2 + math.ceil(49 / 4)) * RTT * 1000:.0f} ms" if key == "h1" else "") +
                ". curl -Z is given the 50 URLs and needs no first page: 2 + ceil(50/4) round trips = "
                f"{bounds[1] * 1000:.0f} ms; the sequential curl, 2 + 50 = {bounds[2] * 1000:.0f} ms. "
                f"soporte wrote {lines:,} lines. The sequential curl's ratio to its bound is what the chain itself "
                "(delay proxy, nginx, sandbox) adds, about 2 ms a request." + (
                    " The curl commands are the same as above, `--http2` included: this server block offers only "
                    "HTTP/1.1 in ALPN." if key == "h1" else ""), "",
                "| command | median | min | max | × its bound | connections (nginx's log) |", "|---|---|---|---|---|---|"]
        for n, x, b, w in zip(names, r, bounds, wires):
            out.append(rb.row(n, x) + f" {x['median'] / b:.2f}× | {wire_cell(w)} |")
        out += ["", f"soporte is at {r[0]['median'] / bound:.2f}× its bound, {r[1]['median'] / r[0]['median']:.2f}× the "
                f"time of `curl -Z` ({r[0]['median'] / r[1]['median']:.2f}× slower), and "
                f"{r[2]['median'] / r[0]['median']:.1f}× faster than the sequential curl.", ""]
        # The targets (issue 17) for the walk, applied to both server blocks.
        summary.append((f"HTTPS walk, {label}: vs the bound", f"{r[0]['median'] / bound:.2f}×", "≤ 1.3× the bound", r[0]['median'] / bound <= 1.3))
        summary.append((f"HTTPS walk, {label}: vs curl -Z", f"{r[0]['median'] / r[1]['median']:.2f}× curl -Z", "≤ 1.0× curl -Z",
                        r[0]['median'] <= r[1]['median']))
    front.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    stop(dp2)
    stop(dp1)
    sb.stop()

    # 4. The walk's CPU on plain loopback: 100,000 items.
    sb = sandbox(rb, binary, "--accounts", "100000")
    base = sb.url
    fmts = ("ndjson", "csv", "tsv")
    cmds = [f"{soporte} accounts list --per-page 100 -o {f} --api-url {base}" for f in fmts]
    cmds.append(f"curl -s -Z --parallel-max 4 --compressed {hdrs} '{base}/whm/accounts?page=[1-1000]&per_page=100'")
    rounds = 2 if quick else 5
    r = rusage_rounds(cmds, rounds, env)
    rb.record("The walk's CPU, 100,000 items", "--accounts 100000",
              ["# each timed from posix_spawn to wait4 (user+sys from its rusage), stdout to /dev/null"] + cmds +
              ["# peak RSS: /usr/bin/time -f %M with each of the above"], url=base, soporte=soporte)
    rss = [gnu_time(shlex.split(c), env)[0] for c in cmds]
    cw, cc = r[3]["wall"], r[3]["cpu"]
    out += ["## The walk's CPU: 100,000 items on loopback", "",
            f"1,000 pages of 100 accounts from the sandbox (plain HTTP on loopback, no added latency), output to "
            f"/dev/null, the four commands in turn, {rounds} times each. CPU is user + sys of the process (wait4's "
            "rusage); peak RSS from GNU time's %M, one more run each.", "",
            "| command | wall | CPU (user+sys) | wall × curl | CPU × curl | peak RSS |", "|---|---|---|---|---|---|"]
    for name, x, kb in zip([f"`soporte accounts list --per-page 100 -o {f}`" for f in fmts] + ["`curl -s -Z --parallel-max 4` (same 1,000 URLs)"], r, rss):
        out.append(f"| {name} | {rb.ms(x['wall'])} | {rb.ms(x['cpu'])} | {x['wall'] / cw:.2f}× | {x['cpu'] / cc:.2f}× | {kb / 1024:.1f} MiB |")
    out.append("")
    summary.append(("100k walk ndjson, wall", f"{r[0]['wall'] / cw:.2f}× curl", "≤ 1.5× curl -Z", r[0]["wall"] / cw <= 1.5))
    summary.append(("100k walk ndjson, CPU", f"{r[0]['cpu'] / cc:.2f}× curl", "≤ 3× curl -Z", r[0]["cpu"] / cc <= 3))
    for i, f in ((1, "csv"), (2, "tsv")):
        summary.append((f"100k walk {f}, wall", f"{r[i]['wall'] / cw:.2f}× curl", "≤ 2× curl -Z", r[i]["wall"] / cw <= 2))
    peak = max(rss[:3])
    summary.append(("100k walk, peak RSS", f"{peak / 1024:.1f} MiB", "< 20 MiB", peak < 20 * 1024))
    sb.stop()

    # 5. Rate-limited walks (issue 13).
    out += ["## Rate-limited walks", "",
            "Pages of one account, so that every item is a request. The 429s are counted on the wire by "
            "`bench/windowproxy.py` in front of the sandbox, which only counts them; the limits are the sandbox's own. "
            "Token `sk_test_user_123` (the authenticated tier).", "",
            "| server | requests | bound | soporte | × bound | 429s served | exit | items |", "|---|---|---|---|---|---|---|---|"]
    uenv = dict(env, SOPORTE_API_TOKEN=USER_TOKEN)

    # (a) the sandbox's token bucket: 100/min, burst 20.
    n = 140 if quick else 200
    limit, burst = 100, 20
    sb = sandbox(rb, binary, "--accounts", str(n), "--rate-limit", "on")
    wp, purl = helper("windowproxy.py", "--upstream", sb.url.split("/")[2])
    cmd = f"{soporte} accounts list --per-page 1 -o ndjson --api-url {purl}"
    http("POST", sb.url.replace("/v1", "/_sandbox/reset-limits"), {})
    http("DELETE", purl.replace("/v1", "/_proxy/stats"))
    t = time.perf_counter()
    p = subprocess.run(shlex.split(cmd), env=uenv, capture_output=True)
    took = time.perf_counter() - t
    stats = http("GET", purl.replace("/v1", "/_proxy/stats"))
    bound = max(0, n - (limit + burst)) * 60 / limit
    n429 = stats["statuses"].get("429", 0)
    items = len(p.stdout.splitlines())
    out.append(f"| (a) sandbox token bucket, {limit}/min + {burst} burst | {n} | max(0, {n} − {limit + burst}) × 60/{limit} = "
               f"{bound:.1f} s | {took:.1f} s | {took / bound:.2f}× | {n429} | {p.returncode} | {items} |")
    rb.record("Rate-limited walk (a), token bucket", f"--accounts {n} --rate-limit on",
              [f"# {PY} bench/windowproxy.py --upstream 127.0.0.1:$SANDBOX_PORT   # counts; $URL is its address",
               "# POST /_sandbox/reset-limits before the walk", f"SOPORTE_API_TOKEN={USER_TOKEN} {cmd}"],
              url=purl, soporte=soporte)
    summary.append(("rate limit, token bucket: 429s", str(n429), "0", n429 == 0))
    summary.append(("rate limit, token bucket: time", f"{took / bound:.2f}× bound", "≤ 1.1× the bound", took / bound <= 1.1 and p.returncode == 0))
    stop(wp)
    sb.stop()

    # (b) the sandbox's fixed window: LIMIT requests per S seconds, windows on the Unix clock.
    n, wl, ws, phase = (60, 50, 10, 1.0) if quick else (120, 50, 10, 1.0)
    sb = sandbox(rb, binary, "--accounts", str(n), "--rate-limit", "on", "--rate-window", f"{wl}/{ws}")
    wp, purl = helper("windowproxy.py", "--upstream", sb.url.split("/")[2])
    cmd = f"{soporte} accounts list --per-page 1 -o ndjson --api-url {purl}"
    # Start the walk `phase` seconds into a window, so that every run sees the same bound.
    time.sleep((phase - time.time() % ws) % ws)
    http("DELETE", purl.replace("/v1", "/_proxy/stats"))
    t = time.perf_counter()
    p = subprocess.run(shlex.split(cmd), env=uenv, capture_output=True)
    took = time.perf_counter() - t
    stats = http("GET", purl.replace("/v1", "/_proxy/stats"))
    used = stats["first"] % ws
    bound = (math.ceil(n / wl) - 1) * ws - used
    n429 = stats["statuses"].get("429", 0)
    items = len(p.stdout.splitlines())
    out.append(f"| (b) sandbox fixed window (`--rate-window {wl}/{ws}`) | {n} | (ceil({n}/{wl}) − 1) × {ws} − {used:.1f} s already gone "
               f"= {bound:.1f} s | {took:.1f} s | {took / bound:.2f}× | {n429} | {p.returncode} | {items} |")
    rb.record("Rate-limited walk (b), fixed window", f"--accounts {n} --rate-limit on --rate-window {wl}/{ws}",
              [f"# {PY} bench/windowproxy.py --upstream 127.0.0.1:$SANDBOX_PORT   # counts; $URL is its address",
               f"# started {phase:.0f} s into a window", f"SOPORTE_API_TOKEN={USER_TOKEN} {cmd}"], url=purl, soporte=soporte)
    summary.append(("rate limit, fixed window: 429s", str(n429), "0", n429 == 0))
    summary.append(("rate limit, fixed window: time", f"{took / bound:.2f}× bound", "≤ 1.1× the bound", took / bound <= 1.1 and p.returncode == 0))
    stop(wp)
    sb.stop()
    # (c) two walks back to back on one token bucket (issue 23): the second starts with
    # what the first left, and must pace the rest without failing on its own estimate.
    n = 70 if quick else 140
    sb = sandbox(rb, binary, "--accounts", str(n), "--rate-limit", "on")
    wp, purl = helper("windowproxy.py", "--upstream", sb.url.split("/")[2])
    cmd = f"{soporte} accounts list --per-page 1 -o ndjson --api-url {purl}"
    http("POST", sb.url.replace("/v1", "/_sandbox/reset-limits"), {})
    http("DELETE", purl.replace("/v1", "/_proxy/stats"))
    t0 = time.perf_counter()
    p1 = subprocess.run(shlex.split(cmd), env=uenv, capture_output=True)
    t1 = time.perf_counter()
    p2 = subprocess.run(shlex.split(cmd), env=uenv, capture_output=True)
    t2 = time.perf_counter()
    stats = http("GET", purl.replace("/v1", "/_proxy/stats"))
    n429 = stats["statuses"].get("429", 0)
    # The bucket holds limit + burst; after the first walk, n more requests have to wait
    # for refills beyond what it held then, refilled meanwhile at limit a minute.
    held_after_first = max(0, (limit + burst) - n + (t1 - t0) * limit / 60)
    bound2 = max(0, n - held_after_first) * 60 / limit
    bound1 = max(0, n - (limit + burst)) * 60 / limit
    took2 = t2 - t1
    ok = p1.returncode == 0 and p2.returncode == 0
    out.append(f"| (c) the same bucket, two walks back to back | 2 × {n} | first {bound1:.1f} s, second {bound2:.1f} s | "
               f"{t1 - t0:.1f} s, {took2:.1f} s | {took2 / bound2 if bound2 else 0:.2f}× (second) | {n429} | {p1.returncode}, {p2.returncode} | "
               f"{len(p1.stdout.splitlines())}, {len(p2.stdout.splitlines())} |")
    rb.record("Rate-limited walks (c), back to back", f"--accounts {n} --rate-limit on",
              ["# POST /_sandbox/reset-limits once, then the same walk twice", f"SOPORTE_API_TOKEN={USER_TOKEN} {cmd}",
               f"SOPORTE_API_TOKEN={USER_TOKEN} {cmd}"], url=purl, soporte=soporte)
    summary.append(("rate limit, back to back: 429s", str(n429), "0", n429 == 0 and ok))
    summary.append(("rate limit, back to back: time", f"{took2 / bound2 if bound2 else 0:.2f}× bound", "≤ 1.1× the bound",
                    ok and (bound2 == 0 or took2 / bound2 <= 1.1)))
    stop(wp)
    sb.stop()

    # (d) Laravel's throttle (issue 23): a window from the first request, Limit and
    # Remaining on every answer, Reset and Retry-After on the 429 alone.
    n, wl = (45, 30) if quick else (75, 30)
    sb = sandbox(rb, binary, "--accounts", str(n), "--dialect", "laravel", "--rate-window", f"{wl}/60")
    wp, purl = helper("windowproxy.py", "--upstream", sb.url.split("/")[2])
    cmd = f"{soporte} accounts list --per-page 1 -o ndjson --api-url {purl}"
    http("DELETE", purl.replace("/v1", "/_proxy/stats"))
    t = time.perf_counter()
    p = subprocess.run(shlex.split(cmd), env=uenv, capture_output=True)
    took = time.perf_counter() - t
    stats = http("GET", purl.replace("/v1", "/_proxy/stats"))
    bound = (math.ceil(n / wl) - 1) * 60
    n429 = stats["statuses"].get("429", 0)
    out.append(f"| (d) Laravel throttle (`--dialect laravel --rate-window {wl}/60`), no Reset | {n} | (ceil({n}/{wl}) − 1) × 60 = {bound:.0f} s | "
               f"{took:.1f} s | {took / bound:.2f}× | {n429} | {p.returncode} | {len(p.stdout.splitlines())} |")
    rb.record("Rate-limited walk (d), Laravel throttle", f"--accounts {n} --dialect laravel --rate-window {wl}/60",
              [f"SOPORTE_API_TOKEN={USER_TOKEN} {cmd}"], url=purl, soporte=soporte)
    summary.append(("rate limit, Laravel window: 429s", str(n429), "0", n429 == 0 and p.returncode == 0))
    summary.append(("rate limit, Laravel window: time", f"{took / bound:.2f}× bound", "≤ 1.1× the bound", took / bound <= 1.1 and p.returncode == 0))
    stop(wp)
    sb.stop()

    out += ["", "The fixed window is the sandbox's `--rate-window LIMIT/SECONDS`: windows aligned on the Unix clock, "
            "`X-RateLimit-Limit` the window's LIMIT, `-Remaining`, and `-Reset` the window's end (Unix seconds) on every "
            "answer, 429 with `Retry-After` once the window's requests are spent. Its bound: the last window the walk "
            "needs opens (ceil(N/LIMIT) − 1) windows after the one it starts in, less the part of that first window "
            "already gone when it starts.", ""]

    # 6. Memory against a hostile server: four 300 MB bodies at once.
    out += ["## Memory against hostile bodies", "",
            "`soporte accounts list --per-page 100 -o ndjson` against servers whose pages are 300 MB; peak RSS from "
            "GNU time's %M. soporte fetches the first page, then four at a time.", "",
            "| server | peak RSS | exit | wall | soporte's message |", "|---|---|---|---|---|"]
    cmd = f"{soporte} accounts list --per-page 100 -o ndjson --api-url $URL"
    cases = []
    sb = sandbox(rb, binary, "--accounts", "5000")
    faults = sb.url.replace("/v1", "/_sandbox/faults")
    huge = {"action": "huge", "match": {"path": "/v1/whm/accounts"}, "count": 50}
    passthrough = {"match": {"path": "/v1/whm/accounts", "query": "page=1&"}, "count": 1}
    for name, fl in (("sandbox `huge`, pages 2 on (four bodies at once, `Content-Length: 300000000`)", [passthrough, huge]),
                     ("sandbox `huge` on every page (the first page alone)", [huge])):
        http("DELETE", faults)
        http("POST", faults, fl)
        cases.append((name, sb.url, fl))
        kb, wall, status, err = gnu_time(shlex.split(cmd.replace("$URL", sb.url)), env)
        msg = (err.strip().splitlines() or [""])[0].replace(sb.url.split("/")[2], "$HOST")
        out.append(f"| {name} | {kb / 1024:.1f} MiB | {status} | {wall:.1f} s | {msg} |")
        if fl[0] is passthrough:
            summary.append(("4 × 300 MB bodies (Content-Length): peak RSS", f"{kb / 1024:.0f} MiB", "< 100 MiB", kb < 100 * 1024))
            summary.append(("4 × 300 MB bodies (Content-Length): exit", str(status), "8", status == 8))
    sb.stop()
    hp, hurl = helper("hostile.py")
    kb, wall, status, err = gnu_time(shlex.split(cmd.replace("$URL", hurl)), env)
    msg = (err.strip().splitlines() or [""])[0].replace(hurl.split("/")[2], "$HOST")
    out.append(f"| `bench/hostile.py`, pages 2 on chunked, no Content-Length (four at once) | {kb / 1024:.1f} MiB | {status} | {wall:.1f} s | {msg} |")
    summary.append(("4 × 300 MB chunked bodies: peak RSS", f"{kb / 1024:.0f} MiB", "< 100 MiB", kb < 100 * 1024))
    summary.append(("4 × 300 MB chunked bodies: exit", str(status), "8", status == 8))
    stop(hp)
    out.append("")
    rb.record("Memory against hostile bodies", "--accounts 5000",
              ["# the sandbox's faults, POST /_sandbox/faults, four pages at once:",
               "#   " + json.dumps([passthrough, huge]),
               "# and on every page: " + json.dumps([huge]),
               f"# or $URL from {PY} bench/hostile.py (chunked, no Content-Length)",
               f"/usr/bin/time -f '%M %e %x' {cmd}"], soporte=soporte)
    return out, summary
