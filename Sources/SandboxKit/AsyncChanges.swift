import SoporteJSON

/// `--async-ms N`: changes are accepted (202) and made N ms later, as an API that queues
/// its work does. A change is checked when it arrives (a 404, 409 or 422 is answered at
/// once, as before) and kept here until it is due; due changes are made, in the order
/// they arrived, before any later request is served. So nothing runs on a timer, and the
/// only thing besides the requests that decides what is seen is the clock.
struct AsyncChanges: Sendable {
    /// `--async-ms` accepts 1 ms to an hour (0 turns it off).
    static let delayRange = 0...3_600_000
    /// Changes queued at most; beyond, a change is 503 (memory stays bounded under a flood).
    static let queueCap = 100_000

    /// What a queued change does to its record when it is due.
    enum Kind: Sendable {
        /// A created record leaves `pending` for this status.
        case settle(JSONValue)
        case update(JSONObject, replace: Bool)
        case delete
        /// `suspend`, `unsuspend`, `cancel`, with the request's body.
        case action(String, JSONObject)
    }

    struct Change: Sendable {
        let due: Double
        let collection: String
        let id: Int
        let kind: Kind
    }

    private(set) var queue: [Change] = []
    private var nextJob = 1

    /// Queues a change due `delayMs` after `now`; returns its job id (`job_1`, `job_2`...).
    mutating func add(_ kind: Kind, collection: String, id: Int, now: Double, delayMs: Int) -> String {
        queue.append(Change(due: now + Double(delayMs) / 1000, collection: collection, id: id, kind: kind))
        defer { nextJob += 1 }
        return "job_\(nextJob)"
    }

    /// Makes every change due by `now`, oldest first; true when any was made. A change
    /// that can no longer be made (its record is gone, a field taken meanwhile) is dropped.
    mutating func applyDue(now: Double, to store: inout Store) -> Bool {
        // Every change waits the same delay, so the queue is in due order.
        let due = queue.prefix { $0.due <= now }.count
        guard due > 0 else { return false }
        for c in queue[..<due] where store.index(c.collection, c.id) != nil {
            switch c.kind {
            case .settle(let status):
                store.setField(c.collection, id: c.id, "status", status)
            case .update(let body, let replace):
                _ = try? store.update(c.collection, id: c.id, body: body, replace: replace)
            case .delete:
                store.delete(c.collection, id: c.id)
            case .action(let verb, let body):
                _ = try? store.act(verb, on: c.collection, id: c.id, body: body, route: verb)
            }
        }
        queue.removeFirst(due)
        if queue.isEmpty { queue = [] }
        return true
    }
}

extension Store {
    /// Sets one field without counting a change (a created record leaving `pending`).
    mutating func setField(_ name: String, id: Int, _ key: String, _ value: JSONValue) {
        guard let i = index(name, id) else { return }
        collections[name]![i][key] = value
    }

    /// The record actions (`POST .../{id}/VERB`): suspend and unsuspend an account,
    /// cancel a subscription (409 when it is cancelled already); other verbs are 404
    /// (`No route for ROUTE.`).
    mutating func act(_ verb: String, on name: String, id: Int, body: JSONObject, route: String) throws -> JSONObject {
        guard let i = index(name, id), let current = collections[name]?[i] else {
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "\(name.dropLast().capitalizedFirst) \(id) not found.")
        }
        switch (name, verb) {
        case ("accounts", "suspend"):
            let reason = body["reason"]?.stringValue
            return try setStatus(name, id: id, status: "suspended", extra: [("suspended_reason", reason.map { .string($0) } ?? .null)])
        case ("accounts", "unsuspend"):
            return try setStatus(name, id: id, status: "active", extra: [("suspended_reason", .null)])
        case ("subscriptions", "cancel"):
            if current["status"]?.stringValue == "cancelled" {
                throw APIFailure(409, "CONFLICT", "Subscription \(id) is already cancelled.")
            }
            return try setStatus(name, id: id, status: "cancelled", extra: [("cancelled_at", .string(logicalTime())), ("next_billing_date", .null)])
        default:
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(route).")
        }
    }
}

extension Simulator {
    /// Makes the changes that are due (and saves them to `--state`). Under the lock.
    func settle(_ s: inout SimulatorState, now: Double) {
        guard options.asyncMs > 0, s.pendingChanges.applyDue(now: now, to: &s.store) else { return }
        // A save that fails here has no request to answer with a 500; the next change's
        // save reports it.
        try? persist(s.store)
    }

    /// A change under `--async-ms`: checked now as it would be made (a 404, 409 or 422 is
    /// answered at once), queued, and answered 202 with the record as it is now (a
    /// created one `pending`), `meta.job_id`, and `Location`: the record's URL.
    func accept(_ r: SimRequest, _ target: Target, _ s: inout SimulatorState) throws -> SimResponse {
        let now = clock()
        let delay = options.asyncMs
        guard s.pendingChanges.queue.count < options.asyncQueueCap else {
            throw APIFailure(503, "SERVICE_UNAVAILABLE", "\(options.asyncQueueCap) changes are queued already; try again once some are made.")
        }
        var record: JSONObject
        let job: String
        let recordPath: String
        switch target {
        case .health:
            throw methodNotAllowed(r, target)
        case .collection(let name):
            guard r.method == "POST" else { throw methodNotAllowed(r, target) }
            record = try s.store.create(name, body: try parseBody(r))
            let id = record["id"]?.intValue ?? 0
            let status = record["status"] ?? .null
            if record["status"] != nil {
                record["status"] = .string("pending")
                s.store.setField(name, id: id, "status", .string("pending"))
            }
            try persist(s.store)
            job = s.pendingChanges.add(.settle(status), collection: name, id: id, now: now, delayMs: delay)
            recordPath = r.path + "/\(id)"
        case .record(let name, let id):
            record = try existing(s.store, name, id)
            switch r.method {
            case "PATCH", "PUT":
                let body = try parseBody(r)
                // Checked on a copy: the answer shows the record as it still is.
                var probe = s.store
                _ = try probe.update(name, id: id, body: body, replace: r.method == "PUT")
                job = s.pendingChanges.add(.update(body, replace: r.method == "PUT"), collection: name, id: id, now: now, delayMs: delay)
            case "DELETE":
                job = s.pendingChanges.add(.delete, collection: name, id: id, now: now, delayMs: delay)
            default:
                throw methodNotAllowed(r, target)
            }
            recordPath = r.path
        case .action(let name, let id, let verb):
            record = try existing(s.store, name, id)
            guard r.method == "POST" else { throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path).") }
            let body = (try? parseBody(r)) ?? JSONObject()
            var probe = s.store
            _ = try probe.act(verb, on: name, id: id, body: body, route: r.path)
            job = s.pendingChanges.add(.action(verb, body), collection: name, id: id, now: now, delayMs: delay)
            recordPath = String(r.path[..<(r.path.lastIndex(of: "/") ?? r.path.endIndex)])
        }
        let collection: String
        switch target {
        case .collection(let n), .record(let n, _), .action(let n, _, _): collection = n
        case .health: collection = ""
        }
        var resp = answer(202, .object(JSONObject([("data", .object(record)), ("meta", .object(JSONObject([("job_id", .string(job))])))])), collection)
        resp.headers.append(("Location", origin + recordPath))
        return resp
    }
}
