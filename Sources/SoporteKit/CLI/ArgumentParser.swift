/// The options given on one command line, by long name, in the order typed.
public struct OptionValues: Sendable {
    /// Every option in the order typed. A command line holds a handful, so lookups scan.
    public private(set) var sequence: [Pair] = []

    public struct Pair: Sendable, Equatable {
        public let name: String
        public let value: String
        /// As typed (`-o` or `--output`), for messages.
        public let typed: String
    }

    public init() {}

    mutating func add(_ long: String, _ value: String, typed: String) {
        sequence.append(Pair(name: long, value: value, typed: typed))
    }
}

/// What the user asked for, matched against the command table.
public struct ParsedCommand: Sendable {
    /// Command words, e.g. ["accounts", "list"] (aliases resolved to names).
    public var path: [String]
    public var spec: CommandSpec
    public var arguments: [String]
    public var options: OptionValues
    /// `-h`/`--help`/`help X`: show help for `path` instead of running.
    public var wantsHelp: Bool
}

/// Splits argv into options and words against the command table, in stages that are
/// each tested alone: `tokenize` (pure syntax: `--a=b`, `-ovalue`, clusters, `--`),
/// `matchOptions` (names against the table, values taken), `resolve` (the command path
/// from the words) and `validate` (each option belongs to the command, argument counts).
public struct ArgumentParser {
    public let root: CommandSpec
    /// Options every command takes.
    public let globals: [OptionSpec]

    public init(root: CommandSpec, globals: [OptionSpec]) {
        self.root = root
        self.globals = globals
    }

    public func parse(_ argv: [String]) throws -> ParsedCommand {
        let (words, given) = try matchOptions(ArgumentParser.tokenize(argv))
        let resolved = try resolve(words, helpAsked: given.contains { $0.spec.long == "help" },
                                   manAsked: given.contains { $0.spec.long == "man" },
                                   versionAsked: given.contains { $0.spec.long == "version" })
        var options = OptionValues()
        for g in given { options.add(g.spec.long, g.value, typed: g.typed) }
        // Each option is the leaf's own (or a global): a name means one thing per leaf.
        let leafOptions = globals + resolved.node.options
        let bound = given.map { g in Given(spec: leafOptions.first { $0.long == g.spec.long } ?? g.spec, value: g.value, typed: g.typed) }
        let parsed = ParsedCommand(path: resolved.path, spec: resolved.node, arguments: resolved.arguments,
                                   options: options, wantsHelp: resolved.wantsHelp)
        try validate(parsed, given: bound)
        return parsed
    }

    /// What a line asks for as far as it can be read, for decisions made before (and
    /// whatever) the full parse says: the command path and the last value of each option,
    /// from the same stages as `parse`. Never throws; a line that does not parse gives
    /// what was read before the problem.
    public struct Scan: Sendable, Equatable {
        public var path: [String] = []
        public var values: [String: String] = [:]
    }

    public func scan(_ argv: [String]) -> Scan {
        var out = Scan()
        guard let (words, given) = try? matchOptions(ArgumentParser.tokenize(argv), lenient: true) else { return out }
        for g in given { out.values[g.spec.long] = g.value }
        var node = root
        for w in words {
            guard let sub = node.subcommand(w) else { break }
            node = sub
            out.path.append(sub.name)
        }
        return out
    }

    // MARK: - Stage 1: tokens

    public enum Token: Equatable, Sendable {
        case long(name: String, inline: String?)
        /// `-abc`: the characters after the dash.
        case short(String)
        case word(String)
        case endOfOptions
    }

