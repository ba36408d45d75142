import SoporteJSON

/// How `accounts create` and `accounts update` end (docs/CONTRACT.md §13.5): the item the answer
/// holds, printed as before; a 202 Accepted reported as accepted, not done (a result
/// line, or under -o json/ndjson a result object that also holds the item); with --wait,
/// the item as a GET shows it once the change does.
struct ChangeReport {
    let inv: Invocation
    /// `create`, `update`: the result's `action`.
    let action: String
    /// `created`, `updated`: the note once the change shows.
    let pastTense: String
    let resource: Resource

    func finish(_ a: APIAnswer, id known: ResourceID?, expect: Expectation, waiter: Waiter?, since start: Double) throws {
        let data = a.json["data"] ?? a.json
        if let w = waiter {
            let id = try known ?? ChangeReport.createdID(a, resource: resource)
            let reached = try w.wait(for: expect, resource: resource, id: id, since: start)
            inv.io.note("WAITED", "\(pastTense) \(resource.singular) \(id) (\(Waiter.took(reached.seconds)))")
            return try inv.printObject(reached.item ?? data, resource: resource)
        }
        guard let acc = Acceptance(a) else { return try inv.printObject(data, resource: resource) }
        let id = known ?? (try? ChangeReport.createdID(a, resource: resource))
        switch inv.settings.output {
        case .json, .ndjson:
            let v = JSONValue.object(JSONObject([
                ("id", id?.json ?? .null), ("action", .string(action)), ("outcome", .string("accepted")),
                ("http_status", .int(a.status)), ("request_id", a.requestID.map { .string($0) } ?? .null),
                ("job_id", acc.jobID.map { .string($0) } ?? .null), ("location", acc.location.map { .string($0) } ?? .null),
                ("data", data),
            ]))
            try inv.io.out((inv.settings.output == .json && inv.io.stdoutIsTTY ? JSONWriter.pretty(v) : JSONWriter.compact(v)) + "\n")
        case .table, .csv, .tsv, .nagios, .prometheus, .xlsx:
            let what = id.map { "\(resource.singular) \($0)" } ?? resource.singular
            let said = acc.text
            try inv.io.out("accepted \(action) of \(what) (not done yet\(said.isEmpty ? "" : "; " + said))\n")
        }
        try inv.io.flush()
    }

    /// The id of a created item: the answer's `data.id`, else the last segment of its
    /// `Location` (only the id is taken from it: the request goes to our own API URL).
    static func createdID(_ a: APIAnswer, resource: Resource) throws -> ResourceID {
        if let v = a.json["data"]?["id"] {
            return try ResourceID.fromServer(v, what: "the \(resource.singular) created", requestID: a.requestID)
        }
        if let loc = a.headers.last(where: { $0.0.lowercased() == "location" })?.1,
           let last = loc.split(separator: "?").first?.split(separator: "/").last,
           let id = ResourceID(server: .string(String(last))) {
            return id
        }
        throw SoporteError(.server, "the answer to the create gives no id (no data.id, no Location) to wait for", requestID: a.requestID)
    }
}
