#if canImport(Glibc)
import Glibc
#endif

/// The pthread and semaphore calls the kits make, each with its result checked, in one
/// place. A call that can only fail through a programmer error (a lock not held, an
/// object not initialised, an option out of range) stops the program with the call's
/// name and errno's text, as swift-nio's `NIOLock` does: going on past it would be
/// going on with a broken lock. A failure the program must survive (no thread to be
/// had) is returned to the caller instead (`Threads.tryStart`).
///
/// In debug builds mutexes are PTHREAD_MUTEX_ERRORCHECK: a thread that takes a lock
/// it holds, or lets go of one it does not hold, gets EDEADLK or EPERM, and the
/// check below stops it there, rather than hanging or corrupting the lock later.
public enum Pthread {
    /// Stops the program if `rc` (a pthread result, or -1 with errno for `sem_*`) says
    /// the call failed.
    @inline(__always)
    static func check(_ rc: Int32, _ call: StaticString, file: StaticString = #fileID, line: UInt = #line) {
        precondition(rc == 0, "\(call): \(Posix.errorText(rc == -1 ? errno : rc))", file: file, line: line)
    }

    // MARK: - Mutexes

    /// A mutex in memory that never moves, error-checking in debug builds.
    public static func makeMutex() -> UnsafeMutablePointer<pthread_mutex_t> {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        var attr = pthread_mutexattr_t()
        check(pthread_mutexattr_init(&attr), "pthread_mutexattr_init")
        #if DEBUG
        check(pthread_mutexattr_settype(&attr, Int32(PTHREAD_MUTEX_ERRORCHECK)), "pthread_mutexattr_settype")
        #endif
        check(pthread_mutex_init(m, &attr), "pthread_mutex_init")
        check(pthread_mutexattr_destroy(&attr), "pthread_mutexattr_destroy")
        return m
    }

    public static func lock(_ m: UnsafeMutablePointer<pthread_mutex_t>) { check(pthread_mutex_lock(m), "pthread_mutex_lock") }
    public static func unlock(_ m: UnsafeMutablePointer<pthread_mutex_t>) { check(pthread_mutex_unlock(m), "pthread_mutex_unlock") }

    public static func freeMutex(_ m: UnsafeMutablePointer<pthread_mutex_t>) {
        check(pthread_mutex_destroy(m), "pthread_mutex_destroy")
        m.deallocate()
    }

    // MARK: - Condition variables

    public static func makeCondition() -> UnsafeMutablePointer<pthread_cond_t> {
        let c = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        check(pthread_cond_init(c, nil), "pthread_cond_init")
        return c
    }

    public static func wait(_ c: UnsafeMutablePointer<pthread_cond_t>, _ m: UnsafeMutablePointer<pthread_mutex_t>) {
        check(pthread_cond_wait(c, m), "pthread_cond_wait")
    }

    public static func signal(_ c: UnsafeMutablePointer<pthread_cond_t>) { check(pthread_cond_signal(c), "pthread_cond_signal") }

    // MARK: - Semaphores

    /// An unnamed semaphore shared by the threads of this process, at `value`.
    public static func makeSemaphore(_ value: UInt32 = 0) -> UnsafeMutablePointer<sem_t> {
        let s = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        check(sem_init(s, 0, value), "sem_init")
        return s
    }

    /// Waits until the semaphore can be taken; a signal handler that ran meanwhile
    /// (EINTR) is not a wake-up.
    public static func wait(_ s: UnsafeMutablePointer<sem_t>) {
        while sem_wait(s) != 0 {
            let e = errno
            guard e == EINTR else { check(e, "sem_wait"); return }
        }
    }

    /// EOVERFLOW (past SEM_VALUE_MAX posts not taken) cannot happen: each semaphore here
    /// is posted once for one waiter.
    public static func post(_ s: UnsafeMutablePointer<sem_t>) { check(sem_post(s), "sem_post") }

    public static func freeSemaphore(_ s: UnsafeMutablePointer<sem_t>) {
        check(sem_destroy(s), "sem_destroy")
        s.deallocate()
    }

    // MARK: - Signals

    /// The signals soporte's main thread handles or ignores (SIGINT, SIGTERM: the resume
    /// note and the exit; SIGPIPE, SIGXFSZ: ignored, seen as EPIPE and EFBIG). Threads
    /// we start block them, so the kernel delivers them to the main thread.
    public static let mainThreadSignals: [Int32] = [SIGINT, SIGTERM, SIGPIPE, SIGXFSZ]

    /// Runs `body` with `mainThreadSignals` blocked on this thread, then puts the mask
    /// back: a thread created inside inherits the blocked mask.
    static func withMainThreadSignalsBlocked<R>(_ body: () -> R) -> R {
        var blocked = sigset_t()
        var previous = sigset_t()
        check(sigemptyset(&blocked), "sigemptyset")
        for s in mainThreadSignals { check(sigaddset(&blocked, s), "sigaddset") }
        check(pthread_sigmask(SIG_BLOCK, &blocked, &previous), "pthread_sigmask")
        defer { check(pthread_sigmask(SIG_SETMASK, &previous, nil), "pthread_sigmask") }
        return body()
    }
}
