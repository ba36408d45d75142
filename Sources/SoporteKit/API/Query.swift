/// Percent-encoding for query strings: everything but RFC 3986 unreserved characters
/// is encoded, so `&`, `+`, `#`, `=`, spaces and unicode all arrive intact.
public enum Percent {
    public static func encode(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Encodes a key like `filter[amount][gte]`, keeping the brackets readable.
    public static func encodeKey(_ k: String) -> String {
        encode(k).replacingOccurrences("%5B", "[").replacingOccurrences("%5D", "]")
    }

    public static func decode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.first {
            it = it.dropFirst()
            if b == 0x25, it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else if b == 0x2B {
                bytes.append(0x20)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        guard !a.isEmpty, contains(a) else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.firstRange(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

/// An ordered list of query parameters.
public struct Query: Equatable, Sendable {
    public var items: [(String, String)] = []
    public init(_ items: [(String, String)] = []) { self.items = items }

    public static func == (a: Query, b: Query) -> Bool {
        a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public mutating func add(_ k: String, _ v: String) { items.append((k, v)) }

    public mutating func set(_ k: String, _ v: String) {
        items.removeAll { $0.0 == k }
        items.append((k, v))
    }

    public var encoded: String {
        items.map { Percent.encodeKey($0.0) + "=" + Percent.encode($0.1) }.joined(separator: "&")
    }
}

/// A `--filter` expression turned into its query key and value.
public struct Filter: Equatable, Sendable {
    public var field: String
    public var op: String?
    public var value: String

    public static let operators = ["eq", "ne", "gt", "gte", "lt", "lte", "like", "in", "between"]

    public var queryKey: String { op.map { "filter[\(field)][\($0)]" } ?? "filter[\(field)]" }

    /// Parses `f=v`, `f:op=v`, and the sugar `f!=v f>=v f<=v f>v f<v f~v`.
    public static func parse(_ expr: String) throws -> Filter {
        let bad = { (why: String) in SoporteError.usage("bad filter '\(expr)': \(why)") }
        // Find the first operator character outside the field name.
        guard let idx = expr.firstIndex(where: { "=!<>~:".contains($0) }) else {
            throw bad("expected FIELD=VALUE or FIELD:OP=VALUE")
        }
        let field = String(expr[..<idx])
        guard !field.isEmpty, field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
            throw bad("the field name must be letters, digits, '_' or '.'")
        }
        let rest = expr[idx...]
        func after(_ n: Int) -> String { String(rest.dropFirst(n)) }
        if rest.hasPrefix(":") {
            guard let eq = rest.firstIndex(of: "=") else { throw bad("expected FIELD:OP=VALUE") }
            let op = String(rest[rest.index(after: rest.startIndex)..<eq])
            guard operators.contains(op) else {
                let hint = Suggest.closest(to: op, in: operators).map { "; did you mean '\($0)'?" } ?? " (use \(operators.joined(separator: ", ")))"
                throw bad("unknown operator '\(op)'\(hint)")
            }
            return Filter(field: field, op: op, value: String(rest[rest.index(after: eq)...]))
        }
        for (sugar, op) in [("!=", "ne"), (">=", "gte"), ("<=", "lte"), (">", "gt"), ("<", "lt"), ("~", "like")] where rest.hasPrefix(sugar) {
            return Filter(field: field, op: op, value: after(sugar.count))
        }
        if rest.hasPrefix("=") { return Filter(field: field, op: nil, value: after(1)) }
        throw bad("expected FIELD=VALUE or FIELD:OP=VALUE")
    }
}

/// The listing options of SPEC §5, validated.
public struct ListOptions: Equatable, Sendable {
    public var filters: [Filter] = []
    public var sort: String?
    public var search: String?
    public var include: String?
    public var fields: [String]?
    public var perPage: Int?
    public var page: Int?
    public var limit: Int?
    public var fromPage: Int?
    /// Query items that come first on every page (from `api PATH?x=y`).
    public var extra = Query()

    public init() {}

    public init(_ o: OptionValues, fields: [String]?) throws {
        filters = try o.all("filter").map(Filter.parse)
        sort = o.last("sort")
        search = o.last("search")
        include = o.last("include")
        self.fields = fields
        perPage = try ListOptions.int(o.last("per-page"), "--per-page", 1...100)
        page = try ListOptions.int(o.last("page"), "--page", 1...Int.max)
        limit = try ListOptions.int(o.last("limit"), "--limit", 1...Int.max)
        fromPage = try ListOptions.int(o.last("from-page"), "--from-page", 1...Int.max)
        if page != nil && fromPage != nil { throw SoporteError.usage("--page and --from-page cannot be used together") }
    }

    static func int(_ s: String?, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let s else { return nil }
        guard let v = Int(s), range.contains(v) else {
            let r = range.upperBound == Int.max ? "a whole number from \(range.lowerBound) up" : "from \(range.lowerBound) to \(range.upperBound)"
            throw SoporteError.usage("\(name) must be \(r), not '\(s)'")
        }
        return v
    }

    /// The query for one page.
    public func query(page p: Int) -> Query {
        var q = extra
        for f in filters { q.add(f.queryKey, f.value) }
        if let s = sort { q.add("sort", s) }
        if let s = search { q.add("search", s) }
        if let i = include { q.add("include", i) }
        if let f = fields {
            // Send top-level names only: `server.name` needs `server`.
            var top: [String] = []
            for name in f {
                let t = String(name.split(separator: ".").first ?? Substring(name))
                if !top.contains(t) { top.append(t) }
            }
            q.add("fields", top.joined(separator: ","))
        }
        q.add("page", String(p))
        q.add("per_page", String(perPage ?? 100))
        return q
    }
}
