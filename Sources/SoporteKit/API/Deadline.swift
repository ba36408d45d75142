/// The time the whole command has (`--deadline`, docs/CONTRACT.md §13.2), retries and waits
/// included: a point on the monotonic clock, fixed when the command starts. A pure value.
public struct Deadline: Sendable, Equatable {
    public let length: TimeSpan
    /// Monotonic seconds at which it passes.
    public let at: Double

    public init(_ length: TimeSpan, startedAt: Double) {
        self.length = length
        at = startedAt + length.seconds
    }

    public func remaining(now: Double) -> Double { at - now }

    public func passed(now: Double) -> Bool { now >= at }

    /// Whether a wait of `d` seconds from `now` would end past it.
    public func cuts(wait d: Double, now: Double) -> Bool { now + d >= at }

    /// The error when it passes (exit 9, a network-like failure to monitors).
    public func error(during what: String, attempt: Int, waiting: Double? = nil) -> SoporteError {
        let doing = waiting.map { "while waiting \(APIClient.seconds($0)) to send \(what)" } ?? "during \(what)"
        return SoporteError(.network, "deadline of \(length) passed \(doing) (attempt \(attempt))")
    }
}
