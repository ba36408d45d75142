#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SoporteJSON
import SoporteSystem

/// A bulk run's journal (SPEC §11.3): one JSON line per outcome,
/// `{"id", "action", "outcome", "http_status", "request_id", "at"}`, written and synced
/// before the next result is printed, so that a kill loses at most the requests then in
/// flight. A rerun with the same file skips IDs done, retries failed ones, and checks an
/// unknown outcome (a request sent whose answer was lost) before acting again. The file
/// is locked while a run uses it; a second run is refused.
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
            case "unknown": if states[id] != .done { states[id] = .unknown }
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

    /// Appends one outcome (skips are not recorded: the line that made them is there).
    func record(_ o: Bulk.Outcome) {
        guard o.kind != .skipped else { return }
        let outcome: String
        switch o.kind {
        case .done: outcome = "done"
        case .unknown: outcome = "unknown"
        case .failed, .skipped: outcome = "failed"
        }
        let line = JSONValue.object(JSONObject([
            ("id", IDs.isNumeric(o.given) ? .number(o.given) : .string(o.given)),
            ("action", .string(action)),
            ("outcome", .string(outcome)),
            ("http_status", o.httpStatus.map { .int($0) } ?? .null),
            ("request_id", o.requestID.map { .string($0) } ?? .null),
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
