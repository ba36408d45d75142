/// `completion bash|zsh|fish`: reads no config.
enum CompletionCommand {
    static let spec = CommandSpec(
        "completion", summary: "Print a shell completion script.",
        arguments: [ArgumentSpec("SHELL", help: "bash, zsh or fish.", completion: .choices(Completion.Shell.allCases.map(\.rawValue)))],
        examples: ["source <(soporte completion bash)", "soporte completion fish > ~/.config/fish/completions/soporte.fish"],
        handler: Handler.of(CompletionCommand.self))
}

extension CompletionCommand: Command {
    static let name = "completion"
    static let needs = Handler.Needs.nothing

    struct Options: CommandOptions {
        let shell: Completion.Shell
        init(_ p: ParsedCommand) throws {
            guard let s = Completion.Shell(rawValue: p.arguments[0]) else {
                throw SoporteError.usage("unknown shell '\(Sanitizer.forTerminal(p.arguments[0]))' (use bash, zsh or fish)")
            }
            shell = s
        }
    }

    static func run(_ o: Options, _ inv: Invocation) throws {
        try inv.io.out(Completion(root: CommandTable.root, globals: Global.specs).script(for: o.shell))
    }
}

enum VersionCommand {
    static let spec = CommandSpec("version", summary: "Print the version.", examples: ["soporte version"],
                                  handler: Handler.of(VersionCommand.self))
}

extension VersionCommand: Command {
    static let name = "version"
    static let needs = Handler.Needs.nothing
    static func run(_ o: NoOptions, _ inv: Invocation) throws { try inv.io.out("soporte \(Version.current)\n") }
}

enum HelpCommand {
    static let man = Flag("man", help: "Print the whole manual page (mdoc) instead.")
    static let spec = CommandSpec(
        "help", summary: "Show help for a command.",
        arguments: [ArgumentSpec("COMMAND", help: "Command path.", variadic: true, optional: true, completion: .commands)],
        options: [man.spec], examples: ["soporte help accounts list", "soporte help --man | man -l -"],
        handler: Handler.of(HelpCommand.self))
}

/// Runs only as `help --man` (help for a command path is shown by the runner).
extension HelpCommand: Command {
    static let name = "help"
    static let needs = Handler.Needs.nothing
    static func run(_ o: NoOptions, _ inv: Invocation) throws { try inv.io.out(ManPage.render(root: CommandTable.root, globals: Global.specs)) }
}
