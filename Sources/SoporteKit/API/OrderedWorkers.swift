import SoporteSystem

/// Runs jobs 0..<count on `width` threads and hands their results back strictly in
/// index order, as soon as each next one is there. Job i starts only when fewer than
/// `window` results are waiting to be taken before it, so a slow consumer (or a slow
/// job) never lets the rest run far ahead. Used by page walks (window = twice the width:
/// pages stay in order, a worker seldom waits for the writer, and the walk's budget
/// bounds the bytes held) and bulk commands (results in input order).
public final class OrderedWorkers<Result: Sendable>: Sendable {
    private struct State {
        var results: [Int: Result] = [:]
        var nextToStart = 0
        var taken = 0
        var running = 0
        var cancelled = false
        /// Worker threads that could be started; 0 makes `next` run each job itself.
        var workers = 0
        var startFailure: ThreadError?
    }

    private let gate = Gate(State())
    public let count: Int
    public let window: Int
    private let job: @Sendable (Int) -> Result

    /// Why some worker could not be started, if one could not (the run goes on with
    /// the workers that did start, or with none: see `init`).
    public var startFailure: ThreadError? { gate.withLockQuietly { $0.startFailure } }

    /// Starts the workers at once. A worker that cannot get a thread is not run here:
    /// it would wait for results to be taken, in the caller that takes them. With fewer
    /// threads the jobs run on fewer; with none at all, `next` runs each job itself, one
    /// after another, so a machine out of threads gets a slower run and not a hang.
    /// `stackSize` is for tests (a size no thread can have).
    init(count: Int, width: Int, window: Int, stackSize: Int?, job: @escaping @Sendable (Int) -> Result) {
        self.count = count
        self.window = max(1, window)
        self.job = job
        var started = 0
        var failure: ThreadError?
        for _ in 0..<max(0, min(width, count)) {
            if let e = Threads.tryStart(stackSize: stackSize, { [self] in self.work() }) {
                failure = e
                break
            }
            started += 1
        }
        gate.withLockQuietly { s in
            s.workers = started
            s.startFailure = failure
        }
    }

    /// Starts the workers at once.
    public convenience init(count: Int, width: Int, window: Int, job: @escaping @Sendable (Int) -> Result) {
        self.init(count: count, width: width, window: window, stackSize: nil, job: job)
    }

    private func work() {
        while true {
            let index: Int? = gate.wait { s -> Int?? in
                if s.cancelled || s.nextToStart >= self.count { return .some(nil) }
                guard s.nextToStart < s.taken + self.window else { return nil }
                s.nextToStart += 1
                s.running += 1
                return .some(s.nextToStart - 1)
            }
            guard let i = index else { return }
            let r = job(i)
            gate.withLock { s in
                s.results[i] = r
                s.running -= 1
            }
        }
    }

    /// The next result in order; nil once all were taken (or after `cancel`).
    public func next() -> Result? {
        let mine = gate.withLockQuietly { s -> Int? in
            guard s.workers == 0, !s.cancelled, s.nextToStart < count else { return nil }
            s.nextToStart += 1
            return s.nextToStart - 1
        }
        if let i = mine {
            let r = job(i)
            gate.withLockQuietly { $0.results[i] = r }
        }
        return gate.wait { s -> Result?? in
            if s.taken >= self.count || (s.cancelled && s.results[s.taken] == nil) { return .some(nil) }
            guard let r = s.results.removeValue(forKey: s.taken) else { return nil }
            s.taken += 1
            return .some(r)
        }
    }

    /// Starts no more jobs; `next` returns nil once the results in hand are taken.
    public func cancel() {
        gate.withLock { $0.cancelled = true }
    }

    /// Jobs running now (for tests that check how many are in flight).
    public var running: Int { gate.withLock { $0.running } }
}
