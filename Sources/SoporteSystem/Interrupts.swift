#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// SIGINT and SIGTERM handed to the main thread, for a command that holds output it
/// must print before it stops (a `-o table` walk holds its rows to size the columns,
/// docs/CONTRACT.md §13.4). A signal handler may not format a table, so while `deferred` runs:
///   - the handler (`deferSignal`) only stores the signal in an atomic and writes a byte
///     to a pipe (both async-signal-safe) and returns;
///   - a watcher thread reads that byte and calls the command's `wake` (which makes the
///     main thread's wait for the next page return), and the command, seeing `pending`,
///     stops as it does on an error: it prints what it holds and says where it stopped;
///   - if the command does not take the signal up within `grace` seconds (it is stuck in
///     a request of its own), or a second signal comes, the signal ends the process as
///     it always does (SignalNote and exit 128+N), so Ctrl-C stays prompt.
/// Outside `deferred`, `deferSignal` returns false and nothing changes.
public enum Interrupts {
    /// How many `deferred` calls are running.
    static let deferring = Atomic<Int>(0)
    /// The signal received while deferring; 0 for none. Set once.
    static let received = Atomic<Int32>(0)
    /// The command has seen the signal and is stopping (the watcher's countdown ends).
    static let acknowledged = Atomic<Bool>(false)
    /// The pipe's write end, for the handler; -1 until the watcher runs.
    static let wakeFD = Atomic<Int32>(-1)
    static let setUp = Mutex<Bool>(false)
    static let waker = Mutex<(@Sendable () -> Void)?>(nil)
    public static let grace = 2.0

    /// Touches the statics, so that their one-time initialisation never happens inside a
    /// signal handler. Called once at start, before handlers are installed.
    public static func prepare() {
        _ = deferring.load(ordering: .relaxed)
        _ = received.load(ordering: .relaxed)
        _ = acknowledged.load(ordering: .relaxed)
        _ = wakeFD.load(ordering: .relaxed)
    }

    /// Called first by the SIGINT/SIGTERM handler. True: the signal was handed to the main
    /// thread and the handler must return. Async-signal-safe (atomics and write(2)).
    public static func deferSignal(_ signal: Int32) -> Bool {
        // Without the pipe (it could not be made) nobody would wake the main thread.
        let fd = wakeFD.load(ordering: .acquiring)
        guard fd >= 0, deferring.load(ordering: .acquiring) > 0 else { return false }
        // The second signal (or one after the first was taken up) ends the process.
        guard received.compareExchange(expected: 0, desired: signal, ordering: .acquiringAndReleasing).exchanged else { return false }
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
        return true
    }

    /// The signal to stop for, if one came while deferring; reading it takes it up.
    public static var pending: Int32? {
        let s = received.load(ordering: .acquiring)
        guard s != 0 else { return nil }
        acknowledged.store(true, ordering: .releasing)
        return s
    }

    /// Runs `body` with SIGINT and SIGTERM handed to this thread: `wake` is called (on
    /// another thread) when one comes, and `body` checks `pending` where it can stop.
    public static func deferred<R>(wake: @escaping @Sendable () -> Void, _ body: () throws -> R) rethrows -> R {
        startWatcher()
        waker.withLock { $0 = wake }
        deferring.add(1, ordering: .releasing)
        defer {
            deferring.subtract(1, ordering: .releasing)
            waker.withLock { $0 = nil }
        }
        return try body()
    }

    /// The pipe and the thread that reads it, once per process.
    static func startWatcher() {
        setUp.withLock { started in
            guard !started else { return }
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { return }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            let readFD = fds[0]
            // Never on this thread (`Threads.start` would run it here when no thread can
            // be had: the watcher never returns). Without it there is no pipe, and the
            // signals end the run as they always do.
            guard Threads.tryStart({ watch(readFD) }) == nil else {
                close(fds[0])
                close(fds[1])
                return
            }
            started = true
            wakeFD.store(fds[1], ordering: .releasing)
        }
    }

    private static func watch(_ fd: Int32) {
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            let sig = received.load(ordering: .acquiring)
            guard sig != 0 else { continue }
            waker.withLock { $0 }?()
            // Taken up within the grace time, or the signal does what it always does.
            var waited = 0.0
            while waited < grace && !acknowledged.load(ordering: .acquiring) {
                usleep(20_000)
                waited += 0.02
            }
            if !acknowledged.load(ordering: .acquiring) {
                deferring.store(0, ordering: .releasing)
                kill(getpid(), sig)
            }
            return
        }
    }
}

extension Interrupts {
    /// SIGTERM (a service manager's stop) rather than Ctrl-C: exit 143, not 130.
    public static func isTermination(_ signal: Int32) -> Bool { signal == SIGTERM }

    /// `interrupted (SIGINT)`, `stopped by SIGTERM`.
    public static func describe(_ signal: Int32) -> String {
        signal == SIGTERM ? "stopped by SIGTERM" : "interrupted (SIGINT)"
    }
}
