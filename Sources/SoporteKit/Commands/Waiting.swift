import SoporteJSON

/// `--wait`, `--wait-timeout` and `--wait-for` (docs/CONTRACT.md §13.5): the options, what a wait
/// looks for, and the loop that looks.
enum WaitKeys {
    static let wait = Flag("wait", help: "After the request, check the item (GET) until the change shows, for at most --wait-timeout; exit 11 if it does not.")
    static let timeout = Opt.duration("wait-timeout", help: "How long --wait or --wait-for keeps checking: \(TimeSpan.valueHelp).", default: "5m")
    static let waitFor = Opt<WaitCondition>(OptionSpec("wait-for", value: "FIELD=VALUE", help: "Check the item until FIELD (dotted for nested ones) is VALUE, or with FIELD!=VALUE is not; repeatable, all must hold; exit 11 if they do not within --wait-timeout.", repeatable: true)) { v, flag in
        try WaitCondition.parse(v, flag: flag)
    }
    static let defaultTimeout = TimeSpan(seconds: 300)

    /// The options of a command that changes something.
    static let specs = [wait.spec, timeout.spec]

    /// The time to wait, or nil when `asked` is false (then --wait-timeout is a usage
    /// error: it would mean nothing).
    static func timeout(_ o: OptionValues, asked: Bool, what: String = "--wait") throws -> TimeSpan? {
        let t = try o.value(timeout)
        guard asked else {
            if t != nil { throw SoporteError.usage("--wait-timeout needs \(what)") }
            return nil
        }
        return t ?? defaultTimeout
    }
}

/// `FIELD=VALUE` or `FIELD!=VALUE` of `--wait-for`: VALUE is compared with the field's
/// text (a string as it is, numbers by value, `true`, `false`, `null`; an absent field
/// is `null`).
struct WaitCondition: Sendable, Equatable {
    let field: String
    let negated: Bool
    let value: String

    static func parse(_ s: String, flag: String) throws -> WaitCondition {
        guard let eq = s.firstIndex(of: "=") else {
            throw SoporteError.usage("\(flag) needs FIELD=VALUE or FIELD!=VALUE, not '\(Sanitizer.forTerminal(s))'")
        }
        var field = String(s[..<eq])
        let negated = field.hasSuffix("!")
        if negated { field.removeLast() }
        guard !field.isEmpty, !field.contains(where: \.isWhitespace) else {
            throw SoporteError.usage("\(flag) needs a field name before '\(negated ? "!=" : "=")', not '\(Sanitizer.forTerminal(s))'")
        }
        return WaitCondition(field: field, negated: negated, value: String(s[s.index(after: eq)...]))
    }

    /// The field's value in `item`, as the condition compares it.
    func seen(in item: JSONValue) -> String {
        guard let o = item.objectValue, let v = ColumnPlan.cell(o, field), !v.isNull else { return "null" }
        return v.scalarText
    }

    func holds(_ item: JSONValue) -> Bool {
        let equal: Bool
        if let o = item.objectValue, let v = ColumnPlan.cell(o, field), let a = v.doubleValue,
           PlainDecimal.isDecimal(value.hasPrefix("-") ? String(value.dropFirst()) : value), let b = Double(value) {
            equal = a == b
        } else {
            equal = seen(in: item) == value
        }
        return equal != negated
    }

    var text: String { "\(field)\(negated ? "!=" : "=")\(value)" }
}

/// What a wait looks for in the item (GET), and how it names the last state it saw.
struct Expectation: Sendable {
    enum Goal: Sendable {
        /// Created: found, and its status is not `pending`.
        case created
        /// Deleted: 404.
        case gone
        case status(String)
        /// Updated: each field sent has the value sent.
        case fields(JSONObject)
        case conditions([WaitCondition])
    }

    /// What one look found.
    enum Look: Sendable {
        case found(JSONValue)
        case missing

        var item: JSONValue? {
            if case .found(let v) = self { return v }
            return nil
        }
    }

    let goal: Goal

    /// Whether a 404 is a state to look past (or the goal) rather than an error.
    var takesMissing: Bool {
        switch goal {
        case .created, .gone: return true
        default: return false
        }
    }

    func holds(_ look: Look) -> Bool {
        guard case .found(let item) = look else {
            if case .gone = goal { return true }
            return false
        }
        switch goal {
        case .created: return item["status"]?.stringValue != "pending"
        case .gone: return false
        case .status(let s): return item["status"]?.stringValue == s
        case .fields(let body): return body.entries.allSatisfy { k, v in Expectation.same(item[k], v) }
        case .conditions(let cs): return cs.allSatisfy { $0.holds(item) }
        }
    }

    /// `to be suspended`, for `waiting for account 42 to be suspended: ...`.
    var phrase: String {
        switch goal {
        case .created: return "to be created (not pending)"
        case .gone: return "to be gone"
        case .status(let s): return "to be \(s)"
        case .fields: return "to show the change"
        case .conditions(let cs): return "to have " + cs.map(\.text).joined(separator: ", ")
        }
    }

