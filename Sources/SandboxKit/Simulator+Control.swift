import SoporteJSON

/// The control endpoints under `/_sandbox/` (no token): faults, the request record,
/// health, rate limits and counters. They run under the simulator's lock; errors use
/// the API's envelope.
extension Simulator {
    func control(_ r: SimRequest, _ s: inout SimulatorState) -> SimResponse {
        do {
            return try controlAnswer(r, &s)
        } catch {
            return error.response(to: r, now: clock())
        }
    }

    private func controlAnswer(_ r: SimRequest, _ s: inout SimulatorState) throws(APIFailure) -> SimResponse {
        let ok = SimResponse.json(200, .object(JSONObject([("ok", .bool(true))])))
        switch (r.method, r.path) {
        case ("POST", "/_sandbox/faults"):
            guard let v = try? JSONParser.parse(r.body), let items = v.arrayValue ?? (v.objectValue != nil ? [v] : nil) else {
                throw APIFailure(400, "BAD_REQUEST", "The body must be a JSON object or an array of objects.")
            }
            // Counted before any is read: a body of many small faults is refused at once.
            if let why = s.queueRefusal(adding: items.count) { throw APIFailure(400, "BAD_REQUEST", why) }
            // All or nothing: one bad fault queues none of them.
            var parsed: [Fault] = []
            for item in items {
                guard let o = item.objectValue else { throw APIFailure(400, "BAD_REQUEST", "Each fault must be a JSON object.") }
                parsed.append(try Fault.parse(o))
            }
            if let why = s.enqueue(parsed) { throw APIFailure(400, "BAD_REQUEST", why) }
            return ok
        case ("DELETE", "/_sandbox/faults"):
            s.clearFaults()
            return ok
        case ("GET", "/_sandbox/requests"):
            return .json(200, .object(JSONObject([("data", .array(s.recordedRequests))])))
        case ("DELETE", "/_sandbox/requests"):
            s.clearRecord()
            return ok
        case ("PUT", "/_sandbox/health"), ("POST", "/_sandbox/health"):
            s.health = try Simulator.health(from: r.body, current: s.health)
            return .json(200, .object(JSONObject([("ok", .bool(true)), ("status", .string(s.health.status)), ("checks", .object(s.health.reportedChecks))])))
        case ("POST", "/_sandbox/reset-limits"):
            s.limiter.reset()
            return ok
        case ("GET", "/_sandbox/stats"):
            return .json(200, .object(JSONObject([("requests", .int(s.stats.requests)), ("rate_limited", .int(s.stats.rateLimited))])))
        case ("DELETE", "/_sandbox/stats"):
            s.stats = SimulatorState.Stats()
            return ok
        default:
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "Unknown control endpoint \(r.method) \(r.path).")
        }
    }

    /// `{"status": "degraded", "checks": {"database": "failing"}}`: either key, or both.
    /// `status` replaces the status and clears checks set before; `checks` replaces them.
    static func health(from body: [UInt8], current: SimulatorState.HealthState) throws(APIFailure) -> SimulatorState.HealthState {
        let usage = "The body must be {\"status\": \"...\", \"checks\": {\"name\": \"...\"}} with at least one of the two."
        guard let doc = (try? JSONParser.parse(body))?.objectValue else { throw APIFailure(400, "BAD_REQUEST", usage) }
        var h = current
        let status = doc["status"]
        let checks = doc["checks"]
        guard status != nil || checks != nil else { throw APIFailure(400, "BAD_REQUEST", usage) }
        if let st = status {
            guard let text = st.stringValue, !text.isEmpty else { throw .validation("status", "The status must be a non-empty string.") }
            h.status = text
            h.checks = JSONObject()
        }
        if let c = checks {
            guard let o = c.objectValue, o.values.allSatisfy({ $0.stringValue != nil }) else {
                throw .validation("checks", "The checks must be an object of strings.")
            }
            h.checks = o
        }
        return h
    }
}
