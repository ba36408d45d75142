import SoporteJSON

/// The listing options of docs/CONTRACT.md §5 as typed keys.
enum ListKeys {
    static let filter = Opt<Filter>(OptionSpec("filter", value: "EXPR", help: Filter.valueHelp, repeatable: true)) { v, _ in try Filter.parse(v) }
    static let sort = Opt.text("sort", value: "FIELDS", help: "Sort fields, '-' for descending (e.g. -created_at,status).")
    static let search = Opt.text("search", value: "TERM", help: "Free-text search.")
    static let include = Opt.text("include", value: "LIST", help: "Embed related resources (e.g. server,package).")
    static let perPage = Opt.int("per-page", help: "Items per page, 1..100.", range: 1...100, default: "100")
    static let page = Opt.int("page", help: "Fetch only this page.", range: 1...1_000_000_000)
    static let limit = Opt.int("limit", help: "Stop after N items.", range: 1...1_000_000_000)
    static let fromPage = Opt.int("from-page", help: "Walk from page N to the end (resume a failed walk).", range: 1...1_000_000_000)

    static let specs = [filter.spec, sort.spec, search.spec, include.spec, perPage.spec, page.spec, limit.spec, fromPage.spec]
}

extension ListOptions {
    /// Decodes and checks the listing options of a parsed line.
    init(_ p: ParsedCommand, fields: [String]?) throws {
        self.init()
        let o = p.options
        filters = try o.values(ListKeys.filter)
        sort = try o.value(ListKeys.sort)
        search = try o.value(ListKeys.search)
        include = try o.value(ListKeys.include)
        self.fields = fields
        perPage = try o.value(ListKeys.perPage)
        page = try o.value(ListKeys.page)
        limit = try o.value(ListKeys.limit)
        fromPage = try o.value(ListKeys.fromPage)
        if page != nil && fromPage != nil { throw SoporteError.usage("--page and --from-page cannot be used together") }
    }

    /// Names the answer must have for these options to mean something (docs/CONTRACT.md §10.3).
    var namesAskedFor: [(option: String, name: String)] {
        var out: [(String, String)] = []
        for f in fields ?? [] { out.append(("--fields", f)) }
        for s in (sort ?? "").split(separator: ",") { out.append(("--sort", String(s.drop { $0 == "-" || $0 == "+" }))) }
        for i in (include ?? "").split(separator: ",") { out.append(("--include", String(i).trimmingWhitespace())) }
        return out.filter { !$0.1.isEmpty }
    }
}

/// The parsed line again as words, without the options a resume replaces.
func resumeWords(_ p: ParsedCommand, dropping: Set<String>) -> [String] {
    var words = p.path + p.arguments
    for pair in p.options.sequence where !dropping.contains(pair.name) {
        let takesValue = (Global.specs + p.spec.options).first { $0.long == pair.name }?.takesValue ?? true
        words += takesValue ? ["--" + pair.name, pair.value] : ["--" + pair.name]
    }
    return words
}

/// The names asked for (--fields, --sort, --include, --count-by, --sum) against the items
/// of the first page (docs/CONTRACT.md §10.3, §14.3). A name that no item has is a warning with the
/// closest name; a --fields, --count-by or --sum name that no item has and that is not a
/// known field of the resource either is exit 2, before any item is printed.
func checkNames(_ asked: [(option: String, name: String)], items: [JSONValue], io: IOStreams, resource r: Resource) throws {
    let strict: Set = ["--fields", "--count-by", "--sum"]
    var missing: [(option: String, name: String, hint: String)] = []
    var unknown: [String] = []
    for (option, name) in asked where !missing.contains(where: { $0.option == option && $0.name == name }) {
        if items.contains(where: { $0.objectValue.map { ColumnPlan.cell($0, name) != nil } ?? true }) { continue }
        let closest = Fields.missing([name], in: items, known: r.knownFields).first?.suggestion ?? Suggest.closest(to: name, in: r.knownFields)
        let hint = closest.map { "; did you mean '\($0)'?" } ?? ""
        missing.append((option, name, hint))
        if strict.contains(option) && !r.knows(name) {
            let nested = name.contains(".") ? " (a field of an --include needs the --include too)" : ""
            unknown.append("\(option) '\(Sanitizer.forTerminal(name))' is not in the answer nor a field of \(r.plural)\(hint)\(nested)")
        }
    }
    if let first = unknown.first { throw SoporteError(.usage, first, details: Array(unknown.dropFirst())) }
    // Nothing to compare with: only the unknown names above are said.
    guard items.contains(where: { $0.objectValue != nil }) else { return }
    for m in missing {
        io.warn("FIELD_NOT_FOUND", "\(m.option) '\(Sanitizer.forTerminal(m.name))' is not in the answer\(m.hint)")
    }
}

extension Resource {
    /// Whether `name` is a known field; a dotted name by its first part (`limits.databases`).
    func knows(_ name: String) -> Bool {
        let head = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? name
        return knownFields.contains(name) || knownFields.contains(head)
    }

    /// `--sort` names must be known fields: checked before anything is sent (docs/CONTRACT.md §14.3).
    func checkSort(_ sort: String?) throws {
        for s in (sort ?? "").split(separator: ",") {
            let name = String(s.drop { $0 == "-" || $0 == "+" }).trimmingWhitespace()
            guard !name.isEmpty, !knows(name) else { continue }
            let hint = Suggest.closest(to: name, in: knownFields).map { "; did you mean '\($0)'?" } ?? ""
            throw SoporteError.usage("--sort '\(Sanitizer.forTerminal(name))' is not a field of \(plural)\(hint)")
        }
    }
}

