import SoporteJSON

/// What the walk knows after each page; pure, so its rules are tested without sockets:
/// which pages remain, when `--limit` is satisfied, and what makes a walk untrustworthy
/// (a page out of order, a short page while the collection did not change).
public struct WalkPlan: Equatable, Sendable {
    public let startPage: Int
    public private(set) var lastPage: Int
    public private(set) var perPage: Int
    public private(set) var total: Int?
    public let limit: Int?
    public private(set) var drifted = false

    public init(startPage: Int, limit: Int?, perPage: Int) {
        self.startPage = startPage
        self.lastPage = startPage
        self.perPage = perPage
        self.limit = limit
    }

    /// Reads the first page's `meta`. Values out of any sane range are ignored.
    public mutating func first(meta: JSONValue?, itemCount: Int) {
        if let l = meta?["last_page"]?.intValue, l >= startPage, l <= 1_000_000_000 { lastPage = l } else { lastPage = startPage }
        if let p = meta?["per_page"]?.intValue, p > 0, p <= 1_000_000 { perPage = p } else { perPage = max(itemCount, 1) }
        total = meta?["total"]?.intValue.flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The last page worth fetching: `--limit` fetches no page beyond the one that holds
    /// the last wanted item. No arithmetic here can overflow, whatever the inputs.
    public var lastPageNeeded: Int {
        guard let l = limit, perPage > 0 else { return lastPage }
        let pagesForLimit = l / perPage + (l % perPage == 0 ? 0 : 1)
        let (end, overflow) = startPage.addingReportingOverflow(pagesForLimit - 1)
        return overflow ? lastPage : min(lastPage, end)
    }

    public enum Check: Equatable, Sendable {
        case ok
        case drift(from: Int, to: Int)
        case outOfOrder(got: Int)
        /// A page before the last with fewer items than a page holds, the total unchanged.
        case short(got: Int, expected: Int)
    }

    /// Checks a later page against the walk.
    public mutating func check(page: Int, meta: JSONValue?, itemCount: Int) -> Check {
        if let cur = meta?["current_page"]?.intValue, cur != page { return .outOfOrder(got: cur) }
        if let t = meta?["total"]?.intValue, let old = total, t != old {
            total = t
            if !drifted {
                drifted = true
                return .drift(from: old, to: t)
            }
            return .ok
        }
        if page < lastPage && itemCount < perPage && !drifted {
            return .short(got: itemCount, expected: perPage)
        }
        return .ok
    }

    /// The first page's own shortness: short while not the last page.
    public func firstPageIsShort(itemCount: Int) -> Bool {
        startPage < lastPage && itemCount < perPage
    }
}
