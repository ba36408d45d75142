import SoporteJSON

/// Everything the simulator changes while it runs, kept under its one lock.
struct SimulatorState: Sendable {
    static let requestRecordCap = 50_000

    var store: Store
    var limiter: RateLimiter
    var faults: [Fault] = []
    var health = HealthState()
    var stats = Stats()
    /// The newest `requestRecordCap` entries (up to twice as many are held, so that
    /// dropping the oldest costs one shift per `requestRecordCap` requests, not one each).
    private var record: [JSONValue] = []

    init(store: Store, limiter: RateLimiter) {
        self.store = store
        self.limiter = limiter
    }

    /// Counts of `/v1` requests and of the 429s among the answers, the limiter's and
    /// injected ones (`GET /_sandbox/stats`).
    struct Stats: Sendable {
        var requests = 0
        var rateLimited = 0
    }

    /// What `/admin/system/health` reports (`PUT /_sandbox/health`).
    struct HealthState: Sendable {
        var status = "healthy"
        /// Checks set by the control endpoint, over the defaults that follow `status`.
        var checks = JSONObject()

        var reportedChecks: JSONObject {
            var c = JSONObject([("database", .string(status == "healthy" ? "ok" : "failing")), ("cache", .string("ok")), ("queue", .string("ok"))])
            for (k, v) in checks.entries { c[k] = v }
            return c
        }
    }

    // MARK: - The request record

    /// The record's entry for `r` (built before taking the lock).
    static func recordEntry(_ r: SimRequest) -> JSONValue {
        var h = JSONObject()
        for (k, v) in r.headers { h[k] = .string(v) }
        return .object(JSONObject([
            ("method", .string(r.method)), ("path", .string(r.path)), ("query", .string(r.rawQuery)),
            ("headers", .object(h)), ("body", .string(String(decoding: r.body, as: UTF8.self))),
        ]))
    }

    mutating func appendRecord(_ entry: JSONValue) {
        record.append(entry)
        if record.count >= 2 * SimulatorState.requestRecordCap { record.removeFirst(record.count - SimulatorState.requestRecordCap) }
    }

    var recordedRequests: [JSONValue] { Array(record.suffix(SimulatorState.requestRecordCap)) }

    mutating func clearRecord() { record = [] }

    /// The first queued fault that matches `r`, used once.
    mutating func takeFault(for r: SimRequest) -> Fault? {
        guard let i = faults.firstIndex(where: { $0.matches(r) }) else { return nil }
        let f = faults[i]
        faults[i].count -= 1
        if faults[i].count <= 0 { faults.remove(at: i) }
        return f
    }
}
