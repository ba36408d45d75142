import SoporteJSON
import SoporteSystem

/// Commands that act on `ID...` (docs/CONTRACT.md §3, §10.6, §11.3): IDs or names from arguments or
/// stdin (`-`), confirmation for destructive ones, a few requests at a time, one result
/// per ID in input order (text, a JSON array, or JSON lines), an optional journal that
/// makes a rerun pick up where a run stopped, and the exit status of the first failure.
enum Bulk {
    enum Action: String, CaseIterable, Sendable {
        case delete, suspend, unsuspend, cancel

        var resource: Resource { self == .cancel ? .subscriptions : .accounts }
        var pastTense: String {
            switch self {
            case .delete: return "deleted"
            case .suspend: return "suspended"
            case .unsuspend: return "unsuspended"
            case .cancel: return "cancelled"
            }
        }
        var method: String { self == .delete ? "DELETE" : "POST" }
        var destructive: Bool { self != .unsuspend }
        func path(_ id: PathID) -> String {
            let base = "\(resource.path)/\(id.segment)"
            return self == .delete ? base : base + "/" + rawValue
        }
        /// The status an item has once the action is done (to check an unknown outcome).
        var doneStatus: String? {
            switch self {
            case .delete: return nil
            case .suspend: return "suspended"
            case .unsuspend: return "active"
            case .cancel: return "cancelled"
            }
        }
    }

    static let reason = Opt.text("reason", value: "TEXT", help: "Reason recorded with the suspension.")
    static let journal = Opt.text("journal", value: "FILE",
                                  help: "Append every outcome to FILE; a rerun with it skips IDs done, retries failures and checks unknown outcomes.",
                                  completion: .file)
    static let allowEmpty = Flag("allow-empty", help: "An empty list of IDs (empty stdin) is not an error: exit 0 with a note.")

    static func spec(_ a: Action) -> CommandSpec {
        let r = a.resource
        let examples: [String]
        switch a {
        case .delete: examples = ["soporte accounts delete 42 --yes", "soporte accounts delete shop3.com --dry-run"]
        case .suspend: examples = ["soporte accounts list -o tsv --fields id --no-headers --filter status=active | soporte accounts suspend - --yes --reason abuse --journal suspend.log"]
        case .unsuspend: examples = ["soporte accounts unsuspend 42 43"]
        case .cancel: examples = ["soporte subscriptions cancel 7 --yes"]
        }
        return CommandSpec(a.rawValue, summary: "\(a.rawValue.prefix(1).uppercased() + a.rawValue.dropFirst()) \(r.plural).",
                           details: "IDs may be \(r.singular) ids" + (r.nameFields.isEmpty ? "" : " or \(r.nameFields.joined(separator: " or "))")
                               + "; '-' reads them from stdin, one per line (the first field of each line; lines starting with # are skipped).",
                           arguments: [ArgumentSpec("ID", help: "One or more IDs; '-' reads IDs from stdin, one per line.", variadic: true,
                                                    completion: .ids(r.name))],
                           options: (a == .suspend ? [reason.spec] : []) + [journal.spec, allowEmpty.spec] + WaitKeys.specs,
                           examples: examples,
                           handler: Handler.of(Leaf(action: a)))
    }

    /// One ID's result.
    struct Outcome: Sendable {
        enum Kind: String, Sendable {
            case done, skipped, failed, unknown
            /// Answered 202: queued by the API, not done yet (docs/CONTRACT.md §13.5).
            case accepted
            /// --wait: accepted or done, and the change did not show within --wait-timeout.
            case timedOut = "timed_out"
        }
        var given: GivenID
        var id: ResourceID?
        var kind: Kind
        var note: String?
        var error: SoporteError?
        var httpStatus: Int?
        var requestID: String?
        /// Not sent because the journal could not be written.
        var notSent = false
        /// What a 202 answer said (job id, Location).
        var acceptance: Acceptance?
    }

