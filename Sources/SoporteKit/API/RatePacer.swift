import Synchronization
import SoporteSystem

/// Paces requests from `X-RateLimit-Limit`, `-Remaining` and `-Reset` so that walks and
/// bulk work slow down before the budget runs out instead of provoking 429s (docs/CONTRACT.md §10.5).
///
/// A request goes at once while the budget last reported, less the requests in flight,
/// leaves one to spend. When it does not, the wait depends on how the server refills:
/// - a fixed window (Reset stays put while Remaining falls) refills all at once at Reset:
///   wait until then, never longer;
/// - a token bucket (Reset moves later with every request: it is the time the bucket is
///   full again) refills continuously at Limit per minute: one slot per 60/Limit seconds.
/// Until the kind is known the pacer assumes a window, which never provokes a 429.
/// A pure state machine: the clock comes in as arguments; `RatePacer` adds the lock.
public struct PacingState: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case unknown, window, bucket }

    public private(set) var kind: Kind = .unknown
    public private(set) var limit: Int?
    /// The lowest Remaining seen for the current Reset (answers may arrive out of order).
    public private(set) var remaining: Int?
    public private(set) var reset: Double?
    public private(set) var inFlight = 0
    /// When `remaining` was last reported (a bucket refills from then on).
    private var observedAt: Double = 0
    /// No limit information yet, only a Remaining: one request per this many seconds.
    private var nextSlot: Double = 0
    /// The server sends no Reset (Laravel's throttle sends it on the 429 alone): the
    /// window is the overview's minute from the first request seen, and `reset` is that
    /// minute's end, made here.
    public private(set) var resetAssumed = false
    /// When the current assumed window began (the first request sent in it).
    private var windowStart: Double?
    /// After an assumed window ended: one request alone, to learn the new budget.
    private var probing = false
    /// An answer has been seen (with rate-limit headers or without).
    private var answered = false
    /// Requests that ended (answered or abandoned): what a `.waitForAnswer` waits on.
    public private(set) var ended = 0
    /// A wait cut short by `maxWait` ends here, and then one request goes whatever the
    /// estimate says (pacing is advice; the server's answer decides).
    private var forcedAt: Double?

    /// A bucket's slots are this much wider than its refill interval, so that rounding on
    /// the server's side never tips a request over.
    public static let margin = 1.05
    /// Past the reset, a little more, so that our clock being a hair early does not matter.
    public static let resetSlack = 0.05

    public init() {}

    public enum Decision: Equatable, Sendable {
        case go
        case wait(Double)
        /// One request alone learns the budget: wait until one in flight ends.
        case waitForAnswer
    }

    /// The overview's limits are per minute.
    public static let assumedWindow = 60.0

    /// What to do about one more request at `now`. `.go` counts it as in flight; after a
    /// `.wait`, call again when the wait is over. A wait longer than `maxWait` is never
    /// asked for: pacing waits at most one request's refill time (60 / Limit s) and then
    /// lets one request go, so the estimate alone never fails a run (docs/CONTRACT.md §13.1).
    public mutating func next(now: Double, maxWait: Double = .infinity) -> Decision {
        if let f = forcedAt, now >= f - 0.001 {
            forcedAt = nil
            return go(now)
        }
        let d = estimate(now: now)
        // The slack added past a reset is ours, not the server's ask: not cut for it.
        guard case .wait(let w) = d, w > maxWait + PacingState.resetSlack else { return d }
        let cut = max(0.001, min(60.0 / Double(max(1, limit ?? 60)), maxWait))
        forcedAt = now + cut
        return .wait(cut)
    }

    private mutating func go(_ now: Double) -> Decision {
        inFlight += 1
        if windowStart == nil { windowStart = now }
        return .go
    }

    private mutating func estimate(now: Double) -> Decision {
        if resetAssumed, let r = reset, now >= r + PacingState.resetSlack {
            // The assumed minute is over: once the requests of the old one are answered,
            // one request alone learns what the new window holds.
            guard inFlight == 0 else { return .waitForAnswer }
            remaining = nil
            reset = nil
            windowStart = nil
            probing = true
            return go(now)
        }
        guard let rem = remaining else {
            // Until an answer has told the budget (or that there is none), one request
            // alone: a run that starts on a bucket another run drained must not send four.
            if probing || !answered { return inFlight == 0 ? go(now) : .waitForAnswer }
            return go(now)
        }
        // A window whose reset has passed starts afresh with the whole limit.
        if kind != .bucket, let r = reset, now >= r + PacingState.resetSlack {
            remaining = max(rem, limit ?? rem)
            reset = nil
        }
        // A bucket keeps one token in hand: answers that arrive out of order can make its
        // Remaining look a little higher than it is.
        let reserve = kind == .bucket ? 1 : 0
        let left = (remaining ?? rem) - inFlight - reserve
        if left >= 1 { return go(now) }
        switch kind {
        case .bucket:
            // Tokens now: what was reported plus the refill since, at a rate a little
            // under Limit per minute.
            let rate = Double(max(1, limit ?? 60)) / 60 / PacingState.margin
            let need = Double(inFlight + 1 + reserve) - Double(remaining ?? 0) - (now - observedAt) * rate
            if need <= 0 { return go(now) }
            return .wait(max(0.001, need / rate))
        case .window, .unknown:
            guard let r = reset else {
                // No reset told: one request per refill interval, as a bucket allows.
                let interval = 60.0 / Double(max(1, limit ?? 60)) * PacingState.margin
                if now >= nextSlot { nextSlot = now + interval; return go(now) }
                return .wait(nextSlot - now)
            }
            return .wait(max(0.001, r + PacingState.resetSlack - now))
        }
    }

    /// Records an answer's headers at `now`; ends one request in flight.
    public mutating func observe(limit l: Int?, remaining r: Int?, reset z: Double?, now: Double) {
        inFlight = max(0, inFlight - 1)
        ended += 1
        answered = true
        if let l { limit = l }
        guard let r else { return }
        guard let z else {
            // No Reset: the window is the minute from the first request seen; within it
            // the budget only falls (answers may arrive out of order).
            probing = false
            if resetAssumed, reset != nil, let old = remaining { remaining = min(old, r) } else { remaining = r }
            if !resetAssumed || reset == nil {
                reset = (windowStart ?? now) + PacingState.assumedWindow
                resetAssumed = true
            }
            observedAt = now
            return
        }
        if resetAssumed {
            // The server told a Reset after all (a 429 does): believe it from now on.
            resetAssumed = false
            probing = false
            remaining = r
            reset = z
            observedAt = now
            return
        }
        if kind == .bucket, let rem = remaining {
            // An answer may arrive after a newer one and tell a higher Remaining: never
            // believe more than the last estimate's refill since, less this request.
            let rate = Double(max(1, limit ?? 60)) / 60
            let projected = Double(rem) + (now - observedAt) * rate - 1
            remaining = max(0, min(r, Int(projected.rounded(.up))))
            reset = max(reset ?? z, z)
            observedAt = now
            return
        }
        if let oldReset = reset, let oldRem = remaining {
            if z == oldReset {
                remaining = min(oldRem, r)
                observedAt = now
                return
            }
            if z < oldReset {
                // Either a late answer from a window that has passed, or a bucket that
                // filled up while we were quiet (its reset is still ahead).
                if z <= now { return }
                if kind == .unknown { kind = .bucket }
            } else if r <= oldRem {
                // Reset moved later while the budget fell: a bucket's "full again" time.
                if kind == .unknown && z - oldReset < 120 { kind = .bucket }
            } else if kind == .unknown {
                // The budget came back whole at a later reset: a window rolled over.
                kind = .window
            }
        }
        remaining = r
        reset = z
        observedAt = now
    }

    /// A request that got no answer still ends.
    public mutating func abandon() {
        inFlight = max(0, inFlight - 1)
        ended += 1
    }
}

