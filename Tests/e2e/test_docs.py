"""Issue 7: completions in real shells, man pages, and install, all from the command table."""
import os
import re
import subprocess

from conftest import ROOT, SOPORTE


def gen(*args):
    return subprocess.run([SOPORTE, *args], capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"]}).stdout


def test_committed_files_match_the_binary():
    for shell, path in (("bash", "completions/soporte.bash"), ("zsh", "completions/_soporte"), ("fish", "completions/soporte.fish")):
        with open(os.path.join(ROOT, path)) as f:
            assert f.read() == gen("completion", shell), f"{path} is stale: run make generated"
    with open(os.path.join(ROOT, "man/soporte.1")) as f:
        assert f.read() == gen("help", "--man"), "man/soporte.1 is stale: run make generated"


def bash_complete(line, env=None):
    script = f"""
source {ROOT}/completions/soporte.bash
COMP_LINE='{line}'
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_soporte
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    return subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, check=True, env=env).stdout.split()


def test_bash_completion():
    assert bash_complete("soporte acc") == ["accounts"]
    assert set(bash_complete("soporte accounts ")) == {"list", "ls", "get", "create", "update", "delete", "suspend", "unsuspend"}
    assert "--filter" in bash_complete("soporte accounts ls --fi")  # the alias completes as list does
    assert bash_complete("soporte accounts list -o ") == ["table", "json", "ndjson", "csv", "tsv", "xlsx"]
    assert bash_complete("soporte --output j") == ["json"]
    assert "--filter" in bash_complete("soporte accounts list --fi")
    assert bash_complete("soporte completion ") == ["bash", "zsh", "fish"]
    assert "PATCH" in bash_complete("soporte api ")


def test_bash_completes_profiles_from_the_config(tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("[default]\napi_url = https://x/v1\n[staging]\n[prod]\n")
    script = f"""
export PATH={os.path.dirname(SOPORTE)}:$PATH SOPORTE_CONFIG={cfg}
source {ROOT}/completions/soporte.bash
COMP_WORDS=(soporte --profile ''); COMP_CWORD=2; _soporte; printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["default", "staging", "prod"]


def test_zsh_loads_with_compinit_and_completes_subcommands(tmp_path):
    script = f"""
fpath=({ROOT}/completions $fpath)
autoload -U compinit && compinit -u -d {tmp_path}/zcompdump
(( $+functions[_soporte] )) || autoload -U _soporte
[[ $_comps[soporte] == _soporte ]] || {{ echo "not registered"; exit 1; }}
compadd() {{ print -l -- "${{@:#-*}}"; }}
_describe() {{ print -l -- ${{(P)4}}; }}
words=(soporte accounts ''); CURRENT=3; _soporte
words=(soporte accounts list -o ''); CURRENT=5; _soporte
"""
    p = subprocess.run(["zsh", "-f", "-c", script], capture_output=True, text=True)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    lines = p.stdout.split("\n")
    assert "list:List accounts (walks every page)." in lines
    assert {"table", "json", "ndjson", "csv", "tsv"} <= set(lines)


def test_fish_completes():
    def complete(line):
        cmd = f"source {ROOT}/completions/soporte.fish; complete -C '{line}'"
        return [l.split("\t")[0] for l in subprocess.run(["fish", "-c", cmd], capture_output=True, text=True, check=True).stdout.splitlines()]
    assert set(complete("soporte accounts ")) >= {"list", "get", "create", "update", "delete", "suspend", "unsuspend"}
    assert "accounts" in complete("soporte acc")
    assert set(complete("soporte accounts list --output ")) == {"table", "json", "ndjson", "csv", "tsv", "xlsx"}


def test_man_pages_lint_clean_and_cover_every_command_and_option():
    for page in ("man/soporte.1", "man/soporte-sandbox.1"):
        p = subprocess.run(["mandoc", "-Tlint", "-W", "warning", os.path.join(ROOT, page)], capture_output=True, text=True)
        assert p.returncode == 0 and p.stdout == "" and p.stderr == "", p.stdout + p.stderr
    text = subprocess.run(["mandoc", "-Tutf8", os.path.join(ROOT, "man/soporte.1")], capture_output=True, text=True).stdout
    text = re.sub(r".\x08", "", text)
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "OUTPUT FORMATS", "CONFIGURATION",
                    "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SECURITY", "SEE ALSO"]:
        assert f"\n{section}\n" in text, section
    commands = gen("completion", "bash")
    # every command path of the table (the bash script has a case label for each)
    paths = re.findall(r'^        " ([a-z ]+)"(?:\|"[^"]*"\*?)*\)$', commands, re.M)
    leaves = [p for p in paths if not any(q.startswith(p + " ") for q in paths)]
    assert len(leaves) > 20
    for path in leaves:
        assert re.search(r"^\s+soporte " + re.escape(path) + r"\b", text, re.M), path
    for opt in set(re.findall(r"--[a-z][a-z-]+", commands)):
        assert opt in text, opt


def test_install_and_uninstall_into_destdir(tmp_path):
    dest = tmp_path / "root"
    bindir = os.path.dirname(SOPORTE)
    subprocess.run(["make", "-s", "-C", ROOT, "install-files", f"DESTDIR={dest}", "PREFIX=/usr/local", f"RELEASE_BIN={bindir}"], check=True)
    want = ["usr/local/bin/soporte", "usr/local/bin/soporte-sandbox", "usr/local/share/man/man1/soporte.1",
            "usr/local/share/man/man1/soporte-sandbox.1", "usr/local/share/bash-completion/completions/soporte",
            "usr/local/share/zsh/site-functions/_soporte", "usr/local/share/fish/vendor_completions.d/soporte.fish"]
    for w in want:
        assert (dest / w).is_file(), w
    assert subprocess.run([str(dest / "usr/local/bin/soporte"), "--version"], capture_output=True).returncode == 0
    subprocess.run(["make", "-s", "-C", ROOT, "uninstall", f"DESTDIR={dest}", "PREFIX=/usr/local"], check=True)
    assert [p for p in dest.rglob("*") if p.is_file()] == []
