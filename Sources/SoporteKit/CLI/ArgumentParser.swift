/// The options given on one command line, by long name, in the order typed.
public struct OptionValues: Equatable, Sendable {
    /// Every option in the order typed. A command line holds a handful, so lookups scan.
    public private(set) var sequence: [Pair] = []

    public struct Pair: Equatable, Sendable {
        public let name: String
        public let value: String
    }

    public init() {}

    mutating func add(_ long: String, _ value: String) {
        sequence.append(Pair(name: long, value: value))
    }

    public func has(_ long: String) -> Bool { sequence.contains { $0.name == long } }
    public func last(_ long: String) -> String? { sequence.last { $0.name == long }?.value }
    public func all(_ long: String) -> [String] { sequence.filter { $0.name == long }.map(\.value) }
    public func count(_ long: String) -> Int { sequence.reduce(0) { $0 + ($1.name == long ? 1 : 0) } }
}

/// What the user asked for, matched against the command table.
public struct ParsedCommand: Equatable, Sendable {
    /// Command words, e.g. ["accounts", "list"].
    public var path: [String]
    public var spec: CommandSpec
    public var arguments: [String]
    public var options: OptionValues
    /// `-h`/`--help`/`help X`: show help for `path` instead of running.
    public var wantsHelp: Bool
}

/// A misuse of the command line (exit 2), with a suggestion when one is close.
public struct UsageError: Error, Equatable, Sendable {
    public let message: String
    public let helpPath: [String]?
    public init(_ message: String, helpPath: [String]? = nil) {
        self.message = message
        self.helpPath = helpPath
    }
}

/// Splits argv into options and words against the command table, in three steps:
/// tokenize (long/short/cluster/`--`), resolve the command path from the words, then
/// check that each option belongs to that command and each argument count fits.
public struct ArgumentParser {
    public let root: CommandSpec
    public init(root: CommandSpec = CommandTable.root) {
        self.root = root
    }

    /// The first option in the table (depth first, as `allOptions` orders them) that
    /// matches. Searched on demand: a command line names a handful of options, and
    /// indexing the whole table first cost more at start-up than all the searches.
    private func option(where match: (OptionSpec) -> Bool) -> OptionSpec? {
        func search(_ c: CommandSpec) -> OptionSpec? {
            if let o = c.options.first(where: match) { return o }
            for sub in c.subcommands {
                if let o = search(sub) { return o }
            }
            return nil
        }
        return search(root)
    }

    private func option(long name: String) -> OptionSpec? { option { $0.long == name } }
    private func option(short c: Character) -> OptionSpec? { option { $0.short == c } }
    private var longNames: [String] { root.allOptions().map { "--" + $0.long } }
    private var shortNames: [String] { root.allOptions().compactMap { $0.short.map { "-\($0)" } } }

    public func parse(_ argv: [String]) throws -> ParsedCommand {
        var words: [String] = []
        var given: [(OptionSpec, String, String)] = []  // spec, value, as typed
        var i = 0
        var endOfOptions = false
        while i < argv.count {
            let a = argv[i]
            i += 1
            if endOfOptions || a == "-" || !a.hasPrefix("-") {
                words.append(a)
                continue
            }
            if a == "--" { endOfOptions = true; continue }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name: String
                var inline: String?
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    inline = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
                guard let spec = option(long: name) else {
                    throw unknownOption("--\(name)", candidates: longNames)
                }
                if spec.takesValue {
                    if let v = inline {
                        given.append((spec, v, "--\(name)"))
                    } else {
                        guard i < argv.count else { throw UsageError("option --\(name) needs a value (\(spec.valueName!))") }
                        given.append((spec, argv[i], "--\(name)"))
                        i += 1
                    }
                } else {
                    if inline != nil { throw UsageError("option --\(name) takes no value") }
                    given.append((spec, "true", "--\(name)"))
                }
                continue
            }
            // Short options, possibly clustered: -vv, -yq, -ojson, -o json.
            var chars = Array(a.dropFirst())
            while !chars.isEmpty {
                let c = chars.removeFirst()
                guard let spec = option(short: c) else {
                    throw unknownOption("-\(c)", candidates: shortNames + longNames)
                }
                if spec.takesValue {
                    if !chars.isEmpty {
                        given.append((spec, String(chars), "-\(c)"))
                    } else {
                        guard i < argv.count else { throw UsageError("option -\(c) needs a value (\(spec.valueName!))") }
                        given.append((spec, argv[i], "-\(c)"))
                        i += 1
                    }
                    chars = []
                } else {
                    given.append((spec, "true", "-\(c)"))
                }
            }
        }

