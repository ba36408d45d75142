"""Every example in `--help` (the whole command tree) and in the man page's EXAMPLES runs
as written against a sandbox, in bash with pipefail: the help's own example must never
fail (issue 14)."""
import os
import re
import shlex
import subprocess

import pytest

from conftest import ROOT, SOPORTE, TOKEN, Sandbox

HELP_ENV = {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "SOPORTE_CONFIG": "/nonexistent", "LANG": "C.UTF-8"}


def help_examples():
    """Walks `--help` from the top: every command's Examples block, in tree order."""
    seen, out, queue, visited = set(), [], [[]], set()
    while queue:
        path = queue.pop(0)
        if tuple(path) in visited:
            continue
        visited.add(tuple(path))
        text = subprocess.run([SOPORTE, *path, "--help"], env=HELP_ENV, capture_output=True, text=True, check=True).stdout
        section = None
        for line in text.splitlines():
            if line and not line.startswith(" "):
                section = line.rstrip(":")
            elif section == "Commands" and line.startswith("  ") and not line.startswith("   "):  # not a wrapped line
                queue.append(path + [line.split()[0]])
            elif section == "Examples" and line.startswith("  $ ") and line[4:] not in seen:
                seen.add(line[4:])
                out.append(line[4:])
    return out


def man_examples():
    """The `.Dl` lines and literal blocks of the man page's EXAMPLES section."""
    text = open(os.path.join(ROOT, "man", "soporte.1")).read()
    part = text.split(".Sh EXAMPLES", 1)[1].split("\n.Sh ", 1)[0]
    unescape = lambda s: s.replace("\\e", "\\").replace("\\&", "").replace("\\-", "-")
    out = [unescape(l[4:]) for l in part.splitlines() if l.startswith(".Dl ")]
    for block in re.findall(r"\.Bd -literal[^\n]*\n(.*?)\n\.Ed", part, re.S):
        out.append(unescape(block))
    return out


EXAMPLES = help_examples()
MAN = man_examples()


def test_there_are_examples_everywhere():
    assert len(EXAMPLES) >= 30 and len(MAN) >= 4


@pytest.mark.parametrize("example", EXAMPLES + MAN)
def test_example_runs_against_the_sandbox(example, tmp_path):
    sb = Sandbox("--accounts", "60", "--rate-limit", "off")
    try:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "soporte").symlink_to(SOPORTE)
        (bin_dir / "pass").write_text(f"#!/bin/sh\nprintf '%s\\n' {shlex.quote(TOKEN)}\n")
        (bin_dir / "page-oncall").write_text("#!/bin/sh\nexit 0\n")
        for f in ("pass", "page-oncall"):
            os.chmod(bin_dir / f, 0o755)
        home = tmp_path / "home"
        (home / ".config" / "fish" / "completions").mkdir(parents=True)
        env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "HOME": str(home), "LANG": "C.UTF-8",
               "SOPORTE_API_URL": sb.url, "SOPORTE_API_TOKEN": TOKEN, "PW": "Example-Passw0rd",
               "TEXTFILE_DIR": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
        p = subprocess.run(["bash", "-o", "pipefail", "-c", example], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 0, f"{example}\n--- stdout\n{p.stdout[-2000:]}\n--- stderr\n{p.stderr[-2000:]}"
    finally:
        sb.stop()
