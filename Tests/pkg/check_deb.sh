#!/usr/bin/env bash
# make deb-check: the package from `make deb`, checked as a user gets it.
#   Tests/pkg/check_deb.sh .build/soporte_VERSION_ARCH.deb
# lintian (no error, no warning), then `dpkg -i` on this machine, then the installed files
# at work: soporte --version, man -w, bash (and zsh, fish) completion from the installed
# paths, requests to /usr/bin/soporte-sandbox; then dpkg -r and dpkg -P, and nothing of
# the package may be left (KEEP_INSTALLED=1 keeps it when a check failed, to look at).
# A soporte package that is installed already is never touched (docs/CONTRACT.md §14.7: `make test`
# leaves it as it found it): then the package is unpacked into a scratch root instead
# (dpkg-deb -x), its files are checked at work there, the dpkg -i/-r/-P steps are skipped
# with a note, and the installed package is checked to be still there, same version.
# Needs root, or sudo; needs dpkg, lintian, man-db and jq (make deb-check installs them).
set -uo pipefail

deb=${1:?usage: check_deb.sh PACKAGE.deb}
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL - $*"; }
die()  { echo "check_deb: $*" >&2; summary; exit 1; }
summary() { echo "deb-check: $passed passed, $failed failed"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
json_is() { jq -e "$1" >/dev/null; }  # json_is FILTER < JSON: the filter holds

[ -f "$deb" ] || { echo "check_deb: $deb does not exist: run make deb" >&2; exit 1; }
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")

# Installing a package needs root. Without root and without sudo this check cannot run:
# say so and fail, rather than pass having checked nothing.
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "check_deb: FAIL: dpkg -i needs root: run make deb-check as root or where sudo works; nothing was checked" >&2
  exit 1
fi

for tool in dpkg dpkg-deb lintian man jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check_deb: FAIL: $tool is missing (make deb-check installs it)" >&2; exit 1; }
done

pkg=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
tmp=$(mktemp -d)
sandbox_pid=
installed=0

cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  if [ "$installed" = 1 ] && [ "${KEEP_INSTALLED:-0}" != 1 ]; then
    echo "check_deb: removing $pkg after a failed check (KEEP_INSTALLED=1 keeps it)" >&2
    "${sudo[@]}" dpkg -P "$pkg" >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== $deb"
dpkg-deb -f "$deb" Package Version Architecture Depends

# -- the package file -------------------------------------------------------------------
echo "== lintian"
lintian -I --pedantic --fail-on error,warning "$deb" 2>&1 | grep -v '^running with root privileges'
check "lintian reports no error and no warning" test "${PIPESTATUS[0]}" = 0

depends=$(dpkg-deb -f "$deb" Depends)
check "Depends names libc6 (from the binaries)" grep -Eq '(^|, )libc6 \(>= ' <<<"$depends"
check "Depends names libcurl4 (dlopen'd at the first request)" grep -Eq '(^|, )libcurl4[a-z0-9]* \(>= ' <<<"$depends"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^$' | LC_ALL=C sort > "$tmp/contents"
expected_files="/usr/bin/soporte /usr/bin/soporte-sandbox
  /usr/share/man/man1/soporte.1.gz /usr/share/man/man1/soporte-sandbox.1.gz
  /usr/share/bash-completion/completions/soporte /usr/share/zsh/vendor-completions/_soporte
  /usr/share/fish/vendor_completions.d/soporte.fish
  /usr/share/doc/soporte/copyright /usr/share/doc/soporte/changelog.gz
  /usr/share/doc/soporte/examples/soporte-health.service /usr/share/doc/soporte/examples/soporte-health.timer"
for f in $expected_files; do
  check "the package holds $f" grep -qx "$f" "$tmp/contents"
done

# -- install ------------------------------------------------------------------------------
# root: where the package's files are checked; empty once installed, a scratch folder
# when a soporte package was installed before (which is then left alone).
before=$(dpkg-query -W -f '${db:Status-Status} ${Version}' "$pkg" 2>/dev/null || true)
root=
case $before in
  installed*|half*|unpacked*|triggers*|config-files*)
    root=$tmp/root
    echo "== dpkg-deb -x (not dpkg -i)"
    echo "note: $pkg is on this system ($before): it is left as it is; the package is checked unpacked in $root, and the dpkg -i/-r/-P steps are skipped"
    mkdir -p "$root"
    dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
    ;;
  *)
    echo "== dpkg -i"
    installed=1
    "${sudo[@]}" dpkg -i "$deb" || die "dpkg -i $deb failed"
    check "dpkg says $pkg $version is installed" \
      test "$(dpkg-query -W -f '${db:Status-Status} ${Version}' "$pkg")" = "installed $version"
    dpkg-query -L "$pkg" | LC_ALL=C sort > "$tmp/installed"
    ;;
esac
where=installed
[ -n "$root" ] && where="unpacked in $root"
for f in $expected_files; do
  check "$f is $where" test -f "$root$f"
done

# -- what was installed, at work ------------------------------------------------------------
# /usr/bin by its full path: a soporte from `make install` in /usr/local/bin may come first
# in PATH.
echo "== the installed files"
check "$root/usr/bin/soporte --version prints 'soporte $version'" \
  test "$("$root/usr/bin/soporte" --version)" = "soporte $version"
check "$root/usr/bin/soporte-sandbox --help runs" eval '"$root/usr/bin/soporte-sandbox" --help >/dev/null'
# The example units as shipped, man page references included (when installed, soporte(1) is).
if command -v systemd-analyze >/dev/null 2>&1; then
  check "systemd-analyze verify accepts the example soporte-health.service and .timer" \
    systemd-analyze verify --man=no "$root/usr/share/doc/soporte/examples/soporte-health.service" "$root/usr/share/doc/soporte/examples/soporte-health.timer"