        // Resolve the command path.
        var node = root
        var path: [String] = []
        var rest = words[...]
        var wantsHelp = given.contains { $0.0.long == "help" }
        while !node.subcommands.isEmpty, let w = rest.first {
            if let sub = node.subcommand(w) {
                node = sub
                path.append(w)
                rest = rest.dropFirst()
                if path == ["help"] && !given.contains(where: { $0.0.long == "man" }) {
                    // `soporte help accounts list`: help for the named path.
                    var target = root
                    var tpath: [String] = []
                    for word in rest {
                        guard let s = target.subcommand(word) else {
                            throw unknownCommand(word, under: target, path: tpath)
                        }
                        target = s
                        tpath.append(word)
                    }
                    return ParsedCommand(path: tpath, spec: target, arguments: [], options: collect(given), wantsHelp: true)
                }
            } else {
                throw unknownCommand(w, under: node, path: path)
            }
        }
        let arguments = Array(rest)

        if path.isEmpty {
            if given.contains(where: { $0.0.long == "version" }), let version = root.subcommand("version") {
                return ParsedCommand(path: ["version"], spec: version, arguments: [], options: collect(given), wantsHelp: false)
            }
            wantsHelp = true
        } else if !node.subcommands.isEmpty && !wantsHelp {
            let names = node.subcommands.map(\.name).joined(separator: ", ")
            throw UsageError("'\(path.joined(separator: " "))' needs a subcommand: \(names)", helpPath: path)
        }

        // Every option must belong to this command or be global.
        func allowed(_ spec: OptionSpec) -> Bool {
            CommandTable.globalOptions.contains { $0.long == spec.long } || node.options.contains { $0.long == spec.long }
                || (path.isEmpty && spec.long == "version")
        }
        for (spec, _, typed) in given where !allowed(spec) {
            let cmd = path.isEmpty ? "soporte" : path.joined(separator: " ")
            throw UsageError("option \(typed) is not valid for '\(cmd)'", helpPath: path)
        }
        if !wantsHelp {
            try checkArguments(arguments, for: node, path: path)
        }
        return ParsedCommand(path: path, spec: node, arguments: arguments, options: collect(given), wantsHelp: wantsHelp)
    }

    private func collect(_ given: [(OptionSpec, String, String)]) -> OptionValues {
        var v = OptionValues()
        for (spec, value, _) in given { v.add(spec.long, value) }
        return v
    }

    private func checkArguments(_ args: [String], for node: CommandSpec, path: [String]) throws {
        let cmd = path.joined(separator: " ")
        let required = node.arguments.filter { !$0.optional }.count
        let variadic = node.arguments.last?.variadic ?? false
        if args.count < required {
            let missing = node.arguments[args.count].name
            throw UsageError("'\(cmd)' needs \(missing)", helpPath: path)
        }
        if !variadic && args.count > node.arguments.count {
            let extra = args[node.arguments.count]
            throw UsageError("unexpected argument '\(extra)' for '\(cmd)'", helpPath: path)
        }
    }

    private func unknownOption(_ typed: String, candidates: [String]) -> UsageError {
        if let s = Suggest.closest(to: typed, in: candidates) {
            return UsageError("unknown option '\(typed)'; did you mean '\(s)'?")
        }
        return UsageError("unknown option '\(typed)'")
    }

    private func unknownCommand(_ word: String, under node: CommandSpec, path: [String]) -> UsageError {
        let names = node.subcommands.map(\.name)
        let where_ = path.isEmpty ? "command" : "subcommand of '\(path.joined(separator: " "))'"
        if let s = Suggest.closest(to: word, in: names) {
            return UsageError("unknown \(where_) '\(word)'; did you mean '\(s)'?", helpPath: path)
        }
        return UsageError("unknown \(where_) '\(word)'", helpPath: path)
    }
}
