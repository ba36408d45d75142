#if canImport(Glibc)
import Glibc
#endif

/// Threads and the one condition-variable primitive the kits need. libcurl blocks in
/// its calls, so pages and bulk requests get threads of their own rather than tasks:
/// the concurrency runtime costs start-up time (measured in bench/RESULTS.md), and
/// Dispatch's pool on Linux kept only two of four pages in flight here.
public enum Threads {
    /// Runs `body` on a new detached thread; if no thread can be had, runs it here
    /// rather than lose the work.
    public static func start(stackSize: Int? = nil, _ body: sending @escaping () -> Void) {
        let body = ThreadBody(body)
        if !spawn(stackSize: stackSize, body) { body.body() }
    }

    /// Runs `body` on a new detached thread; false (and `body` not run) when no thread
    /// can be had, for callers whose body must never run on the calling thread (a loop
    /// that never returns).
    public static func tryStart(stackSize: Int? = nil, _ body: sending @escaping () -> Void) -> Bool {
        spawn(stackSize: stackSize, ThreadBody(body))
    }

    private static func spawn(stackSize: Int?, _ body: ThreadBody) -> Bool {
        let box = Unmanaged.passRetained(body).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        if let s = stackSize { pthread_attr_setstacksize(&attr, s) }
        var tid = pthread_t()
        let rc = pthread_create(&tid, &attr, { p in
            // pthread_create hands back the pointer given below, never nil.
            Unmanaged<ThreadBody>.fromOpaque(p!).takeRetainedValue().body()
            return nil
        }, box)
        pthread_attr_destroy(&attr)
        if rc != 0 { Unmanaged<ThreadBody>.fromOpaque(box).release() }
        return rc == 0
    }
}

/// Carries a thread's body across pthread_create. The body was `sending`, so nothing
/// else holds what it captured.
final class ThreadBody {
    let body: () -> Void
    init(_ b: @escaping () -> Void) { body = b }
}

/// State guarded by a mutex, with a condition to wait on for it to change: the one
/// place that uses pthread directly (`Synchronization.Mutex` has no condition wait).
///
/// `@unchecked Sendable` is sound because `state` is only reached inside `withLock`
/// and `wait(until:)`, both of which hold `mutex`; the pthread objects live in heap
/// memory of their own that never moves, and are destroyed in `deinit` only.
public final class Gate<State>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    public init(_ initial: State) {
        state = initial
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    /// Changes or reads the state; waiters are woken afterwards.
    @discardableResult
    public func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(cond)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Changes or reads the state without waking waiters: for what no waiter waits for
    /// (each broadcast wakes every waiter to look again).
    @discardableResult
    public func withLockQuietly<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Waits until `ready` returns a value, then returns it (still under the lock, so
    /// `ready` may also change the state).
    public func wait<R>(until ready: (inout State) -> R?) -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(cond)
            pthread_mutex_unlock(mutex)
        }
        while true {
            if let r = ready(&state) { return r }
            pthread_cond_wait(cond, mutex)
        }
    }
}
