import SoporteJSON

/// A page's `meta`, each number read as a `PageCount` (docs/BOUNDARIES.md, "Page
/// metadata"): absent, a count, or invalid.
public struct PageMeta: Equatable, Sendable {
    public var currentPage: PageCount.Reading
    public var lastPage: PageCount.Reading
    public var perPage: PageCount.Reading
    public var total: PageCount.Reading

    public init(_ meta: JSONValue?) {
        currentPage = PageCount.read(meta?["current_page"])
        lastPage = PageCount.read(meta?["last_page"])
        perPage = PageCount.read(meta?["per_page"])
        total = PageCount.read(meta?["total"])
    }

    /// The first key whose value is not a non-negative whole number, with that value.
    var firstInvalid: (key: String, text: String)? {
        for (k, r) in [("current_page", currentPage), ("last_page", lastPage), ("per_page", perPage), ("total", total)] {
            if case .invalid(let t) = r { return (k, t) }
        }
        return nil
    }

    static func count(_ r: PageCount.Reading) -> Int? {
        if case .count(let n) = r { return n }
        return nil
    }
}

/// What the walk knows after each page; pure, so its rules are tested without sockets:
/// which pages remain, when `--limit` is satisfied, and what makes a walk untrustworthy
/// (a page out of order, a short page while the collection did not change, page counts
/// that are not counts, fewer items than the total said).
public struct WalkPlan: Equatable, Sendable {
    public let startPage: Int
    public private(set) var lastPage: Int
    public private(set) var perPage: Int
    public private(set) var total: Int?
    public let limit: Int?
    public private(set) var drifted = false

    /// The most pages a walk believes in.
    static let maxPages = 1_000_000_000

    public init(startPage: Int, limit: Int?, perPage: Int) {
        self.startPage = startPage
        self.lastPage = startPage
        self.perPage = perPage
        self.limit = limit
    }

    /// Reads the first page's `meta`. A count that is not one is an error unless the
    /// total shows this page holds every item (then the walk is that page).
    public mutating func first(meta raw: JSONValue?, itemCount: Int) throws {
        let meta = PageMeta(raw)
        total = PageMeta.count(meta.total)
        if let bad = meta.firstInvalid {
            guard bad.key != "total", startPage == 1, let t = total, itemCount >= t else { throw WalkPlan.invalid(bad, page: startPage) }
            lastPage = startPage
            perPage = max(itemCount, 1)
            return
        }
        if let l = PageMeta.count(meta.lastPage) {
            guard l <= WalkPlan.maxPages else { throw WalkPlan.invalid(("last_page", String(l)), page: startPage) }
            lastPage = max(l, startPage)
        } else { lastPage = startPage }
        if let p = PageMeta.count(meta.perPage), p > 0, p <= 1_000_000 { perPage = p } else { perPage = max(itemCount, 1) }
    }

    static func invalid(_ bad: (key: String, text: String), page: Int) -> SoporteError {
        SoporteError(.server, "page \(page)'s meta.\(bad.key) is \(Sanitizer.forTerminal(String(bad.text.prefix(40)))), not a count of pages or items (a whole number from 0 to \(PageCount.maximum)); the walk cannot know what is left")
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
        /// A meta count that is not one: the key and the value as sent.
        case invalid(key: String, text: String)
    }

    /// Checks a later page against the walk.
    public mutating func check(page: Int, meta raw: JSONValue?, itemCount: Int) -> Check {
        let meta = PageMeta(raw)
        if let bad = meta.firstInvalid { return .invalid(key: bad.key, text: bad.text) }
        if let cur = PageMeta.count(meta.currentPage), cur != page { return .outOfOrder(got: cur) }
        if let t = PageMeta.count(meta.total), let old = total, t != old {
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

    /// After a walk that ran to its last page: the number of items `meta.total` promised
    /// from the start page on, when fewer were written (`written`: repeated ids are not
    /// written twice, so a collection that shifted under an unchanged total shows here
    /// too), whatever `last_page` said. Not judged once the total changed (that has its
    /// own warning) or when `--limit` ended the walk.
    public func shortfall(written: Int, limitReached: Bool) -> Int? {
        guard !limitReached, !drifted, let t = total else { return nil }
        let before = (startPage - 1).multipliedReportingOverflow(by: perPage)
        guard !before.overflow else { return nil }
        let expected = t - before.partialValue
        return written < expected ? expected : nil
    }
}
