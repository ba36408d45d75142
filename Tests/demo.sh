#!/usr/bin/env bash
# make demo: the real soporte against a real soporte-sandbox on a free loopback port.
set -euo pipefail
bin=${1:-.build/release}
out=$(mktemp)
"$bin/soporte-sandbox" --port 0 --accounts 120 > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
url=$(head -1 "$out" | awk '{print $3}')
export SOPORTE_API_URL=$url SOPORTE_API_TOKEN=sk_test_abc123xyz SOPORTE_CONFIG=/dev/null
# Shows each command as it must be typed: the program as `soporte`, and every word that
# the shell would change (>, <, spaces, quotes, $...) in single quotes (docs/CONTRACT.md §14.7).
shown() {
    local w out="soporte"
    for w in "${@:2}"; do
        if [[ $w =~ ^[A-Za-z0-9_./,:=@%+-]+$ ]]; then out+=" $w"
        else out+=" '${w//\'/\'\\\'\'}'"; fi
    done
    printf '%s\n' "$out"
}
run() { printf '\n$ %s\n' "$(shown "$@")"; "$@"; }
echo "soporte-sandbox is $url"
run "$bin/soporte" --version
run "$bin/soporte" health
run "$bin/soporte" accounts list --limit 8
run "$bin/soporte" accounts list --filter status=suspended --fields id,domain,owner,suspended_reason --limit 5
run "$bin/soporte" accounts get 7
run "$bin/soporte" invoices list --filter 'amount>=400' --sort -amount --limit 5 -o csv
printf '\n$ soporte accounts list -o ndjson | jq -s length\n'; "$bin/soporte" accounts list -o ndjson | jq -s length
run "$bin/soporte" accounts suspend 3 4 --reason demo --yes
run "$bin/soporte" accounts get 99999 || echo "(exit status $?: not found)"