    static func run(_ a: Action, _ inv: Invocation) throws {
        let words = try collectIDs(inv)
        guard !words.isEmpty else {
            // A pipeline whose filter matched nothing has nothing to do (docs/CONTRACT.md §13.3).
            if inv.options.isSet(allowEmpty) { inv.io.note("NOTHING_TO_DO", "nothing to do: no IDs given"); return }
            throw SoporteError.usage("no IDs given (--allow-empty makes an empty list exit 0)", help: inv.parsed.path)
        }
        let body: [UInt8]? = try inv.options.value(reason).map { Array(JSONWriter.compact(.object(JSONObject([("reason", .string($0))]))).utf8) }
        let client = try inv.client()
        if a.destructive && !inv.settings.yes && !inv.settings.dryRun {
            let what = words.count == 1 ? "\(a.resource.singular) \(words[0].text)" : "\(words.count) \(a.resource.plural)"
            guard inv.io.stderrIsTTY else {
                throw SoporteError.usage("refusing to \(a.rawValue) \(what) without confirmation: no terminal to ask on; pass --yes")
            }
            guard inv.ctx.prompter.confirm(prompt: "\(a.rawValue.prefix(1).uppercased() + a.rawValue.dropFirst()) \(Sanitizer.forTerminal(what))? [y/N] ") else {
                throw SoporteError.usage("not confirmed; nothing was sent")
            }
        }
        let ids = IDs(inv: inv, resource: a.resource)
        if inv.settings.dryRun {
            for w in words {
                let id = try ids.resolveOne(w.text, client: client)
                try inv.io.out(client.curlLine(for: APICall(a.method, a.path(id), body: body)) + "\n")
            }
            return
        }
        let journal = try inv.options.value(journal).map { try Journal(path: $0, action: a.rawValue, fs: inv.ctx.fs, clock: inv.ctx.clock) }
        // Where the run stands, for the progress line and for a signal's summary.
        let progress = BulkProgress(BulkTally(action: a, total: words.count, journal: journal != nil), json: inv.io.style.json)
        defer { progress.end() }
        let waiter = try waiter(a, inv, client: client)
        let width = waiter == nil ? inv.settings.concurrency : max(inv.settings.concurrency, waitingWidth)
        let workers = OrderedWorkers<Outcome>(count: words.count, width: width, window: words.count) { i in
            progress.started()
            let started = client.clock.monotonic()
            let send: () -> Outcome = { act(a, given: words[i], body: body, ids: ids, client: client, journal: journal) }
            var outcome = waiter?.slots?.run(send) ?? send()
            if let w = waiter { outcome = wait(a, outcome, waiter: w, since: started) }
            if !outcome.notSent { journal?.record(outcome) }
            return outcome
        }
        let printer = ResultPrinter(io: inv.io, format: inv.settings.output, action: a)
        var firstFailure: SoporteError?
        var failed = 0
        var notSent = 0
        while let o = workers.next() {
            if o.notSent { notSent += 1 }
            if o.kind == .failed || o.kind == .unknown || o.kind == .timedOut {
                failed += 1
                if firstFailure == nil { firstFailure = o.error }
            }
            let tally = progress.shown(o)
            // The result line goes out with the progress line erased, which is then
            // drawn again below it (stdout and stderr are often the same terminal).
            inv.io.clearProgress()
            try printer.print(o)
            inv.io.progress(tally.progressLine)
        }
        inv.io.clearProgress()
        try printer.finish()
        if let j = journal, let stopped = j.stoppedRun(notSent: notSent) { throw stopped }
        if let f = firstFailure {
            throw SoporteError(f.status, "\(failed) of \(words.count) failed; first failure: \(f.message)", requestID: f.requestID,
                               apiCode: f.apiCode, httpStatus: f.httpStatus)
        }
    }

    /// Does one ID's work (on a worker thread).
    static func act(_ a: Action, given: GivenID, body: [UInt8]?, ids: IDs, client: APIClient, journal: Journal?) -> Outcome {
        var o = Outcome(given: given, id: nil, kind: .failed)
        do {
            let id = try ids.id(of: given, with: client)
            o.id = id
            switch journal?.state(of: given.text) {
            case .done?:
                o.kind = .skipped
                o.note = "done, journal"
                return o
            case .unknown?:
                // An earlier run sent it and lost the answer: look before acting again.
                if try isDone(a, id: id, client: client) {
                    o.kind = .done
                    o.note = "checked: done by an earlier run"
                    return o
                }
            default: break
            }
            do { try journal?.sending(given) } catch let e as SoporteError {
                o.error = e
                o.notSent = true
                return o
            }
            let answer = try client.send(APICall(a.method, a.path(.id(id)), body: body))
            o.kind = .done
            o.httpStatus = answer.status
            o.requestID = answer.requestID
            if let acc = Acceptance(answer) {
                o.kind = .accepted
                o.acceptance = acc
            }
        } catch let e as SoporteError {
            o.error = e
            o.httpStatus = e.httpStatus
            o.requestID = e.requestID
            if a == .delete && e.status == .notFound && e.afterLostAnswer {
                o.kind = .done
                o.note = "already gone: the first answer was lost"
                o.error = nil
            } else if a == .cancel && e.httpStatus == 409, let id = o.id, (try? isDone(a, id: id, client: client)) == true {
                o.kind = .done
                o.note = "already cancelled"
                o.error = nil
            } else {
                o.kind = e.outcomeUnknown ? .unknown : .failed
            }
        } catch {
            o.error = SoporteError(.unexpected, "\(error)")
        }
        return o
    }

