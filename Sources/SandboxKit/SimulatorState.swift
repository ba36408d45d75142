import SoporteJSON

/// Everything the simulator changes while it runs, kept under its one lock.
struct SimulatorState: Sendable {
    /// Entries of the request record at most; the newest are kept.
    static let requestRecordCap = 50_000
    /// Bytes of the request record at most (as `RecordEntry.bytes` counts them); the
    /// oldest entries go first.
    static let requestRecordBytes = 16 << 20
    /// Bytes of one request's body the record keeps.
    static let recordedBodyLimit = 64 << 10
    /// Faults queued at most, and the bytes they may hold together (`Fault.bytes`).
    static let faultQueueCap = 10_000
    static let faultQueueBytes = 64 << 20

    var store: Store
    var limiter: RateLimiter
    private(set) var faults: [Fault] = []
    private var faultBytes = 0
    var health = HealthState()
    var stats = Stats()
    /// Changes accepted under `--async-ms` and not yet made.
    var pendingChanges = AsyncChanges()
    /// The record, oldest first from `recordStart`: entries before it were dropped (and
    /// their values freed); they are shifted out once they are half the array, so that
    /// dropping the oldest costs O(1) amortised.
    private var record: [RecordEntry] = []
    private var recordStart = 0
    private var recordBytes = 0

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

    /// One request as `GET /_sandbox/requests` shows it, and what it costs the record.
    struct RecordEntry: Sendable {
        var value: JSONValue
        /// Its text's bytes, plus 32 for each string and 64 for the entry (the storage
        /// around them): an estimate of its memory that cannot be made small by many
        /// short strings.
        var bytes: Int
    }

    /// The record's entry for `r` (built before taking the lock): the credentials of
    /// Authorization cut (`cutCredentials`), the body cut to `recordedBodyLimit` bytes
    /// with `body_truncated: true` and `body_bytes` (its whole length) beside it.
    static func recordEntry(_ r: SimRequest) -> RecordEntry {
        var bytes = 64
        func text(_ s: String) -> JSONValue {
            bytes += s.utf8.count + 32
            return .string(s)
        }
        var h = JSONObject()
        for (k, v) in r.headers {
            bytes += k.utf8.count + 32
            h[k] = text(k == "authorization" ? cutCredentials(v) : v)
        }
        var fields: [(String, JSONValue)] = [
            ("method", text(r.method)), ("path", text(r.path)), ("query", text(r.rawQuery)), ("headers", .object(h)),
        ]
        if r.body.count > recordedBodyLimit {
            // Back to the start of a UTF-8 sequence, so that no character is cut in two.
            var end = recordedBodyLimit
            while end > 0 && r.body[end] & 0xC0 == 0x80 { end -= 1 }
            fields += [("body", text(String(decoding: r.body[..<end], as: UTF8.self))), ("body_truncated", .bool(true)),
                       ("body_bytes", .int(r.body.count))]
        } else {
            fields.append(("body", text(String(decoding: r.body, as: UTF8.self))))
        }
        return RecordEntry(value: .object(JSONObject(fields)), bytes: bytes)
    }

    /// An Authorization value with its credentials cut: the scheme (`Bearer`) and the
    /// first 4 characters of the token, then `…` (U+2026); never more than half of a
    /// short token. `Bearer sk_test_abc123xyz` is recorded as `Bearer sk_t…`.
    static func cutCredentials(_ value: String) -> String {
        var scheme = ""
        var credentials = Substring(value)
        if let space = value.firstIndex(of: " "), value[..<space].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
            scheme = String(value[...space])
            credentials = value[value.index(after: space)...]
            while credentials.first == " " { credentials = credentials.dropFirst() }
        }
        guard !credentials.isEmpty else { return value }
        return scheme + credentials.prefix(min(4, credentials.count / 2)) + "…"
    }

    /// Adds an entry, then drops the oldest while the record holds more than
    /// `requestRecordCap` entries or `requestRecordBytes` bytes (the newest stays).
    mutating func appendRecord(_ entry: RecordEntry) {
        record.append(entry)
        recordBytes += entry.bytes
        while record.count - recordStart > 1 &&
              (record.count - recordStart > SimulatorState.requestRecordCap || recordBytes > SimulatorState.requestRecordBytes) {
            recordBytes -= record[recordStart].bytes
            record[recordStart] = RecordEntry(value: .null, bytes: 0)
            recordStart += 1
        }
        if recordStart >= 1024 && recordStart * 2 >= record.count {
            record.removeFirst(recordStart)
            recordStart = 0
        }
    }

    var recordedRequests: [JSONValue] { record[recordStart...].map(\.value) }

    /// The bytes the record counts now.
    var recordedBytes: Int { recordBytes }

    /// Empties the record and lets its storage go (a new array, not one kept at capacity).
    mutating func clearRecord() {
        record = []
        recordStart = 0
        recordBytes = 0
    }

    // MARK: - Faults

    /// Why `count` more faults of `bytes` bytes cannot be queued (the queue would hold
    /// more than `faultQueueCap` faults or `faultQueueBytes` bytes), or nil.
    func queueRefusal(adding count: Int, bytes: Int = 0) -> String? {
        if faults.count + count > SimulatorState.faultQueueCap {
            return "The fault queue holds at most \(SimulatorState.faultQueueCap) faults: \(faults.count) are queued and this request adds \(count); nothing was queued."
        }
        if faultBytes + bytes > SimulatorState.faultQueueBytes {
            return "The faults queued may hold \(SimulatorState.faultQueueBytes >> 20) MiB together (bodies, headers, matches): \(faultBytes) bytes are queued and this request adds \(bytes); nothing was queued."
        }
        return nil
    }

    /// Queues `new` after the faults already queued, all or none: nil when done, else
    /// why not (`queueRefusal`).
    mutating func enqueue(_ new: [Fault]) -> String? {
        let bytes = new.reduce(0) { $0 + $1.bytes }
        if let why = queueRefusal(adding: new.count, bytes: bytes) { return why }
        faults += new
        faultBytes += bytes
        return nil
    }

    /// Empties the queue, storage included.
    mutating func clearFaults() {
        faults = []
        faultBytes = 0
    }

    /// The first queued fault that matches `r`, used once.
    mutating func takeFault(for r: SimRequest) -> Fault? {
        guard let i = faults.firstIndex(where: { $0.matches(r) }) else { return nil }
        let f = faults[i]
        faults[i].count -= 1
        if faults[i].count <= 0 {
            faultBytes -= f.bytes
            faults.remove(at: i)
            if faults.isEmpty { faults = [] }
        }
        return f
    }
}
