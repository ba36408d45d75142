import Synchronization
import SoporteSystem

/// Bounds the memory that the bodies of a walk's pages hold together (SPEC §10.6): pages
/// ahead of the one being written may take at most `limit` bytes between them and wait
/// for room; the page being written (the head) never waits, so the walk always moves.
/// Each page's own cap is the request's `maxBody`.
public final class WalkBudget: Sendable {
    public let limit: Int
    private let gate: Gate<(used: Int, head: Int, abandoned: Bool)>

    /// 32 MiB: with the head page's own 16 MiB and one parsed page, the walk stays well
    /// under 100 MiB whatever the server sends.
    public init(limit: Int = 32 << 20, head: Int) {
        self.limit = limit
        gate = Gate((0, head, false))
    }

    public func allowance(page: Int) -> PageAllowance { PageAllowance(page: page, budget: self) }

    /// The writer moved on to `page`.
    public func advance(head page: Int) { gate.withLock { $0.head = page } }

    /// Wakes every waiting transfer and makes them give up (the walk is over).
    public func abandon() { gate.withLock { $0.abandoned = true } }

    func reserve(_ bytes: Int, page: Int) -> Bool {
        gate.wait { s -> Bool? in
            if s.abandoned { return false }
            if page <= s.head || s.used + bytes <= limit {
                s.used += bytes
                return true
            }
            return nil
        }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        gate.withLock { $0.used = max(0, $0.used - bytes) }
    }

    public var used: Int { gate.withLock { $0.used } }
}

/// One page's share of a `WalkBudget`.
public final class PageAllowance: BodyAllowance {
    let page: Int
    let budget: WalkBudget
    private let held = Mutex(0)

    init(page: Int, budget: WalkBudget) {
        self.page = page
        self.budget = budget
    }

    public func reserve(_ bytes: Int) -> Bool {
        guard budget.reserve(bytes, page: page) else { return false }
        held.withLock { $0 += bytes }
        return true
    }

    public func releaseAll() {
        budget.release(held.withLock { h in defer { h = 0 }; return h })
    }
}
