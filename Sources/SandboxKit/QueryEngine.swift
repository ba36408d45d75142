import SoporteJSON

/// Filtering, search, sorting, field selection and paging over a collection, as the
/// overview describes them.
public enum QueryEngine {
    public static let operators: Set<String> = ["eq", "ne", "gt", "gte", "lt", "lte", "like", "in", "between"]
    static let perPageRange = 1...100
    /// Bounded so that `(page - 1) * per_page` and `page + 1` cannot overflow.
    static let pageRange = 1...Int(Int32.max)
    /// Characters (Unicode scalars, as PHP's mb_strlen counts them) a search term may
    /// hold: each record's every string is searched for it, so its length is CPU.
    static let searchLimit = 256

    struct Condition {
        let field: String
        let op: String
        let value: String
    }

    /// Parses `filter[f]` and `filter[f][op]` keys.
    static func conditions(_ query: [(String, String)], known: Set<String>) throws -> [Condition] {
        var out: [Condition] = []
        for (k, v) in query where k.hasPrefix("filter[") {
            let inner = k.dropFirst("filter[".count)
            guard let close = inner.firstIndex(of: "]") else { throw APIFailure.validation("filter", "Malformed filter parameter '\(k)'.") }
            let field = String(inner[..<close])
            var rest = inner[inner.index(after: close)...]
            var op = "eq"
            if rest.hasPrefix("[") {
                rest = rest.dropFirst()
                guard let c2 = rest.firstIndex(of: "]"), rest.index(after: c2) == rest.endIndex else {
                    throw APIFailure.validation("filter", "Malformed filter parameter '\(k)'.")
                }
                op = String(rest[..<c2])
            } else if !rest.isEmpty {
                throw APIFailure.validation("filter", "Malformed filter parameter '\(k)'.")
            }
            guard operators.contains(op) else { throw APIFailure.validation("filter", "Unknown operator '\(op)' for field '\(field)'.") }
            guard known.contains(String(field.split(separator: ".").first ?? "")) else {
                throw APIFailure.validation("filter", "Unknown filter field '\(field)'.")
            }
            out.append(Condition(field: field, op: op, value: v))
        }
        return out
    }

    static func lookup(_ o: JSONObject, _ path: String) -> JSONValue {
        if let v = o[path] { return v }
        var cur: JSONValue = .object(o)
        for part in path.split(separator: ".") {
            guard let n = cur[String(part)] else { return .null }
            cur = n
        }
        return cur
    }

    /// Compares a record value with a filter value: numbers as numbers, dates as dates
    /// (a date-only bound compares with the day part of a timestamp), else text.
    static func compare(_ v: JSONValue, _ s: String) -> Int? {
        switch v {
        case .null: return nil
        case .number(let n):
            guard let a = Double(n), let b = Double(s) else { return nil }
            return a < b ? -1 : (a > b ? 1 : 0)
        case .bool(let b): return (b ? "true" : "false") == s ? 0 : nil
        case .string(var t):
            if let a = Double(t), let b = Double(s) { return a < b ? -1 : (a > b ? 1 : 0) }
            if looksLikeDate(s) && looksLikeDate(t) && s.count == 10 { t = String(t.prefix(10)) }
            return t < s ? -1 : (t > s ? 1 : 0)
        default: return nil
        }
    }

    static func looksLikeDate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return u.count >= 10 && u[4] == 0x2D && u[7] == 0x2D && u[0...3].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func matches(_ o: JSONObject, _ c: Condition) -> Bool {
        let v = lookup(o, c.field)
        switch c.op {
        case "eq":
            if c.value == "null" { return v.isNull }
            return compare(v, c.value) == 0
        case "ne":
            if c.value == "null" { return !v.isNull }
            return compare(v, c.value) != 0
        case "gt": return (compare(v, c.value) ?? -2) > 0
        case "gte": return (compare(v, c.value) ?? -2) >= 0
        case "lt": return (compare(v, c.value) ?? 2) < 0
        case "lte": return (compare(v, c.value) ?? 2) <= 0
        case "like": return v.scalarText.lowercased().contains(c.value.lowercased())
        case "in": return c.value.split(separator: ",", omittingEmptySubsequences: false).contains { compare(v, String($0)) == 0 }
        case "between":
            let parts = c.value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { return false }
            return (compare(v, parts[0]) ?? -2) >= 0 && (compare(v, parts[1]) ?? 2) <= 0
        default: return false
        }
    }