else
  echo "skip - systemd-analyze is not installed (Debian: systemd)"
fi
for page in soporte soporte-sandbox; do
  if [ -z "$root" ]; then
    check "man -w $page finds /usr/share/man/man1/$page.1.gz" \
      grep -qx "/usr/share/man/man1/$page.1.gz" <(man -aw "$page" 2>/dev/null)
  fi
  check "man renders $page(1)" grep -q 'SYNOPSIS' <(MANWIDTH=80 man -l "$root/usr/share/man/man1/$page.1.gz" 2>/dev/null)
done

# bash: the completion file as bash-completion loads it, the function it registers, and
# COMP_WORDS/COMP_CWORD as bash sets them when TAB is pressed after `soporte acc`.
bash_complete() {  # bash_complete WORD... : the candidates for the last word
  env -i PATH="$root/usr/bin:/usr/bin:/bin" ROOT="$root" bash --norc --noprofile -c '
    source "$ROOT/usr/share/bash-completion/completions/soporte" || exit 1
    spec=$(complete -p soporte) || exit 1
    fn=${spec#*-F }; fn=${fn%% *}
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" soporte "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}
check "bash completes 'soporte acc' to accounts" grep -qx accounts <(bash_complete soporte acc)
check "bash completes 'soporte accounts li' to list" grep -qx list <(bash_complete soporte accounts li)

if command -v zsh >/dev/null 2>&1; then
  check "zsh finds _soporte in its fpath" env -i PATH=/usr/bin:/bin ROOT="$root" \
    zsh -fc '[[ -n $ROOT ]] && fpath=($ROOT/usr/share/zsh/vendor-completions $fpath); autoload -Uz +X _soporte'
else
  echo "skip - zsh is not installed"
fi
if command -v fish >/dev/null 2>&1; then
  mkdir -p "$tmp/home"
  check "fish completes 'soporte acc' to accounts" grep -q '^accounts' \
    <(env -i PATH="$root/usr/bin:/usr/bin:/bin" HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" ROOT="$root" \
        XDG_DATA_HOME="$tmp/home/.local/share" \
        fish -c 'test -n "$ROOT"; and source $ROOT/usr/share/fish/vendor_completions.d/soporte.fish; complete -C "soporte acc"')
else
  echo "skip - fish is not installed"
fi

# One real request each way through libcurl, which soporte loads at its first request.
"$root/usr/bin/soporte-sandbox" --port 0 > "$tmp/sandbox.out" 2> "$tmp/sandbox.err" &
sandbox_pid=$!
url=
for _ in $(seq 100); do
  url=$(awk 'NR == 1 && $1 == "listening" { print $3 }' "$tmp/sandbox.out")
  [ -n "$url" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$url" ]; then
  ok "$root/usr/bin/soporte-sandbox --port 0 listens on $url"
  run_soporte() {
    env SOPORTE_API_URL="$url" SOPORTE_API_TOKEN=sk_test_abc123xyz SOPORTE_CONFIG=/nonexistent \
      XDG_STATE_HOME="$tmp/state" "$root/usr/bin/soporte" "$@"
  }
  check "soporte health -o json against it says healthy" \
    json_is '.status == "healthy"' < <(run_soporte health -o json)
  check "soporte accounts list --limit 1 -o json against it gives one account" \
    json_is 'length == 1 and (.[0].id | type) == "number"' < <(run_soporte accounts list --limit 1 -o json)
else
  bad "$root/usr/bin/soporte-sandbox --port 0 printed no 'listening on' line: $(head -c 300 "$tmp/sandbox.err")"
fi
kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; sandbox_pid=

# -- remove, purge, and nothing left ------------------------------------------------------
if [ -n "$root" ]; then
  check "the $pkg that was installed before is untouched ($before)" \
    test "$(dpkg-query -W -f '${db:Status-Status} ${Version}' "$pkg" 2>/dev/null)" = "$before"
  echo "skip - dpkg -r and dpkg -P: $pkg was installed before this check and is left installed"
  summary
  [ "$failed" = 0 ]
  exit
fi
echo "== dpkg -r, dpkg -P"
"${sudo[@]}" dpkg -r "$pkg" || die "dpkg -r $pkg failed"
check "dpkg -r removed /usr/bin/soporte" test ! -e /usr/bin/soporte
# With no conffiles, dpkg -r leaves nothing to purge; dpkg -P then only warns.
if [ "$(dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null)" = config-files ]; then
  "${sudo[@]}" dpkg -P "$pkg" || die "dpkg -P $pkg failed"
else
  echo "(dpkg -r left no config-files state: nothing for dpkg -P to purge)"
fi
installed=0
status=$(dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null || echo not-installed)
check "dpkg knows $pkg as not installed (was: $status)" test "$status" = not-installed
left=()
while read -r path; do
  [ "$path" = /. ] && continue
  if [ -d "$path" ] && [ ! -L "$path" ]; then
    # A folder may stay when another package owns it or something else is in it.
    if dpkg-query -S "$path" >/dev/null 2>&1 || [ -n "$(ls -A "$path")" ]; then continue; fi
    left+=("$path")
  elif [ -e "$path" ] || [ -L "$path" ]; then
    left+=("$path")
  fi
done < "$tmp/installed"
for f in /var/lib/dpkg/info/"$pkg".* /var/lib/dpkg/info/"$pkg":*; do
  [ -e "$f" ] && left+=("$f")
done
check "nothing of the package is left (${#left[@]} paths: ${left[*]:-none})" test "${#left[@]}" = 0

summary
[ "$failed" = 0 ]
