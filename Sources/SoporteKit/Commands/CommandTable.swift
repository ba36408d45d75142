/// The one command table. Parsing, dispatch, help, completions and the man page all
/// read it. Each resource of `Resource.all` gets `list` (`ls`) and `get`; the verbs a
/// resource has beyond those are listed in `actions`.
public enum CommandTable {
    /// Commands a resource has besides list and get.
    static let actions: [String: [CommandSpec]] = [
        "accounts": [AccountsCreate.spec, AccountsUpdate.spec, Bulk.spec(.delete), Bulk.spec(.suspend), Bulk.spec(.unsuspend)],
        "subscriptions": [Bulk.spec(.cancel)],
    ]

    static func group(_ r: Resource) -> CommandSpec {
        CommandSpec(r.name, summary: r.summary,
                    subcommands: [ResourceList.spec(r), ResourceGet.spec(r)] + (actions[r.name] ?? []))
    }

    public static let root: CommandSpec = CommandSpec(
        "soporte", summary: "Administer soporteclientes.net hosting and billing from the command line.",
        options: [OptionSpec("version", help: "Print the version and exit.")],
        subcommands: [HealthCommand.spec] + Resource.all.map(group) + [
            ApiCommand.spec, ConfigCommands.spec, HistoryCommand.spec,
            CommandSpec("auth", summary: "Authentication.", subcommands: [AuthStatus.spec]),
            CompletionCommand.spec, VersionCommand.spec, HelpCommand.spec,
        ],
        examples: [
            "soporte health",
            "soporte accounts list --filter status=active -o csv > active.csv",
            "soporte invoices list --filter status=pending --filter 'amount>=100' -o ndjson | jq .id",
        ])

    public static var parser: ArgumentParser { ArgumentParser(root: root, globals: Global.specs) }
}