/// `PacingState` behind a lock, shared by the threads of one walk or bulk run.
public final class RatePacer: Sendable {
    private let state = Gate(PacingState())

    public init() {}

    /// The decision for one more request. `.waitForAnswer` is waited out here, blocked
    /// until a request in flight ends (no polling), unless `block` is false (a simulation
    /// that moves its own time); then the caller asks again.
    public func next(now: Double, maxWait: Double = .infinity, block: Bool = true) -> PacingState.Decision {
        let (d, ended) = state.withLockQuietly { s in (s.next(now: now, maxWait: maxWait), s.ended) }
        guard d == .waitForAnswer, block else { return d }
        state.wait { s in s.ended > ended ? () : nil }
        return .wait(0)
    }

    public func observe(limit: String?, remaining: String?, reset: String?, now: Double) {
        let l = limit.flatMap { Int($0.trimmingWhitespace()) }.flatMap { $0 > 0 ? $0 : nil }
        let r = remaining.flatMap { Int($0.trimmingWhitespace()) }.map { max(0, $0) }
        let z = reset.flatMap { Double($0.trimmingWhitespace()) }.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        state.withLock { $0.observe(limit: l, remaining: r, reset: z, now: now) }
    }

    public func abandon() { state.withLock { $0.abandon() } }

    public var snapshot: PacingState { state.withLockQuietly { $0 } }
}
