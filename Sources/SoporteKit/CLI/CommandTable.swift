/// The one command table. Parsing, help, completions and the man page all read it.
public enum CommandTable {
    public static let outputFormats = ["table", "json", "ndjson", "csv", "tsv"]
    public static let colorModes = ["auto", "always", "never"]
    public static let shells = ["bash", "zsh", "fish"]
    public static let httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    public static let configKeys = ["api_url", "token", "token_command", "license_key", "signing_secret",
                                    "output", "color", "timeout", "retries", "ca_bundle", "concurrency"]

    // MARK: - Option groups

    /// Accepted on every command, anywhere after the program name.
    public static let globalOptions: [OptionSpec] = [
        OptionSpec("profile", value: "NAME", help: "Config profile to use (env SOPORTE_PROFILE).", default: "default", completion: .profiles),
        OptionSpec("api-url", value: "URL", help: "API base URL (env SOPORTE_API_URL).", default: "https://api.soporteclientes.net/v1"),
        OptionSpec("sandbox", help: "Use https://api-sandbox.soporteclientes.net/v1."),
        OptionSpec("token-file", value: "PATH", help: "Read the API token from this file.", completion: .file),
        OptionSpec("output", short: "o", value: "FORMAT", help: "Output format (env SOPORTE_OUTPUT).", default: "table", completion: .choices(outputFormats)),
        OptionSpec("fields", value: "LIST", help: "Comma-separated fields to request and print."),
        OptionSpec("no-headers", help: "Omit the header row in table, csv and tsv output."),
        OptionSpec("csv-safe", help: "Prefix CSV cells starting with = + - @ TAB CR with ' (formula injection)."),
        OptionSpec("color", value: "WHEN", help: "Colour: auto, always or never (NO_COLOR disables).", default: "auto", completion: .choices(colorModes)),
        OptionSpec("verbose", short: "v", help: "Log each request on stderr; twice adds headers and bodies.", repeatable: true),
        OptionSpec("quiet", short: "q", help: "No progress or notes on stderr."),
        OptionSpec("timeout", value: "SECONDS", help: "Total time allowed for each request.", default: "30"),
        OptionSpec("retries", value: "N", help: "Retries for failed requests that are safe to repeat.", default: "3"),
        OptionSpec("ca-bundle", value: "PATH", help: "Extra CA certificates to trust (env SOPORTE_CA_BUNDLE).", completion: .file),
        OptionSpec("request-id", value: "ID", help: "X-Request-ID to send instead of a fresh UUID."),
        OptionSpec("config", value: "PATH", help: "Config file (env SOPORTE_CONFIG).", default: "$XDG_CONFIG_HOME/soporte/config", completion: .file),
        OptionSpec("yes", short: "y", help: "Do not ask for confirmation."),
        OptionSpec("dry-run", help: "Print the requests as curl commands and send nothing."),
        OptionSpec("help", short: "h", help: "Show help for the command."),
    ]

    static let listOptions: [OptionSpec] = [
        OptionSpec("filter", value: "EXPR", help: "FIELD=V, FIELD:OP=V (eq ne gt gte lt lte like in between), or FIELD!=V >= <= > < ~.", repeatable: true),
        OptionSpec("sort", value: "FIELDS", help: "Sort fields, '-' for descending (e.g. -created_at,status)."),
        OptionSpec("search", value: "TERM", help: "Free-text search."),
        OptionSpec("include", value: "LIST", help: "Embed related resources (e.g. server,package)."),
        OptionSpec("per-page", value: "N", help: "Items per page, 1..100.", default: "100"),
        OptionSpec("page", value: "N", help: "Fetch only this page."),
        OptionSpec("limit", value: "N", help: "Stop after N items."),
        OptionSpec("from-page", value: "N", help: "Walk from page N to the end (resume a failed walk)."),
    ]

