#if canImport(Glibc)
import Glibc
#endif

/// Threads and the one waiting primitive the kits need. libcurl blocks in
/// its calls, so pages and bulk requests get threads of their own rather than tasks:
/// the concurrency runtime costs start-up time (measured in bench/RESULTS.md), and
/// Dispatch's pool on Linux kept only two of four pages in flight here.
public enum Threads {
    /// Runs `body` on a new detached thread; if no thread can be had, runs it here
    /// rather than lose the work. Only for bodies that may run on the calling thread
    /// (that do not wait for the caller).
    public static func start(stackSize: Int? = nil, _ body: sending @escaping () -> Void) {
        let body = ThreadBody(body)
        if spawn(stackSize: stackSize, body) != nil { body.body() }
    }

    /// Runs `body` on a new detached thread, or says why no thread could be had (and
    /// `body` is not run): for callers whose body must never run on the calling thread
    /// (a loop that never returns, a worker the caller waits for).
    @discardableResult
    public static func tryStart(stackSize: Int? = nil, _ body: sending @escaping () -> Void) -> ThreadError? {
        spawn(stackSize: stackSize, ThreadBody(body))
    }

    /// The new thread blocks the signals the main thread handles
    /// (`Pthread.mainThreadSignals`), from its first instruction: the mask is blocked
    /// here around pthread_create, which the thread inherits, and put back after. So
    /// SIGINT and SIGTERM run their handler on the main thread, the one that writes
    /// `SignalNote` (see there why that matters).
    private static func spawn(stackSize: Int?, _ body: ThreadBody) -> ThreadError? {
        let box = Unmanaged.passRetained(body).toOpaque()
        var attr = pthread_attr_t()
        Pthread.check(pthread_attr_init(&attr), "pthread_attr_init")
        defer { Pthread.check(pthread_attr_destroy(&attr), "pthread_attr_destroy") }
        Pthread.check(pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED)), "pthread_attr_setdetachstate")
        // EINVAL only for a size under PTHREAD_STACK_MIN: a caller's mistake.
        if let s = stackSize { Pthread.check(pthread_attr_setstacksize(&attr, s), "pthread_attr_setstacksize") }
        var tid = pthread_t()
        let rc = Pthread.withMainThreadSignalsBlocked {
            pthread_create(&tid, &attr, { p in
                // pthread_create hands back the pointer given below, never nil.
                Unmanaged<ThreadBody>.fromOpaque(p!).takeRetainedValue().body()
                return nil
            }, box)
        }
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            // EAGAIN (no memory for a stack, a thread limit) is a state of the machine;
            // EINVAL or EPERM would be ours, but are reported the same way: the work is
            // not lost and the caller says what happened.
            return ThreadError(code: rc)
        }
        return nil
    }
}

/// No thread could be started: errno's text, for the caller to act on or report.
public struct ThreadError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public init(code: Int32) { self.code = code }
    public var description: String { "cannot start a thread: \(Posix.errorText(code))" }
}

/// Carries a thread's body across pthread_create. The body was `sending`, so nothing
/// else holds what it captured.
final class ThreadBody {
    let body: () -> Void
    init(_ b: @escaping () -> Void) { body = b }
}

/// State guarded by a mutex, that threads can wait on until it is as they need: a
/// pthread mutex (through `Pthread`, which checks every call), as `Synchronization.Mutex`
/// has no condition wait.
///
/// Each waiter sleeps on a semaphore of its own. Whoever changes the state (`withLock`,
/// or a `wait` whose condition changed it) runs the waiting conditions itself, under
/// the lock, oldest waiter first, and wakes only the waiters whose condition now holds:
/// a page handed over wakes the one thread it is for, not every thread of the walk to
/// look and sleep again (that was most of a walk's futex calls and context switches).
/// A condition run for its waiter does exactly what the waiter would have done had it
/// woken, taken the lock and looked, so the semantics are those of one condition
/// variable with a broadcast after every change. The waiters are woken after the lock
/// is let go, and do not take it again (their condition's result is in hand): none
/// wakes only to wait for the lock.
///
/// `@unchecked Sendable` is sound because `state` and `waiters` are only reached with
/// `mutex` held; a waiter's condition runs only with `mutex` held and only while its
/// thread is blocked in `wait`, and the thread that runs it and finds it held takes the
/// waiter out of `waiters` before it lets go of the lock and posts the waiter's
/// semaphore, which is what `wait` returns after; the pthread objects live in heap
/// memory of their own that never moves, and are destroyed only in `deinit` (a gate's)
/// or when both the waiting thread and the thread that posts it let go (a semaphore).
public final class Gate<State>: @unchecked Sendable {
    private let mutex = Pthread.makeMutex()
    private var state: State
    private var waiters: [Waiter] = []

