#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import XCTest
@testable import SoporteKit
import SoporteSystem

/// Threads we start: the signals they block, what a thread that cannot be had becomes,
/// and signal handlers sent on to the main thread.
final class ThreadsTests: XCTestCase {
    static func blocked(_ signal: Int32) -> Bool {
        var mask = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &mask)
        return sigismember(&mask, signal) == 1
    }

    func testStartedThreadsBlockTheSignalsTheMainThreadHandlesAndTheCallerKeepsItsMask() {
        let before = Pthread.mainThreadSignals.map(ThreadsTests.blocked)
        let seen = Gate([Bool]?.none)
        XCTAssertNil(Threads.tryStart {
            let mask = Pthread.mainThreadSignals.map(ThreadsTests.blocked)
            seen.withLock { $0 = mask }
        })
        XCTAssertEqual(seen.wait { $0 }, [true, true, true, true], "SIGINT, SIGTERM, SIGPIPE, SIGXFSZ")
        XCTAssertEqual(Pthread.mainThreadSignals.map(ThreadsTests.blocked), before)
        XCTAssertEqual(before, [false, false, false, false])
    }

    /// No stack of a petabyte can be mapped: pthread_create fails with EAGAIN, which comes
    /// back as an error with its text, and the body is not run.
    func testAThreadThatCannotBeHadIsAnErrorAndItsBodyDoesNotRun() {
        let ran = Gate(false)
        let e = Threads.tryStart(stackSize: 1 << 50) { ran.withLock { $0 = true } }
        XCTAssertEqual(e?.code, EAGAIN)
        XCTAssertEqual(e?.description, "cannot start a thread: \(Posix.errorText(EAGAIN))")
        SystemClock.sleep(0.05)
        XCTAssertFalse(ran.withLock { $0 })
    }

    /// With no thread to be had the jobs run in `next`, one after another, in order; the
    /// walk is slower, not hung (a worker run in `init` would wait there for a consumer
    /// that has not started).
    func testOrderedWorkersWithoutThreadsRunEachJobInNext() {
        // The consumer runs on a thread of its own, so that a hang fails the test in 10 s.
        let got = Gate([Int?]?.none)
        Threads.start {
            let w = OrderedWorkers<Int>(count: 5, width: 3, window: 2, stackSize: 1 << 50) { $0 * 10 }
            var results = w.startFailure?.code == EAGAIN ? (0..<6).map { _ in w.next() } : []
            // Cancelled after one: nothing more comes.
            let cancelled = OrderedWorkers<Int>(count: 5, width: 3, window: 2, stackSize: 1 << 50) { $0 }
            results.append(cancelled.next())
            cancelled.cancel()
            results.append(cancelled.next())
            got.withLock { $0 = results }
        }
        let deadline = SystemClock.monotonic() + 10
        while got.withLock({ $0 }) == nil && SystemClock.monotonic() < deadline { SystemClock.sleep(0.005) }
        XCTAssertEqual(got.withLock { $0 }, [0, 10, 20, 30, 40, nil, 0, nil], "nil: next() waited for workers that never started")
    }

    enum Handled {
        static let on = Atomic<UInt>(0)
    }

    /// A handler that runs on another thread sends the signal on to the main thread and
    /// does nothing else; the main thread's handler then runs (here it interrupts the
    /// main thread's wait on a gate, which goes on waiting).
    func testAHandlerOnAnotherThreadSendsTheSignalToTheMainThread() {
        SignalNote.recordMainThread()
        let main = UInt(pthread_self())
        Handled.on.store(0, ordering: .relaxed)
        signal(SIGUSR2) { sig in
            if SignalNote.redirectToMainThread(sig) { return }
            Handled.on.store(UInt(pthread_self()), ordering: .relaxed)
        }
        defer { signal(SIGUSR2, SIG_DFL) }
        let done = Gate(false)
        Threads.start {
            pthread_kill(pthread_self(), SIGUSR2)
            // The main thread's handler runs while it waits below; then let it go.
            let deadline = SystemClock.monotonic() + 10
            while Handled.on.load(ordering: .relaxed) == 0 && SystemClock.monotonic() < deadline { SystemClock.sleep(0.001) }
            done.withLock { $0 = true }
        }
        _ = done.wait { $0 ? true : nil }
        XCTAssertEqual(Handled.on.load(ordering: .relaxed), main)
    }

    /// In debug builds (these tests) a mutex reports its misuse: taken again by its
    /// holder (EDEADLK, where a plain mutex hangs until the timeout here), let go by a
    /// thread that does not hold it (EPERM).
    func testMutexesCheckTheirUseInDebugBuilds() {
        #if DEBUG
        let m = Pthread.makeMutex()
        defer { Pthread.freeMutex(m) }
        Pthread.lock(m)
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        deadline.tv_sec += 1
        XCTAssertEqual(pthread_mutex_timedlock(m, &deadline), EDEADLK)
        let other = Gate(Int32?.none)
        let address = UInt(bitPattern: m)  // a pointer is not Sendable; its address is
        Threads.start {
            let rc = pthread_mutex_unlock(UnsafeMutablePointer<pthread_mutex_t>(bitPattern: address)!)  // the address of `m`, not 0
            other.withLock { $0 = rc }
        }
        XCTAssertEqual(other.wait { $0 }, EPERM)
        Pthread.unlock(m)
        #endif
    }
}