    /// Whether the item is already in the state the action leads to.
    static func isDone(_ a: Action, id: ResourceID, client: APIClient) throws -> Bool {
        do {
            let answer = try client.send(APICall("GET", "\(a.resource.path)/\(id)"))
            guard let want = a.doneStatus else { return false }
            return answer.json["data"]?["status"]?.stringValue == want
        } catch let e as SoporteError where e.status == .notFound {
            return a == .delete
        }
    }

    /// IDs from the arguments; `-` reads stdin, one per line, first whitespace field.
    static func collectIDs(_ inv: Invocation) throws -> [GivenID] {
        var ids: [GivenID] = []
        for a in inv.args {
            if a == "-" {
                let bytes = try inv.ctx.readStdin()
                for (n, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                    guard let text = String(validating: line, as: UTF8.self) else {
                        throw SoporteError.usage("line \(n + 1) of stdin is not valid UTF-8: '\(Sanitizer.forTerminal(String(decoding: line, as: UTF8.self)))'")
                    }
                    guard let field = text.split(whereSeparator: { $0.isWhitespace }).first, !field.hasPrefix("#") else { continue }
                    ids.append(try IDs.word(String(field)))
                }
            } else {
                ids.append(try IDs.word(a))
            }
        }
        return ids
    }
}

/// Bulk results as text lines, one JSON array, or JSON lines.
struct ResultPrinter {
    let io: IOStreams
    let format: OutputFormat
    let action: Bulk.Action
    private let array: JSONArrayWriter?

    init(io: IOStreams, format: OutputFormat, action: Bulk.Action) {
        self.io = io
        self.format = format
        self.action = action
        array = format == .json ? JSONArrayWriter(io: io, pretty: io.stdoutIsTTY) : nil
    }

    func print(_ o: Bulk.Outcome) throws {
        switch format {
        case .json, .ndjson:
            let v = ResultPrinter.json(o, action: action)
            if let a = array { try a.write(v) } else { try io.out(JSONWriter.compact(v) + "\n") }
        case .table, .csv, .tsv, .nagios, .prometheus, .xlsx:  // xlsx: not taken by bulk commands
            let shown = Sanitizer.forTerminal(o.given.text)
            switch o.kind {
            case .done: try io.out("\(action.pastTense) \(shown)" + (o.note.map { " (\($0))" } ?? "") + "\n")
            case .skipped: try io.out("skipped \(shown) (\(o.note ?? "journal"))\n")
            case .accepted:
                let said = o.acceptance?.text ?? ""
                try io.out("accepted \(shown) (\(said.isEmpty ? "not done yet" : "not done yet; " + said))\n")
            case .failed, .unknown, .timedOut:
                let word = o.kind == .unknown ? "unknown" : o.kind == .timedOut ? "timed out" : "failed"
                try io.out("\(word) \(shown): \(o.error?.message ?? "failed")\n")
            }
        }
        try io.flush()
    }

    func finish() throws { try array?.finish(complete: true) }

    /// `{"id", "action", "outcome", "note", "http_status", "request_id", "job_id",
    /// "location", "error"}`; an id of digits is a JSON number.
    static func json(_ o: Bulk.Outcome, action: Bulk.Action) -> JSONValue {
        var obj = JSONObject([("id", o.given.json)])
        if let id = o.id, o.given != .id(id) { obj["resolved_id"] = id.json }
        obj["action"] = .string(action.rawValue)
        obj["outcome"] = .string(o.kind == .done ? action.pastTense : o.kind.rawValue)
        obj["note"] = o.note.map { .string($0) } ?? .null
        obj["http_status"] = o.httpStatus.map { .int($0) } ?? .null
        obj["request_id"] = o.requestID.map { .string($0) } ?? .null
        obj["job_id"] = o.acceptance?.jobID.map { .string($0) } ?? .null
        obj["location"] = o.acceptance?.location.map { .string($0) } ?? .null
        obj["error"] = o.error.flatMap { $0.jsonLine["error"] } ?? .null
        return .object(obj)
    }
}

extension Bulk {
    /// One bulk verb (`accounts suspend`, `subscriptions cancel`), as a command value.
    struct Leaf: CommandValue {
        let action: Action
        var name: String { "\(action.resource.name) \(action.rawValue)" }
        func run(_ o: NoOptions, _ inv: Invocation) throws { try Bulk.run(action, inv) }
    }
}
