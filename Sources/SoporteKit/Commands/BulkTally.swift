import Synchronization
import SoporteJSON
import SoporteSystem

/// Where a bulk run stands (docs/CONTRACT.md §13.3): how many IDs were started, how their results
/// came out, the progress line drawn from that, and the summary a signal prints.
/// A pure value, so the wording is tested alone.
struct BulkTally: Sendable, Equatable {
    let action: Bulk.Action
    let total: Int
    /// Whether the run keeps a journal (the summary says how to go on either way).
    let journal: Bool
    /// Jobs begun (a request may be on the wire for each that has no result yet).
    var started = 0
    var done = 0
    var skipped = 0
    var failed = 0

    /// Results shown so far.
    var received: Int { done + skipped + failed }
    /// Begun, no result shown yet: their outcome is not known here.
    var inFlight: Int { max(0, started - received) }
    var notSent: Int { max(0, total - max(started, received)) }

    mutating func add(_ o: Bulk.Outcome) {
        switch o.kind {
        case .done, .accepted: done += 1
        case .skipped: skipped += 1
        case .failed, .unknown, .timedOut: failed += 1
        }
    }

    /// `suspend: 120/625, 2 failed`.
    var progressLine: String {
        "\(action.rawValue): \(received)/\(total)" + (failed > 0 ? ", \(failed) failed" : "")
    }

    /// `interrupted after 120 of 625: 118 done, 2 failed, 505 not sent`.
    var summary: String {
        var parts = ["\(done) done"]
        if skipped > 0 { parts.append("\(skipped) skipped (done before, journal)") }
        parts.append("\(failed) failed")
        if inFlight > 0 { parts.append("\(inFlight) in flight (outcome not known)") }
        parts.append("\(notSent) not sent")
        return "interrupted after \(received) of \(total): " + parts.joined(separator: ", ")
    }

    /// How to go on after an interruption.
    var howToGoOn: String {
        journal
            ? "run the same command again to go on: the journal skips the IDs done and checks those in flight"
            : "nothing recorded which IDs were done: give the run --journal FILE to make it resumable (a rerun with the same journal skips the IDs done)"
    }

    /// What a signal writes (SignalNote): the summary and the way on, as two `soporte:`
    /// lines, or (under `-o json`/`ndjson`) one warning line (docs/CONTRACT.md §10.7).
    func signalNote(json: Bool) -> [UInt8] {
        if json {
            let v = JSONValue.object(JSONObject([("warning", .object(JSONObject([
                ("code", .string("BULK_INTERRUPTED")), ("message", .string(summary + "; " + howToGoOn)),
            ])))]))
            return Array((JSONWriter.compact(v) + "\n").utf8)
        }
        return Array(("\nsoporte: " + summary + "\nsoporte: " + howToGoOn + "\n").utf8)
    }
}

/// The tally of a running bulk command, shared by its workers (which start jobs) and the
/// main thread (which shows results). Every change republishes the signal note under
/// the lock, so SignalNote is set by one thread at a time and always says where the run
/// stands; the signal handler only writes what was published.
final class BulkProgress: Sendable {
    private let state: Mutex<(tally: BulkTally, ended: Bool)>
    private let json: Bool

    init(_ tally: BulkTally, json: Bool) {
        state = Mutex((tally, false))
        self.json = json
        SignalNote.set(bytes: tally.signalNote(json: json))
    }

    /// A worker begins an ID's job.
    func started() {
        state.withLock { s in
            s.tally.started += 1
            publish(s)
        }
    }

    /// The main thread has shown an ID's result; returns the tally for the progress line.
    func shown(_ o: Bulk.Outcome) -> BulkTally {
        state.withLock { s in
            s.tally.add(o)
            publish(s)
            return s.tally
        }
    }

    /// The run ended on its own: a signal from now on prints nothing of it.
    func end() {
        state.withLock { s in
            s.ended = true
            SignalNote.clear()
        }
    }

    private func publish(_ s: (tally: BulkTally, ended: Bool)) {
        guard !s.ended else { return }
        SignalNote.set(bytes: s.tally.signalNote(json: json))
    }
}
