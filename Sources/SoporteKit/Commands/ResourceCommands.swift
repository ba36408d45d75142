import SoporteJSON

/// `NOUN list` and `NOUN get ID` for every resource.
enum ResourceCommands {
    static func list(_ inv: Invocation, _ r: Resource) throws {
        let opts = try ListOptions(inv.options, fields: inv.settings.fields)
        let client = try inv.client()
        if inv.settings.dryRun {
            try inv.io.out(client.curlLine(for: APICall("GET", r.path, query: opts.query(page: opts.page ?? opts.fromPage ?? 1))) + "\n")
            return
        }
        let walker = PageWalker(client: client, path: r.path, options: opts, label: r.name, io: inv.io,
                                concurrency: inv.settings.concurrency)
        try walker.run(into: inv.makeWriter(resource: r))
    }

    static func get(_ inv: Invocation, _ r: Resource) throws {
        let id = try checkID(inv.args[0])
        var q = Query()
        if let i = inv.options.last("include") { q.add("include", i) }
        guard let a = try inv.sendOrPrint(APICall("GET", "\(r.path)/\(Percent.encode(id))", query: q)) else { return }
        guard let data = a.json["data"], data.objectValue != nil else {
            throw SoporteError(.server, "the answer for \(r.singular) \(id) has no 'data' object (not the API's shape)", requestID: a.requestID)
        }
        try inv.printObject(data, resource: r)
    }

    static func checkID(_ id: String) throws -> String {
        let t = id.trimmingWhitespace()
        guard !t.isEmpty, !t.contains("/"), t.allSatisfy({ !$0.isWhitespace }) else {
            throw SoporteError.usage("bad id '\(Sanitizer.forTerminal(id))'")
        }
        return t
    }
}