/// `NOUN list` (and `ls`): walks every page.
enum ResourceList {
    static func spec(_ r: Resource) -> CommandSpec {
        CommandSpec("list", aliases: ["ls"], summary: "List \(r.plural) (walks every page).",
                    details: "Fields: \(r.knownFields.joined(separator: ", ")). Default columns: \(r.defaultColumns.joined(separator: ", ")). \(XLSXWriter.help)",
                    options: ListKeys.specs + TotalsKeys.specs, examples: r.listExamples + r.totalsExamples, extraFormats: [.xlsx], fields: r.knownFields,
                    handler: Handler.of(Leaf(resource: r)))
    }

    static func run(_ r: Resource, _ inv: Invocation) throws {
        let opts = try ListOptions(inv.parsed, fields: inv.settings.fields)
        let totals = try TotalsKeys.spec(inv.parsed, fields: inv.settings.fields)
        try r.checkSort(opts.sort)
        let client = try inv.client()
        if inv.settings.dryRun {
            try inv.io.out(client.curlLine(for: APICall("GET", r.path, query: opts.query(page: opts.page ?? opts.fromPage ?? 1))) + "\n")
            return
        }
        let walker = PageWalker(client: client, io: inv.io, path: r.path, options: opts, label: r.name,
                                concurrency: inv.settings.concurrency,
                                resume: totals != nil ? nil : ResumeHint(words: resumeWords(inv.parsed, dropping: ["page", "from-page", "limit"]), limit: opts.limit))
        walker.resumable = totals == nil
        let asked = opts.namesAskedFor + (totals?.namesAskedFor ?? [])
        walker.onFirstPage = { items in try checkNames(asked, items: items, io: inv.io, resource: r) }
        try walker.run(into: ListCache(wrapping: inv.listWriter(resource: r, totals: totals), resource: r, env: inv.ctx.env, fs: inv.ctx.fs, io: inv.io,
                                        verbose: inv.settings.verbosity > 0))
    }
}

/// `NOUN get ID`.
enum ResourceGet {
    static func spec(_ r: Resource) -> CommandSpec {
        CommandSpec("get", summary: "Show one \(r.singular).",
                    details: (r.nameFields.isEmpty ? "" : "ID may also be the \(r.singular)'s \(r.nameFields.joined(separator: " or ")); a word of digits is always an ID. ")
                        + "Fields: \(r.knownFields.joined(separator: ", ")). " + XLSXWriter.help,
                    arguments: [ArgumentSpec("ID", help: "The \(r.singular) id" + (r.nameFields.isEmpty ? "." : " or \(r.nameFields.joined(separator: " or "))."),
                                             completion: .ids(r.name))],
                    options: [ListKeys.include.spec, WaitKeys.waitFor.spec, WaitKeys.timeout.spec], examples: [r.getExample, "soporte \(r.name) get 1 -o json --fields " + (["id"] + r.defaultColumns.filter { $0 != "id" }.prefix(1)).joined(separator: ",")] + (r.waitForExample.map { [$0] } ?? []), extraFormats: [.xlsx],
                    fields: r.knownFields,
                    handler: Handler.of(Leaf(resource: r)))
    }

    static func run(_ r: Resource, _ inv: Invocation) throws {
        let include = try inv.options.value(ListKeys.include)
        let conditions = try inv.options.values(WaitKeys.waitFor)
        let timeout = try WaitKeys.timeout(inv.options, asked: !conditions.isEmpty, what: "--wait-for")
        let started = inv.ctx.clock.monotonic()
        let id = try IDs(inv: inv, resource: r).resolveOne(inv.args[0], client: inv.client())
        var q = Query()
        if let i = include { q.add("include", i) }
        let data: JSONValue
        if let t = timeout, !inv.settings.dryRun, case .id(let rid) = id {
            // --wait-for: the same GET, repeated until the conditions hold (docs/CONTRACT.md §13.5).
            let reached = try Waiter(client: try inv.client(), timeout: t)
                .wait(for: Expectation(goal: .conditions(conditions)), resource: r, id: rid, query: q, since: started)
            data = reached.item ?? .null
        } else {
            guard let a = try inv.sendOrPrint(APICall("GET", "\(r.path)/\(id.segment)", query: q)) else { return }
            guard let d = a.json["data"], d.objectValue != nil else {
                throw SoporteError(.server, "the answer for \(r.singular) \(id.segment) has no 'data' object (not the API's shape)", requestID: a.requestID)
            }
            data = d
        }
        var asked = (inv.settings.fields ?? []).map { (option: "--fields", name: $0) }
        asked += (include ?? "").split(separator: ",").map { (option: "--include", name: String($0)) }
        try checkNames(asked, items: [data], io: inv.io, resource: r)
        try inv.printObject(data, resource: r)
    }
}

extension ResourceList {
    /// `NOUN list` of one resource, as a command value.
    struct Leaf: CommandValue {
        let resource: Resource
        var name: String { "\(resource.name) list" }
        func run(_ o: NoOptions, _ inv: Invocation) throws { try ResourceList.run(resource, inv) }
    }
}

extension ResourceGet {
    /// `NOUN get ID` of one resource, as a command value.
    struct Leaf: CommandValue {
        let resource: Resource
        var name: String { "\(resource.name) get" }
        func run(_ o: NoOptions, _ inv: Invocation) throws { try ResourceGet.run(resource, inv) }
    }
}
