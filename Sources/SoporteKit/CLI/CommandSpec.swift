/// How a shell should complete an option's value or an argument.
public enum CompletionHint: Equatable, Sendable {
    case none
    case file
    case choices([String])
    case profiles
    case commands
    /// Ids and names of a resource (`accounts`), from the cache of its last `list` walk;
    /// never a request at completion time (docs/CONTRACT.md §14.6).
    case ids(String)
}

/// One option as users type it. Options without `valueName` are boolean flags.
public struct OptionSpec: Equatable, Sendable {
    public var long: String
    public var short: Character?
    public var valueName: String?
    public var help: String
    public var defaultText: String?
    public var repeatable: Bool
    /// Shown as required in help, man page and completions (checked by the command).
    public var required: Bool
    public var completion: CompletionHint

    public init(_ long: String, short: Character? = nil, value: String? = nil, help: String,
                default defaultText: String? = nil, repeatable: Bool = false, required: Bool = false,
                completion: CompletionHint = .none) {
        self.long = long
        self.short = short
        self.valueName = value
        self.help = help
        self.defaultText = defaultText
        self.repeatable = repeatable
        self.required = required
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

/// A node of the command tree: a group (with subcommands) or a leaf that runs its
/// handler. Help, completions and the man page are rendered from this value alone,
/// and dispatch is the leaf's handler: there is no second tree of path strings.
public struct CommandSpec: Sendable {
    public var name: String
    public var aliases: [String]
    public var summary: String
    public var details: String?
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var subcommands: [CommandSpec]
    public var examples: [String]
    /// Formats besides the data formats that this command prints (health: monitoring).
    public var extraFormats: [OutputFormat]
    /// The resource's known fields, which `--fields`, `--sort` and `--filter` complete.
    public var fields: [String]
    public var handler: (any CommandHandler)?

    public init(_ name: String, aliases: [String] = [], summary: String, details: String? = nil,
                arguments: [ArgumentSpec] = [], options: [OptionSpec] = [], subcommands: [CommandSpec] = [],
                examples: [String] = [], extraFormats: [OutputFormat] = [], fields: [String] = [], handler: (any CommandHandler)? = nil) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.details = details
        self.arguments = arguments
        self.options = options
        self.subcommands = subcommands
        self.examples = examples
        self.extraFormats = extraFormats
        self.fields = fields
        self.handler = handler
    }

    /// The subcommand called `name` or one of its aliases.
    public func subcommand(_ name: String) -> CommandSpec? {
        subcommands.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Every option anywhere in this subtree (first definition of each long name wins).
    public func allOptions() -> [OptionSpec] {
        var out: [OptionSpec] = []
        func visit(_ c: CommandSpec) {
            for o in c.options where !out.contains(where: { $0.long == o.long }) { out.append(o) }
            c.subcommands.forEach(visit)
        }
        visit(self)
        return out
    }

    /// Every command path with its node, depth first (the root is the empty path).
    public func paths() -> [([String], CommandSpec)] {
        var out: [([String], CommandSpec)] = []
        func visit(_ p: [String], _ c: CommandSpec) {
            out.append((p, c))
            for s in c.subcommands { visit(p + [s.name], s) }
        }
        visit([], self)
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

/// What a leaf of the tree runs. The CLI only needs its name; the command layer's
/// `Handler` is the one implementation.
public protocol CommandHandler: Sendable {
    /// The command path it serves, e.g. "accounts suspend".
    var name: String { get }
}
