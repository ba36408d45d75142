import SoporteJSON

/// `soporte api METHOD PATH`: any request, with -f/-F fields, --input, --paginate, -i.
enum ApiCommand {
    static func run(_ inv: Invocation) throws {
        let method = inv.args[0].uppercased()
        guard method.allSatisfy({ $0.isLetter }), !method.isEmpty else { throw SoporteError.usage("bad HTTP method '\(inv.args[0])'") }
        var path = inv.args[1]
        var query = Query()
        if let qm = path.firstIndex(of: "?") {
            for pair in path[path.index(after: qm)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.add(Percent.decode(kv[0]), kv.count > 1 ? Percent.decode(kv[1]) : "")
            }
            path = String(path[..<qm])
        }
        if path.contains("://") { throw SoporteError.usage("PATH is relative to the API URL (e.g. /whm/accounts), not a full URL") }

        var fields = JSONObject()
        for pair in inv.options.sequence where pair.name == "field" || pair.name == "typed-field" {
            let (k, v) = try AccountCommands.keyValue(pair.value, flag: pair.name == "field" ? "-f" : "-F")
            fields[k] = pair.name == "field" ? .string(v) : AccountCommands.typed(v)
        }
        var body: [UInt8]?
        if let input = inv.options.last("input") {
            guard fields.count == 0 else { throw SoporteError.usage("--input cannot be combined with -f/-F") }
            let bytes: [UInt8]
            if input == "-" { bytes = try inv.ctx.readStdin() } else {
                guard let b = try Posix.readFile(input) else { throw SoporteError.usage("input file \(input) does not exist") }
                bytes = b
            }
            do { _ = try JSONParser.parse(bytes) } catch let e as JSONParseError {
                throw SoporteError.usage("--input is not valid JSON: \(e.description)")
            }
            body = bytes
        } else if fields.count > 0 {
            if method == "GET" || method == "HEAD" || method == "DELETE" {
                for (k, v) in fields.entries { query.add(k, v.scalarText) }
            } else {
                body = Array(JSONWriter.compact(.object(fields)).utf8)
            }
        }

        if inv.options.has("paginate") {
            guard method == "GET" else { throw SoporteError.usage("--paginate works with GET only") }
            var opts = try ListOptions(inv.options, fields: inv.settings.fields)
            let client = try inv.client()
            if inv.settings.dryRun {
                var q = opts.query(page: opts.page ?? opts.fromPage ?? 1)
                q.items = query.items + q.items
                try inv.io.out(client.curlLine(for: APICall("GET", path, query: q)) + "\n")
                return
            }
            opts.extra = query
            let walker = PageWalker(client: client, path: path, options: opts, label: path, io: inv.io, concurrency: inv.settings.concurrency)
            try walker.run(into: inv.makeWriter(resource: nil))
            return
        }

        guard let a = try inv.sendOrPrint(APICall(method, path, query: query, body: body)) else { return }
        if inv.options.has("show-headers") {
            var s = "HTTP \(a.status)"
            for (k, v) in a.headers { s += "\n\(k): \(v)" }
            inv.io.err(Sanitizer.forTerminal(s).replacingOccurrences("\\n", "\n"))
        }
        if case .null = a.json { return }
        try inv.io.out((inv.io.stdoutIsTTY ? JSONWriter.pretty(a.json) : JSONWriter.compact(a.json)) + "\n")
    }
}