    static func order(_ a: JSONValue, _ b: JSONValue) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return 1   // nulls last
        case (_, .null): return -1
        case (.number(let x), .number(let y)):
            let p = Double(x) ?? 0, q = Double(y) ?? 0
            return p < q ? -1 : (p > q ? 1 : 0)
        default:
            let x = a.scalarText, y = b.scalarText
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    /// How a list answer is spelt: the API's `meta` or Laravel's paginator (whose API
    /// ignores `fields`), and the page numbers' spelling.
    public struct PageStyle: Sendable {
        public var laravel = false
        public var numbers = PageNumbers.int
        public init(laravel: Bool = false, numbers: PageNumbers = .int) {
            self.laravel = laravel
            self.numbers = numbers
        }
    }

    /// Answers a list request: `{data, meta, links}` or a 422.
    public static func list(_ records: [JSONObject], query: [(String, String)], linkBase: String, style: PageStyle = PageStyle(),
                            include: (JSONObject, [String]) -> JSONObject) throws -> JSONValue {
        func param(_ k: String) -> String? { query.last { $0.0 == k }?.1 }
        // Before any other work: a long term costs CPU in proportion to the data.
        if let s = param("search"), s.unicodeScalars.count > searchLimit {
            throw APIFailure.validation("search", "The search may not be greater than \(searchLimit) characters.")
        }
        let known = Set(records.first?.keys ?? [])
        let conds = try conditions(query, known: known)

        var perPage = 15
        if let pp = param("per_page") {
            guard let n = RangeChecked.int(pp, in: 1...Int.max) else { throw APIFailure.validation("per_page", "The per page must be an integer of at least 1.") }
            guard perPageRange.contains(n) else { throw APIFailure.validation("per_page", "The per page may not be greater than 100.") }
            perPage = n
        }
        var page = 1
        if let p = param("page") {
            guard let n = RangeChecked.int(p, in: pageRange) else { throw APIFailure.validation("page", RangeChecked.message("page", pageRange)) }
            page = n
        }
        var sortKeys: [(String, Bool)] = []
        if let s = param("sort"), !s.isEmpty {
            for part in s.split(separator: ",") {
                let desc = part.hasPrefix("-")
                let f = String(desc ? part.dropFirst() : part)
                guard known.contains(String(f.split(separator: ".").first ?? "")) else {
                    throw APIFailure.validation("sort", "Unknown sort field '\(f)'.")
                }
                sortKeys.append((f, desc))
            }
        }
        let search = param("search")?.lowercased()
        let includes = param("include").map { $0.split(separator: ",").map(String.init) } ?? []
        let fields = style.laravel ? nil : param("fields").map { $0.split(separator: ",").map(String.init) }

        var selected: [JSONObject]
        if conds.isEmpty && (search ?? "").isEmpty {
            selected = records
        } else {
            selected = records.filter { r in
                if !conds.allSatisfy({ matches(r, $0) }) { return false }
                if let s = search, !s.isEmpty {
                    return r.values.contains { v in
                        if case .string(let t) = v { return t.lowercased().contains(s) }
                        return false
                    }
                }
                return true
            }
        }
        if !sortKeys.isEmpty {
            selected = selected.enumerated().sorted { a, b in
                for (f, desc) in sortKeys {
                    let c = order(lookup(a.element, f), lookup(b.element, f))
                    if c != 0 { return desc ? c > 0 : c < 0 }
                }
                return a.offset < b.offset
            }.map(\.element)
        }
        let total = selected.count
        let lastPage = max(1, (total + perPage - 1) / perPage)
        let start = min(total, (page - 1) * perPage)
        let end = min(total, start + perPage)
        let data: [JSONValue] = selected[start..<end].map { r in
            .object(shape(r, includes: includes, fields: fields, include: include))
        }
        func link(_ p: Int) -> JSONValue { .string("\(linkBase)?page=\(p)") }
        let from: JSONValue = start < end ? .int(start + 1) : .null
        let to: JSONValue = start < end ? .int(end) : .null
        let meta = style.laravel
            ? Laravel.paginatorMeta(page: page, lastPage: lastPage, perPage: perPage, total: total, from: from, to: to,
                                    path: linkBase, numbers: style.numbers)
            : JSONObject([
                ("current_page", style.numbers.spell(page)), ("from", from), ("last_page", style.numbers.spell(lastPage)),
                ("per_page", .int(perPage)), ("to", to), ("total", .int(total)),
            ])
        let links = JSONObject([
            ("first", link(1)), ("last", link(lastPage)),
            ("prev", page > 1 ? link(page - 1) : .null), ("next", page < lastPage ? link(page + 1) : .null),
        ])
        return .object(JSONObject([("data", .array(data)), ("meta", .object(meta)), ("links", .object(links))]))
    }

    static func shape(_ r: JSONObject, includes: [String], fields: [String]?, include: (JSONObject, [String]) -> JSONObject) -> JSONObject {
        var o = includes.isEmpty ? r : include(r, includes)
        if let f = fields {
            var picked = JSONObject()
            for name in f { if let v = o[name] { picked[name] = v } }
            o = picked
        }
        return o
    }
}