    static let getOptions: [OptionSpec] = [
        OptionSpec("include", value: "LIST", help: "Embed related resources (e.g. server,package)."),
    ]

    static let idsArgument = ArgumentSpec("ID", help: "One or more IDs; '-' reads IDs from stdin, one per line.", variadic: true)

    // MARK: - Resources

    static func listCommand(_ r: Resource) -> CommandSpec {
        CommandSpec("list", summary: "List \(r.plural) (walks every page).", options: listOptions, examples: r.listExamples)
    }

    static func getCommand(_ r: Resource) -> CommandSpec {
        CommandSpec("get", summary: "Show one \(r.singular).", arguments: [ArgumentSpec("ID", help: "The \(r.singular) id.")],
                    options: getOptions, examples: ["soporte \(r.name) get 42", "soporte \(r.name) get 42 -o json"])
    }

    static let accounts = CommandSpec(
        "accounts", summary: "WHM/cPanel hosting accounts.",
        subcommands: [
            listCommand(.accounts),
            getCommand(.accounts),
            CommandSpec("create", summary: "Create an account.",
                        details: "The password is never taken from a flag value: use --password-stdin, --password-file, or answer the prompt on a terminal.",
                        options: [
                            OptionSpec("domain", value: "DOMAIN", help: "Primary domain."),
                            OptionSpec("username", value: "USER", help: "cPanel user name."),
                            OptionSpec("email", value: "EMAIL", help: "Contact e-mail."),
                            OptionSpec("package", value: "PACKAGE", help: "Hosting package name."),
                            OptionSpec("server-id", value: "N", help: "Server to create it on."),
                            OptionSpec("password-stdin", help: "Read the password from the first line of stdin."),
                            OptionSpec("password-file", value: "PATH", help: "Read the password from a file.", completion: .file),
                        ],
                        examples: ["printf '%s\\n' \"$PW\" | soporte accounts create --domain example.com --username ex --email ops@example.com --package basic --server-id 1 --password-stdin"]),
            CommandSpec("update", summary: "Change fields of an account (PATCH).",
                        arguments: [ArgumentSpec("ID", help: "The account id.")],
                        options: [
                            OptionSpec("set", value: "KEY=VALUE", help: "Field to set; numbers, true/false and null are sent typed.", repeatable: true),
                            OptionSpec("set-string", value: "KEY=VALUE", help: "Field to set, always sent as a string.", repeatable: true),
                        ],
                        examples: ["soporte accounts update 42 --set package=pro --set disk_quota_mb=20000"]),
            CommandSpec("delete", summary: "Delete accounts.", arguments: [idsArgument],
                        examples: ["soporte accounts delete 42 --yes"]),
            CommandSpec("suspend", summary: "Suspend accounts.", arguments: [idsArgument],
                        options: [OptionSpec("reason", value: "TEXT", help: "Reason recorded with the suspension.")],
                        examples: ["soporte accounts list -o tsv --fields id --no-headers --filter status=active | soporte accounts suspend - --yes --reason 'abuse'"]),
            CommandSpec("unsuspend", summary: "Unsuspend accounts.", arguments: [idsArgument],
                        examples: ["soporte accounts unsuspend 42 43"]),
        ])

    static let invoices = CommandSpec("invoices", summary: "Billing invoices.",
                                      subcommands: [listCommand(.invoices), getCommand(.invoices)])

    static let subscriptions = CommandSpec(
        "subscriptions", summary: "Billing subscriptions.",
        subcommands: [
            listCommand(.subscriptions), getCommand(.subscriptions),
            CommandSpec("cancel", summary: "Cancel subscriptions.", arguments: [idsArgument],
                        examples: ["soporte subscriptions cancel 7 --yes"]),
        ])

    static let servers = CommandSpec("servers", summary: "WHM servers.", subcommands: [listCommand(.servers), getCommand(.servers)])
    static let packages = CommandSpec("packages", summary: "Hosting packages.", subcommands: [listCommand(.packages), getCommand(.packages)])

