#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SoporteJSON
import SoporteSystem

/// A bulk run's journal (SPEC §11.3): one JSON line per outcome,
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
    private let firstWriteError = Mutex<SoporteError?>(nil)

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
        var states: [String: State] = [:]
        for line in bytes.split(separator: 0x0A) {
            // A line cut by a kill mid-write is not JSON: it was in flight; skip it.
            guard let v = try? JSONParser.parse(Array(line), maxValues: 100), v["action"]?.stringValue == action,
                  let id = v["id"]?.scalarText, let outcome = v["outcome"]?.stringValue else { continue }
            switch outcome {
            case "done": states[id] = .done
            case "unknown", "sending": if states[id] != .done { states[id] = .unknown }
            default: if states[id] != .done { states[id] = .failed }
            }
        }
        self.states = states
        // A record cut by a kill has no line end: the next record starts on a line of its own.
        if let last = bytes.last, last != 0x0A {
            do { try log.append([0x0A], sync: true) } catch { throw SoporteError.system(error, .usage) }
        }
    }

    func state(of id: String) -> State? { states[id] }

    /// Notes that the request for `id` is about to leave (synced before it does).
    func sending(_ id: GivenID) {
        write(id: id, outcome: "sending", httpStatus: nil, requestID: nil)
    }

    /// Appends one outcome (skips are not recorded: the line that made them is there).
    func record(_ o: Bulk.Outcome) {
        guard o.kind != .skipped else { return }
        let outcome: String
        switch o.kind {
        case .done: outcome = "done"
        case .unknown: outcome = "unknown"
        case .failed, .skipped: outcome = "failed"
        }
        write(id: o.given, outcome: outcome, httpStatus: o.httpStatus, requestID: o.requestID)
    }

    private func write(id: GivenID, outcome: String, httpStatus: Int?, requestID: String?) {
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
            firstWriteError.withLock { $0 = $0 ?? SoporteError(.unexpected, "journal \(path): \(error.description)") }
        }
    }

    /// The first failure to write, if any (the run then exits non-zero).
    var writeError: SoporteError? { firstWriteError.withLock { $0 } }
}