    /// The last state seen, for `account 42 is still active after 5m`.
    func miss(_ look: Look) -> String {
        guard case .found(let item) = look else { return "is not found yet" }
        let status = item["status"]?.scalarText
        func shown(_ s: String) -> String { Sanitizer.forTerminal(String(s.prefix(200))) }
        switch goal {
        case .created: return "is still pending"
        case .gone: return "still exists" + (status.map { " (status \(shown($0)))" } ?? "")
        case .status: return status.map { "is still \(shown($0))" } ?? "has no status"
        case .fields(let body):
            let off = body.entries.filter { !Expectation.same(item[$0.0], $0.1) }
                .map { "\(shown($0.0)) is \(shown(item[$0.0].map(JSONWriter.compact) ?? "absent")), not \(shown(JSONWriter.compact($0.1)))" }
            return "does not show the change yet: " + off.joined(separator: ", ")
        case .conditions(let cs):
            let off = cs.filter { !$0.holds(item) }.map { "\(shown($0.field)) is \(shown($0.seen(in: item))) (wanted \(shown($0.text)))" }
            return "does not match yet: " + off.joined(separator: ", ")
        }
    }

    /// A field's value against the value sent: equal JSON, numbers of equal value, or a
    /// string sent for a scalar of the same text (`--set-string`).
    static func same(_ have: JSONValue?, _ sent: JSONValue) -> Bool {
        let have = have ?? .null
        if have == sent { return true }
        if let a = have.doubleValue, let b = sent.doubleValue { return a == b }
        if case .string(let s) = sent, !have.isNull, have.arrayValue == nil, have.objectValue == nil { return have.scalarText == s }
        return false
    }
}

/// Looks at an item until an expectation holds or the time is up (`PollPolicy`), through
/// the normal client (so retries and rate-limit pacing apply); each wait over a second is
/// said on stderr unless -q (docs/CONTRACT.md §10.5).
struct Waiter: Sendable {
    let client: APIClient
    let timeout: TimeSpan
    /// Shared with the run's other requests (bulk), if any.
    var slots: SendSlots? = nil

    /// The item as last seen (nil once gone) and the seconds since `start`.
    struct Reached: Sendable {
        let item: JSONValue?
        let seconds: Double
    }

    var clock: any Clock { client.clock }

    /// Waits for `expect` on `resource`'s item `id`, the time counted from `start`
    /// (monotonic, taken before the request that made the change). Not reached in time:
    /// exit 11 with the last state seen.
    func wait(for expect: Expectation, resource: Resource, id: ResourceID, query: Query = Query(), since start: Double) throws -> Reached {
        var policy = PollPolicy(timeout: Double(timeout.seconds), startedAt: start)
        let label = "\(resource.singular) \(id)"
        while true {
            let look = try self.look(resource, id, query: query, takesMissing: expect.takesMissing)
            if expect.holds(look) { return Reached(item: look.item, seconds: clock.monotonic() - start) }
            switch policy.next(now: clock.monotonic()) {
            case .wait(let d):
                client.announce(d, "waiting for \(label) \(expect.phrase): checking again in \(Waiter.seconds(d))")
                clock.sleep(d)
            case .expired:
                throw SoporteError(.waitTimedOut, "\(label) \(expect.miss(look)) after \(timeout)")
            }
        }
    }

    func look(_ resource: Resource, _ id: ResourceID, query: Query, takesMissing: Bool) throws -> Expectation.Look {
        do {
            let call = APICall("GET", "\(resource.path)/\(id)", query: query)
            let a = try slots?.run { try client.send(call) } ?? client.send(call)
            guard let data = a.json["data"], data.objectValue != nil else {
                throw SoporteError(.server, "the answer for \(resource.singular) \(id) has no 'data' object (not the API's shape)", requestID: a.requestID)
            }
            return .found(data)
        } catch let e as SoporteError where e.status == .notFound && takesMissing {
            return .missing
        }
    }

    /// `2 s`, `1.5 s`: a wait as announced.
    static func seconds(_ d: Double) -> String {
        let tenths = Int((d * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }

    /// `took 3 s` (whole seconds; `took <1 s`).
    static func took(_ seconds: Double) -> String {
        seconds < 1 ? "took <1 s" : "took \(Int(seconds.rounded())) s"
    }
}

/// What a 202 Accepted answer said about the work it queued: the job id (`meta.job_id`,
/// else a top-level `job_id`) and the `Location` header, when the server gives them.
struct Acceptance: Sendable, Equatable {
    var jobID: String?
    var location: String?

    /// Nil unless the answer is a 202.
    init?(_ a: APIAnswer) {
        guard a.status == 202 else { return nil }
        let job = a.json["meta"]?["job_id"] ?? a.json["job_id"]
        jobID = job.flatMap { $0.isNull ? nil : String($0.scalarText.prefix(200)) }
        location = a.headers.last { $0.0.lowercased() == "location" }.map { String($0.1.prefix(2000)) }
    }

    /// `job job_3, location http://...`, escaped for the terminal; empty without either.
    var text: String {
        var parts: [String] = []
        if let j = jobID { parts.append("job \(Sanitizer.forTerminal(j))") }
        if let l = location { parts.append("location \(Sanitizer.forTerminal(l))") }
        return parts.joined(separator: ", ")
    }
}
