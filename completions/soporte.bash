# bash completion for soporte (generated from the command table; do not edit)
# Field names for a value: after the last comma of a list ($2 holds ','), and
# after a leading '-' ($2 holds '-'); no word of it is ever expanded.
_soporte_words() {
    local pre="" last="$cur" w
    if [[ $2 == *,* && $cur == *,* ]]; then pre="${cur%,*},"; last="${cur##*,}"; fi
    if [[ $2 == *-* && $last == -* ]]; then pre="$pre-"; last="${last#-}"; fi
    COMPREPLY=()
    for w in $1; do [[ $w == "$last"* ]] && COMPREPLY+=("$pre$w"); done
}
# Ids and names from the cache of the last 'list' walk (never a request).
_soporte_cached() {
    local f="${XDG_CACHE_HOME:-$HOME/.cache}/soporte/$1" w
    local -a ws
    COMPREPLY=()
    [[ -f $f ]] || return 0
    while IFS=$'\t' read -r -a ws; do
        for w in "${ws[@]}"; do [[ $w == "$cur"* ]] && COMPREPLY+=("$w"); done
    done < "$f"
}
_soporte() {
    local cur prev path i w skip=0
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    path=""
    for ((i=1; i<COMP_CWORD; i++)); do
        w="${COMP_WORDS[i]}"
        if [[ $skip == 1 ]]; then skip=0; continue; fi
        case "$w" in
            --profile|--api-url|--token-file|--output|-o|--fields|--color|--timeout|--retries|--max-wait|--deadline|--ca-bundle|--request-id|--config|--filter|--sort|--search|--include|--per-page|--page|--limit|--from-page|--count-by|--sum|--domain|--username|--email|--package|--server-id|--password-file|--set|--set-string|--journal|--reason|--field|-f|--typed-field|-F|--input|--since) skip=1 ;;
            -*) ;;
            *) path="$path $w" ;;
        esac
    done
    case "$path" in
        " health")
            case "$prev" in
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv nagios prometheus" -- "$cur")); return ;;
            esac ;;
        " accounts list"|" accounts ls")
            case "$prev" in
                --fields) _soporte_words "id domain username email status package package_id server_id owner disk_used_mb disk_quota_mb limits notes tags suspended_reason created_at updated_at" ","; return ;;
                --sort) _soporte_words "id domain username email status package package_id server_id owner disk_used_mb disk_quota_mb limits notes tags suspended_reason created_at updated_at" ",-"; return ;;
                --filter) _soporte_words "id domain username email status package package_id server_id owner disk_used_mb disk_quota_mb limits notes tags suspended_reason created_at updated_at" ""; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " accounts get"|" accounts get "*)
            case "$prev" in
                --fields) _soporte_words "id domain username email status package package_id server_id owner disk_used_mb disk_quota_mb limits notes tags suspended_reason created_at updated_at" ","; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " invoices list"|" invoices ls")
            case "$prev" in
                --fields) _soporte_words "id number account_id status amount tax currency issued_at due_date paid_at lines" ","; return ;;
                --sort) _soporte_words "id number account_id status amount tax currency issued_at due_date paid_at lines" ",-"; return ;;
                --filter) _soporte_words "id number account_id status amount tax currency issued_at due_date paid_at lines" ""; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " invoices get"|" invoices get "*)
            case "$prev" in
                --fields) _soporte_words "id number account_id status amount tax currency issued_at due_date paid_at lines" ","; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " subscriptions list"|" subscriptions ls")
            case "$prev" in
                --fields) _soporte_words "id account_id plan status amount currency interval started_at next_billing_date cancelled_at" ","; return ;;
                --sort) _soporte_words "id account_id plan status amount currency interval started_at next_billing_date cancelled_at" ",-"; return ;;
                --filter) _soporte_words "id account_id plan status amount currency interval started_at next_billing_date cancelled_at" ""; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " subscriptions get"|" subscriptions get "*)
            case "$prev" in
                --fields) _soporte_words "id account_id plan status amount currency interval started_at next_billing_date cancelled_at" ","; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " servers list"|" servers ls")
            case "$prev" in
                --fields) _soporte_words "id name hostname ip_address location status accounts_count capacity load created_at" ","; return ;;
                --sort) _soporte_words "id name hostname ip_address location status accounts_count capacity load created_at" ",-"; return ;;
                --filter) _soporte_words "id name hostname ip_address location status accounts_count capacity load created_at" ""; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " servers get"|" servers get "*)
            case "$prev" in
                --fields) _soporte_words "id name hostname ip_address location status accounts_count capacity load created_at" ","; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " packages list"|" packages ls")
            case "$prev" in
                --fields) _soporte_words "id name disk_quota bandwidth email_accounts databases price currency" ","; return ;;
                --sort) _soporte_words "id name disk_quota bandwidth email_accounts databases price currency" ",-"; return ;;
                --filter) _soporte_words "id name disk_quota bandwidth email_accounts databases price currency" ""; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " packages get"|" packages get "*)
            case "$prev" in
                --fields) _soporte_words "id name disk_quota bandwidth email_accounts databases price currency" ","; return ;;
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
        " history")
            case "$prev" in
                --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv xlsx" -- "$cur")); return ;;
            esac ;;
    esac
    case "$prev" in
        --profile) COMPREPLY=($(compgen -W "$(sed -n 's/^[[:space:]]*\[\([^]]*\)\][[:space:]]*$/\1/p' "$(soporte config path 2>/dev/null)" 2>/dev/null)" -- "$cur")); return ;;
        --api-url)  return ;;
        --token-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --output|-o) COMPREPLY=($(compgen -W "table json ndjson csv tsv" -- "$cur")); return ;;
        --fields)  return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --timeout)  return ;;
        --retries)  return ;;
        --max-wait)  return ;;
        --deadline)  return ;;
        --ca-bundle) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --request-id)  return ;;
        --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --filter)  return ;;
        --sort)  return ;;
        --search)  return ;;
        --include)  return ;;
        --per-page)  return ;;
        --page)  return ;;
        --limit)  return ;;
        --from-page)  return ;;
        --count-by)  return ;;
        --sum)  return ;;
        --domain)  return ;;
        --username)  return ;;
        --email)  return ;;
        --package)  return ;;
        --server-id)  return ;;
        --password-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --set)  return ;;
        --set-string)  return ;;
        --journal) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --reason)  return ;;
        --field|-f)  return ;;
        --typed-field|-F)  return ;;
        --input) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --since)  return ;;
    esac
    case "$path" in
        "")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --version" -- "$cur"))
            else COMPREPLY=($(compgen -W "health accounts invoices subscriptions servers packages api config history auth completion version help" -- "$cur")); fi ;;
        " health")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get create update delete suspend unsuspend" -- "$cur")); fi ;;
        " accounts list"|" accounts ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page --count-by --sum" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts get"|" accounts get "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else _soporte_cached accounts; fi ;;
        " accounts create")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --domain --username --email --package --server-id --password-stdin --password-file" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts update"|" accounts update "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --set --set-string" -- "$cur"))
            else _soporte_cached accounts; fi ;;
        " accounts delete"|" accounts delete "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --journal --allow-empty" -- "$cur"))
            else _soporte_cached accounts; fi ;;
        " accounts suspend"|" accounts suspend "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --reason --journal --allow-empty" -- "$cur"))
            else _soporte_cached accounts; fi ;;
        " accounts unsuspend"|" accounts unsuspend "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --journal --allow-empty" -- "$cur"))
            else _soporte_cached accounts; fi ;;
        " invoices")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get" -- "$cur")); fi ;;
        " invoices list"|" invoices ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page --count-by --sum" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " invoices get"|" invoices get "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else _soporte_cached invoices; fi ;;
        " subscriptions")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get cancel" -- "$cur")); fi ;;
        " subscriptions list"|" subscriptions ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page --count-by --sum" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " subscriptions get"|" subscriptions get "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else _soporte_cached subscriptions; fi ;;
        " subscriptions cancel"|" subscriptions cancel "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --journal --allow-empty" -- "$cur"))
            else _soporte_cached subscriptions; fi ;;
        " servers")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get" -- "$cur")); fi ;;
        " servers list"|" servers ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page --count-by --sum" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " servers get"|" servers get "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else _soporte_cached servers; fi ;;
        " packages")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get" -- "$cur")); fi ;;
        " packages list"|" packages ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page --count-by --sum" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " packages get"|" packages get "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else _soporte_cached packages; fi ;;
        " api")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --field -f --typed-field -F --input --paginate --show-headers -i --filter --sort --search --per-page --page --limit --from-page" -- "$cur"))
            else COMPREPLY=($(compgen -W "GET POST PUT PATCH DELETE HEAD" -- "$cur")); fi ;;
        " config")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list get set unset use profiles path" -- "$cur")); fi ;;
        " config list")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " config get")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "api_url token token_command license_key signing_secret output color timeout retries max_wait deadline ca_bundle concurrency history read_only" -- "$cur")); fi ;;
        " config set")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "api_url token token_command license_key signing_secret output color timeout retries max_wait deadline ca_bundle concurrency history read_only" -- "$cur")); fi ;;
        " config unset")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "api_url token token_command license_key signing_secret output color timeout retries max_wait deadline ca_bundle concurrency history read_only" -- "$cur")); fi ;;
        " config use")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " config profiles")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " config path")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " history")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --limit --since" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " auth")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "status" -- "$cur")); fi ;;
        " auth status")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " completion")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); fi ;;
        " version")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " help"|" help "*)
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --man" -- "$cur"))
            else COMPREPLY=($(compgen -W "health accounts invoices subscriptions servers packages api config history auth completion version help" -- "$cur")); fi ;;
    esac
}
complete -F _soporte soporte
