import SoporteJSON

/// What `list --count-by` and `--sum` ask for (docs/CONTRACT.md §14.2): the fields that make a group
/// and the fields summed in each. Dotted names reach nested values (`server.name`).
public struct TotalsSpec: Equatable, Sendable {
    public let countBy: [String]
    public let sums: [String]
    /// Groups a run may hold; one more is exit 2 (memory grows with the groups).
    public static let maxGroups = 100_000

    public init(countBy: [String], sums: [String]) {
        self.countBy = countBy
        self.sums = sums
    }

    /// The columns of the rows, in order: the group's fields, `count`, `sum_FIELD` for each
    /// sum, then `skipped` when some value could not be summed.
    public func columns(skipped: Bool) -> [String] {
        countBy + ["count"] + sums.map { "sum_" + $0 } + (skipped ? ["skipped"] : [])
    }
}

/// `list --count-by/--sum`: keeps one running total per group instead of the items, and
/// at `finish` writes one row per group, sorted by the group's values (jq's order: null,
/// false, true, numbers by value, strings by code point, then arrays and objects by their
/// JSON text), into the format's own writer. Sums are `ExactDecimal`s; a value that is
/// neither a JSON number nor a string holding a plain decimal is counted in `skipped`.
/// An unfinished walk (`complete: false`) prints nothing: totals of part of a list would
/// read as the whole.
public final class TotalsWriter: ItemWriter {
    let spec: TotalsSpec
    let io: IOStreams
    let maxGroups: Int
    /// Makes the writer of the rows once their columns are known.
    let output: ([String]) -> any ItemWriter

    struct Group {
        var values: [JSONValue]
        var count = 0
        var sums: [ExactDecimal?]
        var skipped = 0
    }
    var index: [String: Int] = [:]
    var groups: [Group] = []
    /// Per sum field: values not summed, and the first of them (for the warning).
    var notSummed: [Int]
    var firstNotSummed: [String?]
    var keyScratch = ""

    public init(spec: TotalsSpec, io: IOStreams, maxGroups: Int = TotalsSpec.maxGroups, output: @escaping ([String]) -> any ItemWriter) {
        self.spec = spec
        self.io = io
        self.maxGroups = maxGroups
        self.output = output
        notSummed = Array(repeating: 0, count: spec.sums.count)
        firstNotSummed = Array(repeating: nil, count: spec.sums.count)
    }

    public func write(_ item: JSONValue) throws {
        let obj = item.objectValue ?? JSONObject([("value", item)])
        try add(spec.countBy.map { ColumnPlan.cell(obj, $0) ?? .null }, spec.sums.map { ColumnPlan.cell(obj, $0) ?? .null })
    }

    /// From a tape: only the cells asked for are decoded (an invoice's lines are not).
    public func write(_ tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) throws {
        guard tape[index].kind == .object else { return try write(tape.value(at: index, escapedString: escapedString)) }
        func cell(_ path: String) -> JSONValue {
            TotalsWriter.find(path, in: tape, index).map { tape.value(at: $0, escapedString: escapedString) } ?? .null
        }
        try add(spec.countBy.map(cell), spec.sums.map(cell))
    }