    public static func tokenize(_ argv: [String]) -> [Token] {
        var out: [Token] = []
        var ended = false
        for a in argv {
            if ended || a == "-" || !a.hasPrefix("-") { out.append(.word(a)); continue }
            if a == "--" { ended = true; out.append(.endOfOptions); continue }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    out.append(.long(name: String(body[..<eq]), inline: String(body[body.index(after: eq)...])))
                } else {
                    out.append(.long(name: String(body), inline: nil))
                }
            } else {
                out.append(.short(String(a.dropFirst())))
            }
        }
        return out
    }

    // MARK: - Stage 2: options

    struct Given {
        let spec: OptionSpec
        let value: String
        let typed: String
    }

    /// The first option in the table (globals, then depth first) that matches: used only
    /// to know whether it takes a value before the command is known. That is sound because
    /// a long name (and a short letter) takes a value everywhere or nowhere in the table
    /// (ParserTests.testEveryOptionNameTakesAValueEverywhereOrNowhere); once the command
    /// is known, the leaf's own spec is used. Searched on demand: indexing the whole table
    /// first cost more at start-up than all searches.
    private func option(where match: (OptionSpec) -> Bool) -> OptionSpec? {
        if let g = globals.first(where: match) { return g }
        func search(_ c: CommandSpec) -> OptionSpec? {
            if let o = c.options.first(where: match) { return o }
            for sub in c.subcommands { if let o = search(sub) { return o } }
            return nil
        }
        return search(root)
    }

    /// `lenient` (for `scan`): an unknown option is passed over and a missing value is
    /// left out, instead of either being an error.
    func matchOptions(_ tokens: [Token], lenient: Bool = false) throws -> ([String], [Given]) {
        var words: [String] = []
        var given: [Given] = []
        var i = 0
        func nextValue(for spec: OptionSpec, typed: String) throws -> String {
            guard i < tokens.count else {
                throw SoporteError.usage("option \(typed) needs a value (\(spec.valueName ?? "VALUE"))")
            }
            defer { i += 1 }
            switch tokens[i] {
            case .word(let w): return w
            case .long(let n, let inline): return "--" + n + (inline.map { "=" + $0 } ?? "")
            case .short(let s): return "-" + s
            case .endOfOptions: return "--"
            }
        }
        while i < tokens.count {
            let t = tokens[i]
            i += 1
            switch t {
            case .word(let w): words.append(w)
            case .endOfOptions: continue
            case .long(let name, let inline):
                guard let spec = option(where: { $0.long == name }) else {
                    if lenient { continue }
                    throw ArgumentParser.unknown("option", "--\(name)", candidates: allLongNames)
                }
                let typed = "--\(name)"
                if spec.takesValue {
                    if inline == nil && i >= tokens.count && lenient { break }
                    given.append(Given(spec: spec, value: try inline ?? nextValue(for: spec, typed: typed), typed: typed))
                } else {
                    if inline != nil && !lenient { throw SoporteError.usage("option \(typed) takes no value") }
                    given.append(Given(spec: spec, value: "true", typed: typed))
                }
            case .short(let cluster):
                // -vv, -yq, -ojson, -o json.
                var chars = Array(cluster)[...]
                while let c = chars.popFirst() {
                    guard let spec = option(where: { $0.short == c }) else {
                        if lenient { break }
                        throw ArgumentParser.unknown("option", "-\(c)", candidates: allShortNames + allLongNames)
                    }
                    let typed = "-\(c)"
                    if spec.takesValue {
                        if chars.isEmpty && i >= tokens.count && lenient { break }
                        let v = chars.isEmpty ? try nextValue(for: spec, typed: typed) : String(chars)
                        given.append(Given(spec: spec, value: v, typed: typed))
                        chars = []
                    } else {
                        given.append(Given(spec: spec, value: "true", typed: typed))
                    }
                }
            }
        }
        return (words, given)
    }

    private var allLongNames: [String] { (globals + root.allOptions()).map { "--" + $0.long } }
    private var allShortNames: [String] { (globals + root.allOptions()).compactMap { $0.short.map { "-\($0)" } } }

    // MARK: - Stage 3: the command path

    struct Resolved {
        var path: [String]
        var node: CommandSpec
        var arguments: [String]
        var wantsHelp: Bool
    }

    func resolve(_ words: [String], helpAsked: Bool, manAsked: Bool, versionAsked: Bool) throws -> Resolved {
        var node = root
        var path: [String] = []
        var rest = words[...]
        while !node.subcommands.isEmpty, let w = rest.first {
            guard let sub = node.subcommand(w) else { throw unknownCommand(w, under: node, path: path) }
            node = sub
            path.append(sub.name)
            rest = rest.dropFirst()
            if path == ["help"] && !manAsked {
                // `soporte help accounts list`: help for the named path.
                var target = root
                var tpath: [String] = []
                for word in rest {
                    guard let s = target.subcommand(word) else { throw unknownCommand(word, under: target, path: tpath) }
                    target = s
                    tpath.append(s.name)
                }
                return Resolved(path: tpath, node: target, arguments: [], wantsHelp: true)
            }
        }
        if path.isEmpty {
            if versionAsked, let version = root.subcommand("version") {
                return Resolved(path: ["version"], node: version, arguments: [], wantsHelp: false)
            }
            return Resolved(path: [], node: root, arguments: Array(rest), wantsHelp: true)
        }
        if !node.subcommands.isEmpty && !helpAsked {
            let names = node.subcommands.map(\.name).joined(separator: ", ")
            throw SoporteError.usage("'\(path.joined(separator: " "))' needs a subcommand: \(names)", help: path)
        }
        return Resolved(path: path, node: node, arguments: Array(rest), wantsHelp: helpAsked)
    }

    // MARK: - Stage 4: validation

    func validate(_ p: ParsedCommand, given: [Given]) throws {
        let cmd = p.path.isEmpty ? "soporte" : p.path.joined(separator: " ")
        for g in given {
            let ok = globals.contains { $0.long == g.spec.long } || p.spec.options.contains { $0.long == g.spec.long }
                || (p.path.isEmpty && g.spec.long == "version") || (p.path == ["version"] && g.spec.long == "version")
            if !ok { throw SoporteError.usage("option \(g.typed) is not valid for '\(cmd)'", help: p.path) }
        }
        guard !p.wantsHelp else { return }
        let args = p.arguments
        let required = p.spec.arguments.filter { !$0.optional }.count
        let variadic = p.spec.arguments.last?.variadic ?? false
        if args.count < required {
            throw SoporteError.usage("'\(cmd)' needs \(p.spec.arguments[args.count].name)", help: p.path)
        }
        if !variadic && args.count > p.spec.arguments.count {
            throw SoporteError.usage("unexpected argument '\(Sanitizer.forTerminal(args[p.spec.arguments.count]))' for '\(cmd)'", help: p.path)
        }
    }

    // MARK: - Suggestions

    static func unknown(_ what: String, _ typed: String, candidates: [String]) -> SoporteError {
        let shown = Sanitizer.forTerminal(typed)
        if let s = Suggest.closest(to: typed, in: candidates) {
            return SoporteError.usage("unknown \(what) '\(shown)'; did you mean '\(s)'?")
        }
        return SoporteError.usage("unknown \(what) '\(shown)'")
    }

    private func unknownCommand(_ word: String, under node: CommandSpec, path: [String]) -> SoporteError {
        let names = node.subcommands.flatMap { [$0.name] + $0.aliases }
        let kind = path.isEmpty ? "command" : "subcommand of '\(path.joined(separator: " "))'"
        var e = ArgumentParser.unknown(kind, word, candidates: names)
        e.helpPath = path
        return e
    }
}
