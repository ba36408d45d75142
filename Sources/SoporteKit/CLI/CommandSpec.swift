/// How a shell should complete an option's value or an argument.
public enum CompletionHint: Equatable, Sendable {
    case none
    case file
    case choices([String])
    case profiles
    case commands
}

/// One option as users type it. Options without `valueName` are boolean flags.
public struct OptionSpec: Equatable, Sendable {
    public var long: String
    public var short: Character?
    public var valueName: String?
    public var help: String
    public var defaultText: String?
    public var repeatable: Bool
    public var completion: CompletionHint

    public init(_ long: String, short: Character? = nil, value: String? = nil, help: String,
                default defaultText: String? = nil, repeatable: Bool = false, completion: CompletionHint = .none) {
        self.long = long
        self.short = short
        self.valueName = value
        self.help = help
        self.defaultText = defaultText
        self.repeatable = repeatable
        self.completion = completion
    }

    public var takesValue: Bool { valueName != nil }

    /// `-o, --output FORMAT` as shown in help.
    public var usageText: String {
        var s = short.map { "-\($0), " } ?? "    "
        s += "--\(long)"
        if let v = valueName { s += " \(v)" }
        return s
    }
}

/// A positional argument. `variadic` takes the rest (`ID...`).
public struct ArgumentSpec: Equatable, Sendable {
    public var name: String
    public var help: String
    public var variadic: Bool
    public var optional: Bool
    public var completion: CompletionHint

    public init(_ name: String, help: String, variadic: Bool = false, optional: Bool = false,
                completion: CompletionHint = .none) {
        self.name = name
        self.help = help
        self.variadic = variadic
        self.optional = optional
        self.completion = completion
    }
}

/// A node of the command tree: a group (with subcommands) or a leaf that runs.
/// Help, completions and the man page are all rendered from this value alone.
public struct CommandSpec: Equatable, Sendable {
    public var name: String
    public var summary: String
    public var details: String?
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var subcommands: [CommandSpec]
    public var examples: [String]

    public init(_ name: String, summary: String, details: String? = nil, arguments: [ArgumentSpec] = [],
                options: [OptionSpec] = [], subcommands: [CommandSpec] = [], examples: [String] = []) {
        self.name = name
        self.summary = summary
        self.details = details
        self.arguments = arguments
        self.options = options
        self.subcommands = subcommands
        self.examples = examples
    }

    public func subcommand(_ name: String) -> CommandSpec? { subcommands.first { $0.name == name } }

    /// Every option anywhere in this subtree (first definition of each long name wins).
    public func allOptions() -> [OptionSpec] {
        var out: [OptionSpec] = []
        func visit(_ c: CommandSpec) {
            for o in c.options where !out.contains(where: { $0.long == o.long }) {
                out.append(o)
            }
            c.subcommands.forEach(visit)
        }
        visit(self)
        return out
    }

    /// Usage line fragment for the arguments: `ID...`, `[KEY]`.
    public var argumentsUsage: String {
        arguments.map { a in
            var s = a.name + (a.variadic ? "..." : "")
            if a.optional { s = "[\(s)]" }
            return s
        }.joined(separator: " ")
    }
}
