# bash completion for soporte (generated from the command table; do not edit)
_soporte() {
    local cur prev path i w skip=0
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    path=""
    for ((i=1; i<COMP_CWORD; i++)); do
        w="${COMP_WORDS[i]}"
        if [[ $skip == 1 ]]; then skip=0; continue; fi
        case "$w" in
            --profile|--api-url|--token-file|--output|-o|--fields|--color|--timeout|--retries|--max-wait|--deadline|--ca-bundle|--request-id|--config|--filter|--sort|--search|--include|--per-page|--page|--limit|--from-page|--domain|--username|--email|--package|--server-id|--password-file|--set|--set-string|--journal|--reason|--field|-f|--typed-field|-F|--input) skip=1 ;;
            -*) ;;
            *) path="$path $w" ;;
        esac
    done
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
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts get")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts create")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --domain --username --email --package --server-id --password-stdin --password-file" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts update")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --set --set-string" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts delete")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --journal --allow-empty" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts suspend")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --reason --journal --allow-empty" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " accounts unsuspend")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --journal --allow-empty" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " invoices")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get" -- "$cur")); fi ;;
        " invoices list"|" invoices ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " invoices get")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " subscriptions")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get cancel" -- "$cur")); fi ;;
        " subscriptions list"|" subscriptions ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " subscriptions get")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " subscriptions cancel")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --journal --allow-empty" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " servers")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get" -- "$cur")); fi ;;
        " servers list"|" servers ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " servers get")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " packages")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list ls get" -- "$cur")); fi ;;
        " packages list"|" packages ls")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --filter --sort --search --include --per-page --page --limit --from-page" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " packages get")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --include" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " api")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --field -f --typed-field -F --input --paginate --show-headers -i --filter --sort --search --per-page --page --limit --from-page" -- "$cur"))
            else COMPREPLY=($(compgen -W "GET POST PUT PATCH DELETE HEAD" -- "$cur")); fi ;;
        " config")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "list get set unset profiles path" -- "$cur")); fi ;;
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
        " config profiles")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " config path")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h" -- "$cur"))
            else COMPREPLY=($(compgen -W "" -- "$cur")); fi ;;
        " history")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --limit" -- "$cur"))
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
        " help")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --api-url --sandbox --token-file --output -o --fields --no-headers --csv-safe --color --verbose -v --quiet -q --timeout --retries --max-wait --deadline --ca-bundle --request-id --config --yes -y --dry-run --read-only --help -h --man" -- "$cur"))
            else COMPREPLY=($(compgen -W "health accounts invoices subscriptions servers packages api config history auth completion version help" -- "$cur")); fi ;;
    esac
}
complete -F _soporte soporte
