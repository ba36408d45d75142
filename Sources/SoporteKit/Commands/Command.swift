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
        Handler(leaf: C.name, needs: C.needs) { inv in try C.run(try C.Options(inv.parsed), inv) }
    }

    /// The handler of a command made for one value (a resource's `list`, a bulk verb).
    public static func of<C: CommandValue>(_ command: C) -> Handler {
        Handler(leaf: command.name, needs: command.needs) { inv in try command.run(try C.Options(inv.parsed), inv) }
    }

    /// Only through `of`: a leaf is a command type or value, never a closure and a string.
    private init(leaf name: String, needs: Needs, run: @escaping @Sendable (Invocation) throws -> Void) {
        self.name = name
        self.needs = needs
        self.run = run
    }
}

/// A command made for one value of a family (`accounts list` and `invoices list` are one
/// `ResourceList` each): the value says its path and runs with its typed options.
public protocol CommandValue: Sendable {
    associatedtype Options: CommandOptions
    var name: String { get }
    var needs: Handler.Needs { get }
    func run(_ options: Options, _ inv: Invocation) throws
}

extension CommandValue {
    public var needs: Handler.Needs { .everything }
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
