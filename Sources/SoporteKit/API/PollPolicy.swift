/// When to look again while waiting for an effect (docs/CONTRACT.md §13.5): the first look at once,
/// then after 1 s, and each wait twice the one before up to 10 s, never past the end of
/// `--wait-timeout`; one last look is taken when the time is up. It holds no clock and
/// sends nothing: the caller says what time it is (monotonic seconds) and does what it
/// decides, so tests drive it with a fake clock.
public struct PollPolicy: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        /// Look again after this many seconds.
        case wait(Double)
        /// The time is up: the state was not reached.
        case expired
    }

    public let timeout: Double
    public let startedAt: Double
    public var firstDelay = 1.0
    public var maxDelay = 10.0
    /// The wait after the next look.
    private var delay: Double
    private var lastLookDone = false

    public init(timeout: Double, startedAt: Double) {
        self.timeout = timeout
        self.startedAt = startedAt
        delay = firstDelay
    }

    /// Called after a look that did not find the state, at `now`.
    public mutating func next(now: Double) -> Decision {
        let left = startedAt + timeout - now
        guard left > 0, !lastLookDone else { return .expired }
        let d = min(delay, left)
        if d == left { lastLookDone = true }
        delay = min(maxDelay, delay * 2)
        return .wait(d)
    }

    /// Seconds since the wait began.
    public func elapsed(now: Double) -> Double { now - startedAt }
}
