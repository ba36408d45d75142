import SoporteJSON

/// One word where an id goes (an argument or a stdin line), checked: an id (digits, so
/// `007` is 7) or a name to look up (docs/CONTRACT.md §11.2).
enum GivenID: Equatable, Sendable {
    case id(ResourceID)
    case name(String)

    /// The word as results, the journal and history show it: an id in its decimal form.
    var text: String {
        switch self {
        case .id(let i): return i.description
        case .name(let n): return n
        }
    }

    /// An id as a JSON number, a name as a string.
    var json: JSONValue {
        switch self {
        case .id(let i): return i.json
        case .name(let n): return .string(n)
        }
    }
}

/// What stands in a request's path where an id goes: a checked id, or under --dry-run
/// the stand-in for a name that was not looked up (`{id-of-shop.com}`).
enum PathID: Sendable {
    case id(ResourceID)
    case standIn(String)

    var segment: String {
        switch self {
        case .id(let i): return i.description
        case .standIn(let name): return Percent.encode("{id-of-\(name)}")
        }
    }
}

/// IDs as users give them (docs/CONTRACT.md §11.2): a word of digits is an ID (range-checked); any
/// other word is a name (an account's domain or username, a server's hostname or name, a
/// package's name), resolved with one filtered request that counts only the items whose
/// field equals the name (domains and hostnames without regard to case). No match is
/// exit 5, several are exit 2 listing them; the id the answer gives must be an id.
struct IDs: Sendable {
    let settings: Settings
    let io: IOStreams
    let resource: Resource

    init(inv: Invocation, resource: Resource) {
        settings = inv.settings
        io = inv.io
        self.resource = resource
    }

    /// Checks the shape of one word: trimmed, not empty, no '/' and no control character.
    /// A name may hold spaces ("Server 1"): it only ever goes into a query, encoded.
    static func word(_ raw: String) throws -> GivenID {
        let t = raw.trimmingWhitespace()
        guard !t.isEmpty, !t.contains("/"), !t.unicodeScalars.contains(where: { Sanitizer.isUnsafe($0) }) else {
            throw SoporteError.usage("bad id '\(Sanitizer.forTerminal(raw))'")
        }
        if let id = try ResourceID.typed(t) { return .id(id) }
        // `42,43` is two ids typed the way a list is written elsewhere.
        if t.contains(","), t.split(separator: ",").allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(ASCII.isDigit) }) {
            throw SoporteError.usage("'\(Sanitizer.forTerminal(t))' is not an id: IDs are separated by spaces (\(t.split(separator: ",").joined(separator: " ")))")
        }
        return .name(t)
    }

    /// The field a name is looked up by: with two fields, the first for a word with a dot
    /// (a domain, a hostname), else the second; with one, that one.
    func field(for name: String) -> String? {
        let f = resource.nameFields
        if f.count >= 2 { return name.contains(".") ? f[0] : f[1] }
        return f.first
    }

    /// Domains and hostnames are compared as DNS compares them (ASCII case folded);
    /// user and package names exactly.
    static func caseInsensitive(_ field: String) -> Bool { field == "domain" || field == "hostname" }

    static func same(_ a: String, _ b: String, field: String) -> Bool {
        guard caseInsensitive(field) else { return a == b }
        return a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
    }

    /// The request that resolves `name`.
    func lookup(_ name: String) throws -> APICall {
        guard let field = field(for: name) else {
            throw SoporteError.usage("\(resource.singular) ids are numbers; '\(Sanitizer.forTerminal(name))' is not one")
        }
        return APICall("GET", resource.path, query: Query([("filter[\(field)]", name), ("per_page", "10")]))
    }

    /// The id for one word; under --dry-run a name is not looked up: the lookup's curl
    /// line is printed and a stand-in takes the id's place.
    /// The client is made only when a name needs it (an id needs no token yet).
    func resolveOne(_ raw: String, client: @autoclosure () throws -> APIClient) throws -> PathID {
        switch try IDs.word(raw) {
        case .id(let id): return .id(id)
        case .name(let w):
            if settings.dryRun {
                try io.out(try client().curlLine(for: try lookup(w)) + "\n")
                try io.out("# then the request below, with the id that answer gives for \(ShellQuote.quote(w))\n")
                return .standIn(w)
            }
            return .id(try resolve(w, with: try client()))
        }
    }

    /// The id of a given word (thread-safe: used by bulk workers).
    func id(of given: GivenID, with client: APIClient) throws -> ResourceID {
        switch given {
        case .id(let id): return id
        case .name(let n): return try resolve(n, with: client)
        }
    }

    /// Looks a name up.
    func resolve(_ name: String, with client: APIClient) throws -> ResourceID {
        let call = try lookup(name)
        let field = self.field(for: name) ?? "name"
        let answer = try client.send(call)
        let items = answer.json["data"]?.arrayValue ?? []
        let matches = items.filter { $0[field]?.stringValue.map { IDs.same($0, name, field: field) } ?? false }
        let shown = Sanitizer.forTerminal(name)
        switch matches.count {
        case 0:
            let others = items.isEmpty ? "" : "; the lookup answered \(items.count) other\(items.count == 1 ? "" : "s")"
            throw SoporteError(.notFound, "no \(resource.singular) named \(shown)\(others)", requestID: answer.requestID)
        case 1:
            return try ResourceID.fromServer(matches[0]["id"], what: "the \(resource.singular) found for '\(shown)'", requestID: answer.requestID)
        default:
            let listed = matches.prefix(10).map { "\(Sanitizer.forTerminal(($0["id"]).map(JSONWriter.compact) ?? "?")) (\(Sanitizer.forTerminal($0[field]?.scalarText ?? "")))" }
            throw SoporteError(.usage, "'\(shown)' names \(matches.count) \(resource.plural); give the id of one:", details: listed)
        }
    }
}

extension ASCII {
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }
}
