/// `list --count-by FIELD` and `--sum FIELD` (docs/CONTRACT.md §14.2) as typed keys, and the writer
/// that replaces the items with their totals.
enum TotalsKeys {
    static let countBy = Opt<[String]>(OptionSpec("count-by", value: "FIELD",
                                                  help: "Print one row per value of FIELD with its count instead of the items (repeatable; dotted for nested).",
                                                  repeatable: true)) { v, flag in try fieldList(v, flag) }
    static let sum = Opt<[String]>(OptionSpec("sum", value: "FIELD",
                                              help: "Add up FIELD exactly (numbers and decimal strings) per --count-by group, or over all (repeatable).",
                                              repeatable: true)) { v, flag in try fieldList(v, flag) }

    static let specs = [countBy.spec, sum.spec]

    /// `a,b` or `a`: names, trimmed, at least one.
    static func fieldList(_ v: String, _ flag: String) throws -> [String] {
        let list = v.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !list.isEmpty else { throw SoporteError.usage("\(flag) needs a field name") }
        return list
    }

    /// What the line asks for, or nil when it asks for no totals. Names repeated count once.
    static func spec(_ p: ParsedCommand, fields: [String]?) throws -> TotalsSpec? {
        func unique(_ lists: [[String]]) -> [String] {
            var out: [String] = []
            for n in lists.joined() where !out.contains(n) { out.append(n) }
            return out
        }
        let countBy = unique(try p.options.values(countBy))
        let sums = unique(try p.options.values(sum))
        guard !countBy.isEmpty || !sums.isEmpty else { return nil }
        if fields != nil {
            throw SoporteError.usage("--fields cannot be used with --count-by or --sum: the rows are the groups' fields, count and sums")
        }
        return TotalsSpec(countBy: countBy, sums: sums)
    }
}

extension TotalsSpec {
    /// Names the answer must have for the totals to mean something (docs/CONTRACT.md §10.3, §14.3).
    var namesAskedFor: [(option: String, name: String)] {
        countBy.map { ("--count-by", $0) } + sums.map { ("--sum", $0) }
    }
}

extension Invocation {
    /// The list writer: the chosen format's, or the totals in front of it.
    func listWriter(resource r: Resource, totals: TotalsSpec?) -> any ItemWriter {
        guard let t = totals else { return makeWriter(resource: r) }
        return TotalsWriter(spec: t, io: io) { columns in self.makeWriter(resource: nil, columns: columns) }
    }
}

extension Resource {
    /// The help's example of totals, for the resources that have a status (and an amount).
    var totalsExamples: [String] {
        if knownFields.contains("amount") { return ["soporte \(name) list --count-by status --sum amount -o csv"] }
        if knownFields.contains("status") { return ["soporte \(name) list --count-by status"] }
        return []
    }
}