    /// The token of a dotted path in a tape object, as `ColumnPlan.cell` finds it in a
    /// value: a literal key wins, then the path's parts one by one.
    static func find(_ path: String, in tape: JSONTape, _ object: Int) -> Int? {
        if let i = tape.member(object, path) { return i }
        guard path.contains(".") else { return nil }
        var cur = object
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = tape.member(cur, String(part)) else { return nil }
            cur = next
        }
        return cur
    }

    func add(_ values: [JSONValue], _ sumValues: [JSONValue]) throws {
        keyScratch.removeAll(keepingCapacity: true)
        for v in values { TotalsWriter.appendKey(v, to: &keyScratch) }
        let g: Int
        if let i = index[keyScratch] {
            g = i
        } else {
            guard groups.count < maxGroups else {
                throw SoporteError.usage("--count-by \(spec.countBy.joined(separator: ",")) makes more than \(maxGroups) groups (the limit); "
                                         + "count by a field with fewer values, or narrow the list with --filter")
            }
            g = groups.count
            index[keyScratch] = g
            groups.append(Group(values: values, sums: Array(repeating: nil, count: spec.sums.count)))
        }
        groups[g].count += 1
        for (k, v) in sumValues.enumerated() {
            if let term = TotalsWriter.term(v) {
                groups[g].sums[k] = (groups[g].sums[k] ?? .zero) + term
            } else {
                groups[g].skipped += 1
                notSummed[k] += 1
                if firstNotSummed[k] == nil { firstNotSummed[k] = v.isNull ? "null" : JSONWriter.compact(v) }
            }
        }
    }

    /// A value as a term of a sum: a JSON number (exponents too), or a string holding a
    /// plain decimal; nil for anything else.
    static func term(_ v: JSONValue) -> ExactDecimal? {
        switch v {
        case .number(let n): return ExactDecimal(jsonNumber: n.utf8)
        case .string(let s): return ExactDecimal(plainDecimal: s)
        default: return nil
        }
    }

    /// The group key's part for one value: its kind and its text, length-prefixed (a
    /// string may hold any character), so `1` and `"1"` are different groups; numbers by
    /// value (`1`, `1.0` and `1e0` are one group, shown as the first one seen).
    static func appendKey(_ v: JSONValue, to key: inout String) {
        let (kind, text): (Character, String)
        switch v {
        case .null: (kind, text) = ("z", "")
        case .bool(let b): (kind, text) = (b ? "t" : "f", "")
        case .number(let n): (kind, text) = ("n", ExactDecimal(jsonNumber: n.utf8)?.canonical ?? n)
        case .string(let s): (kind, text) = ("s", s)
        case .array, .object: (kind, text) = ("j", JSONWriter.compact(v))
        }
        key.append(kind)
        key += String(text.utf8.count)
        key.append(":")
        key += text
    }

    public func finish(complete: Bool) throws {
        guard complete else { return }
        if groups.isEmpty && spec.countBy.isEmpty {
            groups.append(Group(values: [], sums: Array(repeating: nil, count: spec.sums.count)))
        }
        let skipped = groups.contains { $0.skipped > 0 }
        let writer = output(spec.columns(skipped: skipped))
        let keys = groups.map { $0.values.map(SortKey.init) }
        let order = groups.indices.sorted { a, b in
            for (x, y) in zip(keys[a], keys[b]) {
                let c = SortKey.compare(x, y)
                if c != 0 { return c < 0 }
            }
            return a < b
        }
        for g in order {
            let group = groups[g]
            var row = JSONObject()
            for (field, v) in zip(spec.countBy, group.values) { row.append(field, v) }
            row.append("count", .int(group.count))
            for (field, s) in zip(spec.sums, group.sums) { row.append("sum_" + field, s.map { .number($0.description) } ?? .null) }
            if skipped { row.append("skipped", .int(group.skipped)) }
            try writer.write(.object(row))
        }
        try writer.finish(complete: true)
        for (k, field) in spec.sums.enumerated() where notSummed[k] > 0 {
            let example = Sanitizer.forTerminal(String((firstNotSummed[k] ?? "").prefix(40)))
            io.warn("NOT_SUMMED", "--sum \(Sanitizer.forTerminal(field)): \(notSummed[k]) value\(notSummed[k] == 1 ? " was" : "s were") not a number (the first: \(example)); counted in 'skipped'")
        }
    }

    /// A group value in jq's sort order.
    struct SortKey {
        let rank: Int
        let number: ExactDecimal?
        let text: [UInt8]

        init(_ v: JSONValue) {
            switch v {
            case .null: (rank, number, text) = (0, nil, [])
            case .bool(let b): (rank, number, text) = (b ? 2 : 1, nil, [])
            case .number(let n): (rank, number, text) = (3, ExactDecimal(jsonNumber: n.utf8), Array(n.utf8))
            case .string(let s): (rank, number, text) = (4, nil, Array(s.utf8))
            case .array: (rank, number, text) = (5, nil, Array(JSONWriter.compact(v).utf8))
            case .object: (rank, number, text) = (6, nil, Array(JSONWriter.compact(v).utf8))
            }
        }

        static func compare(_ a: SortKey, _ b: SortKey) -> Int {
            if a.rank != b.rank { return a.rank < b.rank ? -1 : 1 }
            if let x = a.number, let y = b.number {
                let c = ExactDecimal.compare(x, y)
                if c != 0 { return c }
            }
            // UTF-8 byte order is code point order.
            if a.text.lexicographicallyPrecedes(b.text) { return -1 }
            return a.text == b.text ? 0 : 1
        }
    }
}
