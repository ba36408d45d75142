import SoporteJSON

/// IDs as users give them (SPEC §11.2): a word of digits is an ID (range-checked); any
/// other word is a name (an account's domain or username, a server's hostname or name, a
/// package's name), resolved with one filtered request. No match is exit 5, several are
/// exit 2 listing them.
struct IDs {
    let inv: Invocation
    let resource: Resource

    static let maxID = Int(Int64.max)

    /// Checks the shape of one word: trimmed, not empty, no '/' and no control character.
    /// A name may hold spaces ("Server 1"): it only ever goes into a query, encoded.
    static func word(_ raw: String) throws -> String {
        let t = raw.trimmingWhitespace()
        guard !t.isEmpty, !t.contains("/"), !t.unicodeScalars.contains(where: { Sanitizer.isUnsafe($0) }) else {
            throw SoporteError.usage("bad id '\(Sanitizer.forTerminal(raw))'")
        }
        if t.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            _ = try IntegerArgument.parse(t, name: "an id", range: 1...maxID)
        }
        return t
    }

    static func isNumeric(_ w: String) -> Bool { w.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }

    /// The field a name is looked up by: with two fields, the first for a word with a dot
    /// (a domain, a hostname), else the second; with one, that one.
    func field(for name: String) -> String? {
        let f = resource.nameFields
        if f.count >= 2 { return name.contains(".") ? f[0] : f[1] }
        return f.first
    }

    /// The request that resolves `name`.
    func lookup(_ name: String) throws -> APICall {
        guard let field = field(for: name) else {
            throw SoporteError.usage("\(resource.singular) ids are numbers; '\(Sanitizer.forTerminal(name))' is not one")
        }
        return APICall("GET", resource.path, query: Query([("filter[\(field)]", name), ("per_page", "10")]))
    }

    /// The ID for one word; nil under --dry-run when a name would have to be looked up
    /// (the lookup's curl line is printed instead).
    func resolveOne(_ raw: String) throws -> String? {
        let w = try IDs.word(raw)
        if IDs.isNumeric(w) { return w }
        let call = try lookup(w)
        if inv.settings.dryRun {
            try inv.io.out(try inv.client().curlLine(for: call) + "\n")
            try inv.io.out("# then the request below, with the id that answer gives for \(ShellQuote.quote(w))\n")
            return "{id-of-\(w)}"
        }
        return try resolve(w, with: inv.client())
    }

    /// Looks a name up (thread-safe: used by bulk workers).
    func resolve(_ name: String, with client: APIClient) throws -> String {
        let call = try lookup(name)
        let field = self.field(for: name) ?? "name"
        let answer = try client.send(call)
        let items = answer.json["data"]?.arrayValue ?? []
        let exact = items.filter { $0[field]?.stringValue == name }
        let matches = exact.isEmpty ? items : exact
        switch matches.count {
        case 0:
            throw SoporteError(.notFound, "no \(resource.singular) has \(field) '\(Sanitizer.forTerminal(name))'", requestID: answer.requestID)
        case 1:
            guard let id = matches[0]["id"], !id.isNull else {
                throw SoporteError(.server, "the \(resource.singular) found for '\(Sanitizer.forTerminal(name))' has no id", requestID: answer.requestID)
            }
            return id.scalarText
        default:
            let listed = matches.prefix(10).map { "\($0["id"]?.scalarText ?? "?") (\(Sanitizer.forTerminal($0[field]?.scalarText ?? "")))" }
            throw SoporteError(.usage, "'\(Sanitizer.forTerminal(name))' names \(matches.count) \(resource.plural); give the id of one:", details: listed)
        }
    }
}
