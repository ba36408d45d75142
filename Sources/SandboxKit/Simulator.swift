import SoporteJSON
import SoporteSystem
import Synchronization

/// The simulated API: data, tokens, rate limits, faults, the request record and the
/// control endpoints. `handle` is thread-safe: the server's workers call it at once.
/// Nothing here touches a socket; the unit tests call `handle` directly.
public final class Simulator: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64 = 1
        public var sizes = DataGenerator.Sizes(accounts: 250, invoices: 400)
        public var latencyMs = 0
        public var rateLimit = RateLimitPolicy.tiers
        public var statePath: String?
        /// Extra tokens with admin-tier access and limits (`--admin-token`).
        public var adminTokens: [String] = []
        /// How answers are spelt (`--dialect`).
        public var dialect = Dialect.soporteclientes
        /// How `meta.current_page` and `meta.last_page` are spelt (`--page-numbers`).
        public var pageNumbers = PageNumbers.int
        /// Changes are answered 202 and made this many ms later (`--async-ms`); 0: at once.
        public var asyncMs = 0
        /// Changes `--async-ms` queues at most (a parameter for tests).
        var asyncQueueCap = AsyncChanges.queueCap
        public init() {}
    }

    public static let latencyRange = 0...600_000
    public static let asyncRange = AsyncChanges.delayRange

    let options: Options
    let tokens: TokenTable
    /// Seconds since the epoch; a parameter so that limiter tests can move time.
    let clock: @Sendable () -> Double
    let state: Mutex<SimulatorState>
    /// The port the server listens on (0 until it says): `links` are built from it, never
    /// from the request's Host.
    private let port = Atomic<Int>(0)

    /// Loads the data (from `--state` if the file exists, after removing temporary files
    /// a killed writer left beside it; else generated from the seed).
    public init(options: Options, clock: @escaping @Sendable () -> Double = SystemClock.now) throws {
        self.options = options
        self.clock = clock
        tokens = TokenTable(adminTokens: options.adminTokens)
        if let p = options.statePath {
            Files.removeStaleTemporaries(of: p)
            let target = Files.resolvingLinks(p)
            if target != p { Files.removeStaleTemporaries(of: target) }
        }
        let limiter = RateLimiter(policy: options.rateLimit, windowsFromFirstRequest: options.dialect == .laravel)
        state = Mutex(SimulatorState(store: try Store.load(options: options), limiter: limiter))
    }

    /// Why `token` cannot be given to `--admin-token`, or nil when it can.
    public static func problem(withAdminToken token: String) -> String? { TokenTable.problem(with: token) }

    /// Told by the server once it is bound: the port of `http://127.0.0.1:PORT`.
    public func listening(onPort p: Int) { port.store(p, ordering: .relaxed) }

    /// `http://127.0.0.1:PORT`, the address answers point back to.
    var origin: String {
        let p = port.load(ordering: .relaxed)
        return p > 0 ? "http://127.0.0.1:\(p)" : "http://127.0.0.1"
    }

    // MARK: - Entry

    public func handle(_ r: SimRequest) -> SimResponse {
        let isControl = r.path.hasPrefix("/_sandbox/")
        // The control plane is the sandbox's own: its answers keep the envelope in any dialect.
        guard LoopbackHost.admits(r) else {
            return LoopbackHost.refusal.response(to: r, now: clock(), dialect: isControl ? .soporteclientes : options.dialect)
        }
        if isControl {
            let resp = state.withLock { control(r, &$0) }
            // What DELETE freed goes back to the kernel, outside the lock (it takes a few ms).
            if r.method == "DELETE" && resp.status == 200 && (r.path == "/_sandbox/requests" || r.path == "/_sandbox/faults") {
                LinuxAPI.trimHeap()
            }
            return resp
        }
        guard r.path == "/v1" || r.path.hasPrefix("/v1/") else {
            return APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path).").response(to: r, now: clock(), dialect: options.dialect)
        }
        return api(r)
    }

    /// What happened to a `/v1` request under the lock, before it is served.
    private struct Admission: Sendable {
        var refusal: SimResponse?
        var fault: Fault?
        var rateHeaders: [(String, String)] = []
        /// For a read with nothing to wait for: the data to read, taken in the same lock.
        var snapshot: ReadView?
    }

    /// What a read needs, taken under the lock.
    struct ReadView: Sendable {
        let store: Store
        let health: SimulatorState.HealthState
    }

    /// Records the request, spends rate-limit budget and takes a matching fault; the
    /// wait that latency or a fault asks for happens next, outside the lock, and only
    /// then is the request served, so a delayed page sees changes made meanwhile.
    func api(_ r: SimRequest) -> SimResponse {
        let token = TokenTable.bearer(r)
        let who = token.flatMap(tokens.principal)
        let entry = SimulatorState.recordEntry(r)
        let isRead = r.method == "GET" || r.method == "HEAD"
        let now = clock()
        let admission: Admission = state.withLock { s in
            s.appendRecord(entry)
            s.stats.requests += 1
            settle(&s, now: now)
            var a = Admission()
            // Unknown tokens spend the public budget, as requests without one do.
            if let d = s.limiter.admit(key: who == nil ? "" : token ?? "", tier: who?.tier ?? .public, now: now) {
                a.rateHeaders = d.headers(for: options.dialect)
                if !d.allowed {
                    s.stats.rateLimited += 1
                    a.refusal = APIFailure(429, "RATE_LIMIT_EXCEEDED", "Too many requests. Please retry after \(d.retryAfter) seconds.",
                                           retryAfter: d.retryAfter).response(to: r, now: now, extra: a.rateHeaders, dialect: options.dialect)
                    return a
                }
            }
            a.fault = s.takeFault(for: r)
            if isRead && a.fault == nil && options.latencyMs == 0 { a.snapshot = ReadView(store: s.store, health: s.health) }
            return a
        }
        if let refusal = admission.refusal { return refusal }
        let fault = admission.fault
        let rl = admission.rateHeaders
        // Both terms are range-checked (at most 600,000 each), so the sum cannot overflow.
        let waitMs = options.latencyMs + (fault?.action == .drip ? 0 : fault?.delayMs ?? 0)
        if waitMs > 0 { SystemClock.sleep(Double(waitMs) / 1000) }
        guard let f = fault else { return serve(r, who: who, rateHeaders: rl, snapshot: admission.snapshot) }
        let resp = f.cannedAnswer(to: r, rateHeaders: rl, now: clock(), dialect: options.dialect)
            ?? f.alter(serve(r, who: who, rateHeaders: rl, snapshot: nil), dialect: options.dialect)
        // An injected 429 is a 429 served too, for clients that count them.
        if resp.status == 429 { state.withLock { $0.stats.rateLimited += 1 } }
        return resp
    }

    /// Checks the token and answers the request. Reads (GET, HEAD) run on a snapshot of
    /// the store taken under the lock (the store is a value; copying it is O(1)), so
    /// pages are filtered, sorted and written out in parallel; changes run under the lock.
    func serve(_ r: SimRequest, who: Principal?, rateHeaders rl: [(String, String)], snapshot: ReadView?) -> SimResponse {
        do {
            guard let token = TokenTable.bearer(r), !token.isEmpty else {
                throw APIFailure(401, "AUTHENTICATION_REQUIRED", "Authentication is required: send Authorization: Bearer TOKEN.")
            }
            guard let who else { throw APIFailure(401, "INVALID_TOKEN", "The token is invalid or expired.") }
            if Target.isAdmin(r.path) && !who.admin {
                throw APIFailure(403, "INSUFFICIENT_PERMISSIONS", "This endpoint requires an administrator token.")
            }
            let target = try Target.resolve(r.path)
            var resp: SimResponse
            if r.method == "GET" || r.method == "HEAD" {
                let view = snapshot ?? state.withLock { s in
                    settle(&s, now: clock())
                    return ReadView(store: s.store, health: s.health)
                }
                resp = try read(r, target, store: view.store, health: view.health)
            } else {
                resp = try state.withLock { s in
                    settle(&s, now: clock())
                    return try options.asyncMs > 0 ? accept(r, target, &s) : change(r, target, &s.store)
                }
            }
            resp.headers += rl + [("X-Request-ID", APIFailure.requestID(r))]
            return resp
        } catch let f as APIFailure {
            return f.response(to: r, now: clock(), extra: rl, dialect: options.dialect)
        } catch {
            return APIFailure(500, "SERVER_ERROR", "Internal error.").response(to: r, now: clock(), extra: rl, dialect: options.dialect)
        }
    }
}
