#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SoporteJSON
import SoporteSystem

/// A bulk run's journal (docs/CONTRACT.md §11.3): one JSON line per outcome,
/// `{"id", "action", "outcome", "http_status", "request_id", "at"}`, written and synced
/// before the next result is printed. Before a request leaves, a `sending` line is
/// written and synced too, so that a kill at any moment leaves each request in flight
/// as `sending` with no outcome after it: a rerun takes that as unknown and checks the
/// item before acting again, instead of repeating it blindly. A rerun skips IDs done,
/// retries failed ones, and checks unknown ones. The file is locked while a run uses it;
/// a second run is refused.
final class Journal: Sendable {
    enum State: Sendable, Equatable { case done, failed, unknown }

    let path: String
    let action: String
    let log: any AppendLog
    let clock: any Clock
    /// The last outcome recorded per ID for this action.
    let states: [String: State]
    /// The first failure to write, and the requests sent whose outcome went unrecorded.
    private let failures = Mutex<(first: SoporteError?, unrecorded: [String])>((nil, []))

    init(path: String, action: String, fs: any FileSystem, clock: any Clock) throws {
        self.path = path
        self.action = action
        self.clock = clock
        do {
            log = try fs.openLog(path, mode: 0o600)
        } catch {
            if error.code == EWOULDBLOCK {
                throw SoporteError(.usage, "journal \(path) is in use by another soporte run; wait for it to end, or give another --journal")
            }
            throw SoporteError.system(error, .usage)
        }
        let bytes: [UInt8]
        do { bytes = try log.contents(limit: 256 << 20) } catch { throw SoporteError.system(error, .usage) }
        guard Journal.isJournal(bytes) else {
            throw SoporteError(.usage, "\(path) is not a soporte journal (its first line is not a journal record); it was left as it is: give another --journal")
        }
        var states: [String: State] = [:]
        for line in bytes.split(separator: 0x0A) {
            // A line cut by a kill mid-write is not JSON: it was in flight; skip it.
            guard let v = try? JSONParser.parse(Array(line), maxValues: 100), v["action"]?.stringValue == action,
                  let id = v["id"]?.scalarText, let outcome = v["outcome"]?.stringValue else { continue }
            switch outcome {
            case "done": states[id] = .done
            // Accepted (202): the API may not have done it yet; look before acting again.
            case "unknown", "sending", "accepted": if states[id] != .done { states[id] = .unknown }
            default: if states[id] != .done { states[id] = .failed }
            }
        }
        self.states = states
        // A record cut by a kill has no line end: the next record starts on a line of its own.
        if let last = bytes.last, last != 0x0A {
            do { try log.append([0x0A], sync: true) } catch { throw SoporteError.system(error, .usage) }
        }
    }

    /// Whether `bytes` (a whole file) can be a journal: empty, or its first line is a
    /// journal record (or, alone and without a line end, the start of one a kill cut).
    static func isJournal(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        guard let end = bytes.firstIndex(of: 0x0A) else { return bytes.starts(with: Array(#"{"id":"#.utf8)) }
        guard let o = (try? JSONParser.parse(Array(bytes[..<end]), maxValues: 100))?.objectValue else { return false }
        return ["id", "action", "outcome", "at"].allSatisfy { o[$0] != nil }
    }

    func state(of id: String) -> State? { states[id] }

    /// Notes that the request for `id` is about to leave (synced before it does). Once a
    /// record could not be written, no request leaves: this throws instead.
    func sending(_ id: GivenID) throws {
        if let e = writeError { throw SoporteError(.unexpected, "not sent: \(e.message)") }
        write(id: id, outcome: "sending", httpStatus: nil, requestID: nil)
        if let e = writeError { throw SoporteError(.unexpected, "not sent: \(e.message)") }
    }

    /// Appends one outcome (skips are not recorded: the line that made them is there).
    func record(_ o: Bulk.Outcome) {
        guard o.kind != .skipped else { return }
        let outcome: String
        switch o.kind {
        case .done: outcome = "done"
        case .unknown: outcome = "unknown"
        case .accepted, .timedOut: outcome = "accepted"
        case .failed, .skipped: outcome = "failed"
        }
        write(id: o.given, outcome: outcome, httpStatus: o.httpStatus, requestID: o.requestID, sent: o.kind != .failed || o.httpStatus != nil)
    }

    private func write(id: GivenID, outcome: String, httpStatus: Int?, requestID: String?, sent: Bool = false) {
        let line = JSONValue.object(JSONObject([
            ("id", id.json),
            ("action", .string(action)),
            ("outcome", .string(outcome)),
            ("http_status", httpStatus.map { .int($0) } ?? .null),
            ("request_id", requestID.map { .string($0) } ?? .null),
            ("at", .string(CivilTime.isoMillis(clock.now()))),
        ]))
        do {
            try log.append(Array((JSONWriter.compact(line) + "\n").utf8), sync: true)
        } catch {
            failures.withLock { f in
                f.first = f.first ?? SoporteError(.unexpected, "the journal \(path) could not be written (\(error.reason))")
                if sent { f.unrecorded.append(id.text) }
            }
        }
    }

    /// The first failure to write, if any: no request leaves after it.
    var writeError: SoporteError? { failures.withLock { $0.first } }

    /// The error that ends a run whose journal failed: which requests went without a
    /// record (their outcome is known only to the API).
    func stoppedRun(notSent: Int) -> SoporteError? {
        failures.withLock { f in
            guard var e = f.first else { return nil }
            e.message += "; the run stopped before its next request"
            e.details = f.unrecorded.isEmpty ? ["no request was sent without a record"]
                : ["sent without a record (check them before running again): " + f.unrecorded.joined(separator: ", ")]
            if notSent > 0 { e.details.append("\(notSent) not sent") }
            return e
        }
    }
}
