/// A `--filter` expression turned into its query key and value.
public struct Filter: Equatable, Sendable {
    public var field: String
    public var op: String?
    public var value: String

    public static let operators = ["eq", "ne", "gt", "gte", "lt", "lte", "like", "in", "between"]

    public var queryKey: String { op.map { "filter[\(field)][\($0)]" } ?? "filter[\(field)]" }

    /// How values are written, for help and for messages.
    public static let valueHelp = "FIELD=V, FIELD:OP=V (OP: eq ne gt gte lt lte like in between), or FIELD!=V >=V <=V >V <V ~V; 'in' takes a,b,c and 'between' lo,hi."

    /// Parses `f=v`, `f:op=v`, and the sugar `f!=v f>=v f<=v f>v f<v f~v`, then checks the
    /// value: a value that starts with another operator character is a typo (docs/CONTRACT.md §10.3).
    public static func parse(_ expr: String) throws -> Filter {
        let f = try split(expr)
        try f.check(expr)
        return f
    }

    static func split(_ expr: String) throws -> Filter {
        let bad = { (why: String) in SoporteError.usage("bad filter '\(Sanitizer.forTerminal(expr))': \(why)") }
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
                throw bad("unknown operator '\(Sanitizer.forTerminal(op))'\(hint)")
            }
            return Filter(field: field, op: op, value: String(rest[rest.index(after: eq)...]))
        }
        for (sugar, op) in [("!=", "ne"), (">=", "gte"), ("<=", "lte"), (">", "gt"), ("<", "lt"), ("~", "like")] where rest.hasPrefix(sugar) {
            return Filter(field: field, op: op, value: after(sugar.count))
        }
        if rest.hasPrefix("=") { return Filter(field: field, op: nil, value: after(1)) }
        throw bad("expected FIELD=VALUE or FIELD:OP=VALUE")
    }

    /// The value checks: `status==paid`, `amount=>3`, `between=100..200`, `between=100`.
    func check(_ expr: String) throws {
        let shown = Sanitizer.forTerminal(expr)
        if let c = value.first, "=<>~".contains(c) {
            let intended: String
            switch (op, c) {
            case (nil, "="): intended = "\(field)=\(value.dropFirst())"
            case (nil, ">"), (nil, "<"): intended = "\(field)\(c)=\(value.dropFirst())"
            default: intended = "\(field)\(Filter.sugar(op) ?? "=")\(value.dropFirst())"
            }
            throw SoporteError.usage("bad filter '\(shown)': the value starts with '\(c)'; did you mean '\(Sanitizer.forTerminal(intended))'?")
        }
        switch op {
        case "in":
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
            guard !value.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
                throw SoporteError.usage("bad filter '\(shown)': 'in' takes a comma-separated list, e.g. \(field):in=a,b,c")
            }
        case "between":
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
                throw SoporteError.usage("bad filter '\(shown)': 'between' takes exactly two values, low and high, e.g. \(field):between=100,200")
            }
        default: break
        }
    }

    static func sugar(_ op: String?) -> String? {
        switch op {
        case nil, "eq"?: return "="
        case "ne"?: return "!="
        case "gte"?: return ">="
        case "lte"?: return "<="
        case "gt"?: return ">"
        case "lt"?: return "<"
        case "like"?: return "~"
        default: return nil
        }
    }
}

/// The listing options of docs/CONTRACT.md §5, validated.
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

    /// Items per page when walking: --per-page, else --limit when it is smaller than a
    /// page, else the most the API gives.
    public var pageSize: Int { perPage ?? min(limit ?? 100, 100) }

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
        q.add("per_page", String(pageSize))
        return q
    }
}
