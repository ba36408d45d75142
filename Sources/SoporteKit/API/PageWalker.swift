#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON

/// What the walk knows after each page; pure, so its rules are tested without sockets:
/// which pages remain, when `--limit` is satisfied, and what counts as a broken walk.
public struct WalkPlan: Equatable, Sendable {
    public let startPage: Int
    public private(set) var lastPage: Int
    public private(set) var perPage: Int
    public private(set) var total: Int?
    public let limit: Int?
    public private(set) var drifted = false

    public init(startPage: Int, limit: Int?) {
        self.startPage = startPage
        self.lastPage = startPage
        self.perPage = 100
        self.limit = limit
    }

    /// Reads the first page's `meta`.
    public mutating func first(meta: JSONValue?, itemCount: Int) {
        lastPage = meta?["last_page"]?.intValue ?? startPage
        perPage = meta?["per_page"]?.intValue ?? max(itemCount, 1)
        total = meta?["total"]?.intValue
    }

    /// The last page worth fetching: `--limit` fetches no page beyond the one that holds
    /// the last wanted item.
    public var lastPageNeeded: Int {
        guard let l = limit, perPage > 0 else { return lastPage }
        return min(lastPage, startPage + (l + perPage - 1) / perPage - 1)
    }

    public enum Check: Equatable { case ok, drift(from: Int, to: Int), outOfOrder(got: Int) }

    /// Checks a later page's `meta` against the walk.
    public mutating func check(page: Int, meta: JSONValue?) -> Check {
        if let cur = meta?["current_page"]?.intValue, cur != page { return .outOfOrder(got: cur) }
        if let t = meta?["total"]?.intValue, let old = total, t != old, !drifted {
            drifted = true
            total = t
            return .drift(from: old, to: t)
        }
        return .ok
    }
}

/// Walks a collection: page 1 first, then the rest several at a time, handing the
/// items to the writer strictly in page order as soon as each next page is there.
public final class PageWalker {
    let client: APIClient
    let path: String
    let options: ListOptions
    let label: String
    let io: IOStreams
    let concurrency: Int

    public init(client: APIClient, path: String, options: ListOptions, label: String, io: IOStreams, concurrency: Int) {
        self.client = client
        self.path = path
        self.options = options
        self.label = label
        self.io = io
        self.concurrency = max(1, concurrency)
    }

