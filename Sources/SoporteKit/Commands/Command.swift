/// What a leaf runs: a name (its command path, checked by a unit test against where it
/// sits in the tree) and a closure that decodes the command's typed options and runs it.
public struct Handler: CommandHandler {
    /// What the command needs loaded before it runs.
    public enum Needs: Sendable, Equatable {
        /// Nothing: no config file is read (version, help, completion).
        case nothing
        /// The config file, read leniently: a bad value is a warning, so that the config
        /// commands can repair it (docs/CONTRACT.md §10.4).
        case configFile
        /// Config, environment and flags, strictly checked.
        case everything
    }

    public let name: String
    public let needs: Needs
    public let run: @Sendable (Invocation) throws -> Void

    /// The handler of command type `C`: decodes `C.Options` from the parsed line, then runs.
    public static func of<C: Command>(_ command: C.Type) -> Handler {
        Handler(name: C.name, needs: C.needs, run: { inv in try C.run(try C.Options(inv.parsed), inv) })
    }

    public init(name: String, needs: Needs = .everything, run: @escaping @Sendable (Invocation) throws -> Void) {
        self.name = name
        self.needs = needs
        self.run = run
    }
}

/// A command: its path, its typed options, and what it does.
public protocol Command: SendableMetatype {
    associatedtype Options: CommandOptions
    /// The command path, e.g. "accounts suspend".
    static var name: String { get }
    static var needs: Handler.Needs { get }
    static func run(_ options: Options, _ inv: Invocation) throws
}

extension Command {
    public static var needs: Handler.Needs { .everything }
}

/// A command's options, decoded and checked from the parsed command line.
public protocol CommandOptions: SendableMetatype {
    init(_ parsed: ParsedCommand) throws
}

/// For commands with no options of their own.
public struct NoOptions: CommandOptions {
    public init(_ parsed: ParsedCommand) {}
}