    // MARK: - The tree

    public static let root = CommandSpec(
        "soporte", summary: "Administer soporteclientes.net hosting and billing from the command line.",
        options: globalOptions + [OptionSpec("version", help: "Print the version and exit.")],
        subcommands: [
            CommandSpec("health", summary: "Check the API's system health (exit 10 when not healthy).",
                        examples: ["soporte health", "soporte health -o json || page-oncall"]),
            accounts, invoices, subscriptions, servers, packages,
            CommandSpec("api", summary: "Send any request to the API (escape hatch).",
                        details: "PATH is relative to the API URL. -f adds string fields, -F typed JSON fields (numbers, true, false, null); they form the JSON body, or the query string for GET.",
                        arguments: [
                            ArgumentSpec("METHOD", help: "HTTP method.", completion: .choices(httpMethods)),
                            ArgumentSpec("PATH", help: "Path below the API URL, e.g. /whm/accounts/42."),
                        ],
                        options: [
                            OptionSpec("field", short: "f", value: "KEY=VALUE", help: "String field.", repeatable: true),
                            OptionSpec("typed-field", short: "F", value: "KEY=VALUE", help: "Typed field (JSON number, boolean, null, else string).", repeatable: true),
                            OptionSpec("input", value: "FILE", help: "Raw JSON body from FILE, or - for stdin.", completion: .file),
                            OptionSpec("paginate", help: "Walk every page and print the items."),
                            OptionSpec("show-headers", short: "i", help: "Print the status line and response headers on stderr."),
                        ] + listOptions.filter { $0.long != "include" },
                        examples: ["soporte api GET /whm/servers", "soporte api POST /whm/accounts/42/suspend -f reason=abuse", "soporte api GET /billing/invoices --paginate -o ndjson"]),
            CommandSpec("config", summary: "Read and write the config file.",
                        subcommands: [
                            CommandSpec("list", summary: "Show the profile's settings (secrets masked).", examples: ["soporte config list --profile sandbox"]),
                            CommandSpec("get", summary: "Print one setting.", arguments: [ArgumentSpec("KEY", help: "Setting name.", completion: .choices(configKeys))],
                                        examples: ["soporte config get api_url"]),
                            CommandSpec("set", summary: "Write one setting (VALUE '-' reads stdin).",
                                        arguments: [ArgumentSpec("KEY", help: "Setting name.", completion: .choices(configKeys)),
                                                    ArgumentSpec("VALUE", help: "New value, or - to read it from stdin.")],
                                        examples: ["soporte config set api_url https://api.soporteclientes.net/v1", "pass show soporte | soporte config set token -"]),
                            CommandSpec("path", summary: "Print the config file's path.", examples: ["soporte config path"]),
                        ]),
            CommandSpec("auth", summary: "Authentication.",
                        subcommands: [
                            CommandSpec("status", summary: "Show where the token comes from (masked) and check it live.", examples: ["soporte auth status"]),
                        ]),
            CommandSpec("completion", summary: "Print a shell completion script.",
                        arguments: [ArgumentSpec("SHELL", help: "bash, zsh or fish.", completion: .choices(shells))],
                        examples: ["soporte completion bash > /etc/bash_completion.d/soporte"]),
            CommandSpec("version", summary: "Print the version.", examples: ["soporte version"]),
            CommandSpec("help", summary: "Show help for a command.", arguments: [ArgumentSpec("COMMAND", help: "Command path.", variadic: true, optional: true, completion: .commands)],
                        options: [OptionSpec("man", help: "Print the whole manual page (mdoc) instead.")],
                        examples: ["soporte help accounts list"]),
        ],
        examples: [
            "soporte health",
            "soporte accounts list --filter status=active -o csv > active.csv",
            "soporte invoices list --filter status=pending --filter 'amount>=100' -o ndjson | jq .id",
        ])
}