    /// Runs the walk; returns the number of items written. On failure the writer is
    /// finished as incomplete and the error says how far it got and how to resume.
    @discardableResult
    public func run(into writer: ItemWriter) throws -> Int {
        let start = options.page ?? options.fromPage ?? 1
        var plan = WalkPlan(startPage: start, limit: options.limit)
        var written = 0
        // Ids of the last two pages: when the collection shifts during a walk, repeats
        // come from the neighbouring page, so this window catches them in constant memory.
        var seen = RecentIDs()
        let showProgress = io.stderrIsTTY && !client.settings.quiet

        func emit(_ items: [JSONValue]) throws -> Bool {
            for item in items {
                if let l = options.limit, written >= l { return false }
                if let id = item["id"], !id.isNull, !seen.insert(id.scalarText) { continue }
                try writer.write(item)
                written += 1
            }
            seen.endPage()
            try io.flush()
            return true
        }

        func failed(_ e: SoporteError, page: Int) -> SoporteError {
            try? writer.finish(complete: false)
            io.clearProgress()
            var err = e
            err.message = "\(label): walk stopped at page \(page)" + (plan.lastPage > page ? " of \(plan.lastPage)" : "") + ": " + e.message
            err.details = ["\(written) items were written before the failure",
                           "resume with: --from-page \(page)"] + e.details
            return err
        }

        let first = try client.send(APICall("GET", path, query: options.query(page: start)))
        let firstItems = try items(of: first, page: start)
        plan.first(meta: first.json["meta"], itemCount: firstItems.count)
        var more: Bool
        do { more = try emit(firstItems) } catch { try? writer.finish(complete: false); throw error }
        if options.page != nil || plan.lastPageNeeded <= start || !more {
            try writer.finish(complete: true)
            noteLimit(plan, written: written)
            return written
        }

        let last = plan.lastPageNeeded
        let slots = PageSlots()
        var nextToLaunch = start + 1
        func launch() {
            while nextToLaunch <= last && nextToLaunch < slots.lowestPending + concurrency {
                let p = nextToLaunch
                nextToLaunch += 1
                let call = APICall("GET", path, query: options.query(page: p))
                Posix.startThread { [client] in
                    let r: Result<APIAnswer, SoporteError>
                    do { r = .success(try client.send(call)) } catch let e as SoporteError { r = .failure(e) } catch {
                        r = .failure(SoporteError(.unexpected, "\(error)"))
                    }
                    slots.put(p, r)
                }
            }
        }
        slots.lowestPending = start + 1
        launch()
        for page in (start + 1)...last {
            let result = slots.take(page)
            slots.lowestPending = page + 1
            launch()
            switch result {
            case .failure(let e):
                throw failed(e, page: page)
            case .success(let answer):
                let pageItems: [JSONValue]
                do { pageItems = try items(of: answer, page: page) } catch let e as SoporteError { throw failed(e, page: page) }
                switch plan.check(page: page, meta: answer.json["meta"]) {
                case .ok: break
                case .drift(let a, let b):
                    if !client.settings.quiet {
                        io.err("soporte: warning: \(label) changed during the walk (total \(a) -> \(b)); items may be missing, repeated ids are skipped")
                    }
                case .outOfOrder(let got):
                    throw failed(SoporteError(.server, "asked for page \(page) and got page \(got) (the walk repeats or goes backwards)"), page: page)
                }
                do { more = try emit(pageItems) } catch { try? writer.finish(complete: false); throw error }
                if showProgress {
                    io.progress("\(label): page \(page)/\(plan.lastPage), \(written)" + (plan.total.map { "/\($0)" } ?? ""))
                }
                if !more { break }
            }
        }
        io.clearProgress()
        try writer.finish(complete: true)
        noteLimit(plan, written: written)
        return written
    }

    func noteLimit(_ plan: WalkPlan, written: Int) {
        guard let l = plan.limit, written >= l, let t = plan.total, t > written,
              io.stderrIsTTY, !client.settings.quiet else { return }
        io.err("soporte: showing the first \(written) of \(t) \(label) (--limit \(l))")
    }

    /// The `data` array of a list answer, or an error if the answer is not the API's shape.
    func items(of a: APIAnswer, page: Int) throws -> [JSONValue] {
        guard let items = a.json["data"]?.arrayValue else {
            throw SoporteError(.server, "the answer for page \(page) of \(path) has no 'data' list (not the API's shape)", requestID: a.requestID)
        }
        return items
    }
}

/// The ids written in the current and the previous page.
struct RecentIDs {
    private var previous = Set<String>()
    private var current = Set<String>()

    /// False when the id was already written in this page or the one before.
    mutating func insert(_ id: String) -> Bool {
        if previous.contains(id) { return false }
        return current.insert(id).inserted
    }

    mutating func endPage() {
        previous = current
        current.removeAll(keepingCapacity: true)
    }
}

/// Results of pages fetched concurrently, handed over in order. Thread-safe.
final class PageSlots: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var results: [Int: Result<APIAnswer, SoporteError>] = [:]
    var lowestPending = 1

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
    }

    deinit {
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    func put(_ p: Int, _ r: Result<APIAnswer, SoporteError>) {
        pthread_mutex_lock(&mutex)
        results[p] = r
        pthread_cond_broadcast(&cond)
        pthread_mutex_unlock(&mutex)
    }

    func take(_ p: Int) -> Result<APIAnswer, SoporteError> {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while true {
            if let r = results.removeValue(forKey: p) { return r }
            pthread_cond_wait(&cond, &mutex)
        }
    }
}
