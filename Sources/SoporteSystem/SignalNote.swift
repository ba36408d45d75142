#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Text to write to stderr if a signal ends the process (a walk's resume command).
/// It is prepared ahead in one of two fixed buffers and published with an atomic
/// store, so the signal handler only does an atomic load and write(2), both
/// async-signal-safe.
///
/// Why a reader never sees a buffer being rewritten: `set` writes the buffer that is
/// not published, then publishes it; the next `set` rewrites the other one, the one a
/// handler may have loaded just before. That is safe only because the handler and
/// `set` run on one thread, the main thread: a handler interrupts `set` (which does not
/// go on until the handler has ended, with `_exit`), never runs beside it. Three things
/// keep them on one thread: the walk, which calls `set`, runs on the thread that called
/// `Runner.run`, the main one; every thread we start blocks SIGINT and SIGTERM
/// (`Threads`), so the kernel delivers them to a thread that does not, the main one;
/// and a handler that runs on another thread all the same (one libcurl started for its
/// name look-ups, which inherits no mask from us) sends the signal on to the main
/// thread and returns (`redirectToMainThread`) without touching the note.
public enum SignalNote {
    static let capacity = 8192
    nonisolated(unsafe) static let buffers: [UnsafeMutablePointer<UInt8>] = [
        .allocate(capacity: capacity), .allocate(capacity: capacity),
    ]
    /// Which buffer is published (0 or 1), and its length; -1 when none.
    static let published = Atomic<Int>(-1)
    static let length0 = Atomic<Int>(0)
    static let length1 = Atomic<Int>(0)

    /// Publishes `bytes` (cut to 8 KiB). Called from one thread at a time (the walk's).
    public static func set(bytes: [UInt8]) {
        let current = published.load(ordering: .acquiring)
        let next = current == 0 ? 1 : 0
        let count = min(bytes.count, capacity)
        bytes.withUnsafeBufferPointer { src in
            if count > 0, let base = src.baseAddress { buffers[next].update(from: base, count: count) }
        }
        if next == 0 { length0.store(count, ordering: .releasing) } else { length1.store(count, ordering: .releasing) }
        published.store(next, ordering: .releasing)
    }

    /// The published bytes (for tests; not for the signal handler, which uses `write`).
    public static func text() -> [UInt8] {
        let which = published.load(ordering: .acquiring)
        guard which >= 0 else { return [] }
        let n = which == 0 ? length0.load(ordering: .acquiring) : length1.load(ordering: .acquiring)
        return Array(UnsafeBufferPointer(start: buffers[which], count: n))
    }

    public static func clear() { published.store(-1, ordering: .releasing) }

    /// The thread that calls `set` and whose handler writes the note (0 until recorded).
    static let mainThread = Atomic<UInt>(0)

    /// Records this thread as the main one; called at start, before the handlers are set.
    public static func recordMainThread() { mainThread.store(UInt(pthread_self()), ordering: .releasing) }

    /// For a signal handler: true when it runs on a thread other than the main one, and
    /// then the signal was sent to the main thread, whose handler will run in its turn.
    /// Async-signal-safe (an atomic load, pthread_self, pthread_kill).
    public static func redirectToMainThread(_ signal: Int32) -> Bool {
        let main = mainThread.load(ordering: .acquiring)
        guard main != 0, pthread_equal(pthread_self(), pthread_t(main)) == 0 else { return false }
        return pthread_kill(pthread_t(main), signal) == 0
    }

    /// Writes the published text to `fd`. Async-signal-safe.
    public static func write(to fd: Int32) {
        let which = published.load(ordering: .acquiring)
        guard which >= 0 else { return }
        let n = which == 0 ? length0.load(ordering: .acquiring) : length1.load(ordering: .acquiring)
        var off = 0
        while off < n {
            let w = Glibc.write(fd, buffers[which] + off, n - off)
            if w <= 0 { return }
            off += w
        }
    }
}
