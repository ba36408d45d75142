import Synchronization
import SoporteSystem

/// Bounds the memory that the bodies of a walk's pages hold together (docs/CONTRACT.md §10.6): pages
/// ahead of the one being written may take at most `limit` bytes between them; one that
/// finds no room is dropped and asked for again when its turn comes (`BodyAllowance`);
/// the page being written (the head) always has room, so the walk always moves.
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

    /// Wakes every page waiting for its turn and makes them give up (the walk is over).
    public func abandon() { gate.withLock { $0.abandoned = true } }

    func take(_ bytes: Int, page: Int) -> BodyRoom {
        gate.withLock { s in
            if s.abandoned { return .refused }
            if page <= s.head || s.used + bytes <= limit {
                s.used += bytes
                return .taken
            }
            return .full
        }
    }

    /// Waits until `page` is the one being written (the head never waits for room), or
    /// the walk is over (false).
    func waitForTurn(page: Int) -> Bool {
        gate.wait { s -> Bool? in
            if s.abandoned { return false }
            return page <= s.head ? true : nil
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

    public func take(_ bytes: Int) -> BodyRoom {
        let room = budget.take(bytes, page: page)
        if room == .taken { held.withLock { $0 += bytes } }
        return room
    }

    public func waitForTurn() -> Bool { budget.waitForTurn(page: page) }

    public func releaseAll() {
        budget.release(held.withLock { h in defer { h = 0 }; return h })
    }
}
