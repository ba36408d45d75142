import SoporteSystem

/// `--wait` on the bulk verbs (docs/CONTRACT.md §13.5): each ID's worker, once its request is done or
/// accepted, looks at the item until the change shows (status `suspended`, `active`,
/// `cancelled`; 404 after delete), so IDs are waited for as the workers run. A wait is
/// mostly sleep: with --wait there are more workers (`waitingWidth`), and `SendSlots`
/// keeps the requests in flight, changes and looks alike, to `concurrency`.
extension Bulk {
    /// Workers of a run with --wait: enough that waits side by side do not hold up
    /// the requests of the IDs after them.
    static let waitingWidth = 32

    /// The waiter of a run with --wait, else nil (--wait-timeout alone is a usage error).
    static func waiter(_ a: Action, _ inv: Invocation, client: APIClient) throws -> Waiter? {
        guard let t = try WaitKeys.timeout(inv.options, asked: inv.options.isSet(WaitKeys.wait)), !inv.settings.dryRun else { return nil }
        return Waiter(client: client, timeout: t, slots: SendSlots(width: inv.settings.concurrency))
    }

    /// What the action leads to, as a wait looks for it.
    static func expectation(_ a: Action) -> Expectation {
        Expectation(goal: a.doneStatus.map(Expectation.Goal.status) ?? .gone)
    }

    /// The outcome once the change shows (`suspended 42 (took 3 s)`), or timed out (exit
    /// 11, the last state seen). Skipped, failed and unknown outcomes are not waited for.
    static func wait(_ a: Action, _ o: Outcome, waiter: Waiter, since start: Double) -> Outcome {
        guard o.kind == .done || o.kind == .accepted, let id = o.id else { return o }
        var o = o
        do {
            let reached = try waiter.wait(for: expectation(a), resource: a.resource, id: id, since: start)
            o.kind = .done
            o.note = [o.note, Waiter.took(reached.seconds)].compactMap { $0 }.joined(separator: "; ")
        } catch let e as SoporteError {
            o.kind = e.status == .waitTimedOut ? .timedOut : .failed
            o.error = e
        } catch {
            o.kind = .failed
            o.error = SoporteError(.unexpected, "\(error)")
        }
        return o
    }
}

/// At most `width` requests of a run in flight, however many workers it has.
final class SendSlots: Sendable {
    let width: Int
    private let inFlight = Gate(0)

    init(width: Int) { self.width = max(1, width) }

    func run<R>(_ body: () throws -> R) rethrows -> R {
        _ = inFlight.wait { (n: inout Int) -> Bool? in
            guard n < width else { return nil }
            n += 1
            return true
        }
        defer { inFlight.withLock { $0 -= 1 } }
        return try body()
    }
}