    /// One thread blocked in `wait`: its condition, run by whoever changes the state.
    private final class Waiter {
        let wake = Wake()
        let ready: (inout State) -> Bool

        init(_ ready: @escaping (inout State) -> Bool) {
            self.ready = ready
        }
    }

    /// A waiter's semaphore, an object of its own: the thread that wakes a waiter holds it
    /// (not the waiter, whose condition must not outlive `wait`) until it has posted it.
    /// A semaphore rather than a condition variable: the woken thread need not take the
    /// gate's lock again (which made every wake-up a futex call more).
    private final class Wake {
        let sem = Pthread.makeSemaphore()
        deinit { Pthread.freeSemaphore(sem) }
        func wait() { Pthread.wait(sem) }
        func post() { Pthread.post(sem) }
    }

    public init(_ initial: State) {
        state = initial
    }

    deinit { Pthread.freeMutex(mutex) }

    /// Changes or reads the state; the waiters it made ready are woken afterwards.
    @discardableResult
    public func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        Pthread.lock(mutex)
        var ready: [Wake] = []
        defer {
            ready = readyWaiters()
            Pthread.unlock(mutex)
            Gate.signal(ready)
        }
        return try body(&state)
    }

    /// Changes or reads the state without looking at the waiters: for what no waiter
    /// waits for.
    @discardableResult
    public func withLockQuietly<R>(_ body: (inout State) throws -> R) rethrows -> R {
        Pthread.lock(mutex)
        defer { Pthread.unlock(mutex) }
        return try body(&state)
    }

    /// Waits until `ready` returns a value, then returns it (`ready` runs under the lock,
    /// so it may also change the state; other waiters then look again).
    public func wait<R>(until ready: (inout State) -> R?) -> R {
        Pthread.lock(mutex)
        if let r = ready(&state) {
            let others = readyWaiters()
            Pthread.unlock(mutex)
            Gate.signal(others)
            return r
        }
        var result: R?
        // The condition outlives this call only in `waiters`, which it leaves (under the
        // lock, as `result` is set) before its semaphore is posted.
        return withoutActuallyEscaping(ready) { ready in
            let me = Waiter { s in
                guard let r = ready(&s) else { return false }
                result = r
                return true
            }
            waiters.append(me)
            Pthread.unlock(mutex)
            // Woken once, by the thread that ran the condition and found it held: the
            // result is in hand, so the lock is not taken again. The post comes after
            // that thread let go of the lock, and orders what it wrote before this.
            me.wake.wait()
            return result!
        }
    }

    /// Runs the waiting conditions, oldest first, taking out each waiter whose condition
    /// holds; again while one of them changed something (it may
    /// have made another ready). Called with the lock held; the caller signals them once
    /// it has let go of the lock (`signal`): a waiter woken under it would only wake to
    /// wait for the lock (a futex wait and a wake more, each hand-over).
    private func readyWaiters() -> [Wake] {
        var ready: [Wake] = []
        var woke = true
        while woke && !waiters.isEmpty {
            woke = false
            var k = 0
            while k < waiters.count {
                let w = waiters[k]
                if w.ready(&state) {
                    waiters.remove(at: k)
                    ready.append(w.wake)
                    woke = true
                } else {
                    k += 1
                }
            }
        }
        return ready
    }

    /// Wakes the waiters taken out, after the lock was let go. The references held here
    /// keep each semaphore alive until it is posted.
    private static func signal(_ ready: [Wake]) {
        for w in ready { w.post() }
    }
}
