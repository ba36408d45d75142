#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Text to write to stderr if a signal ends the process (a walk's resume command).
/// It is prepared ahead in one of two fixed buffers and published with an atomic
/// store, so the signal handler only does an atomic load and write(2), both
/// async-signal-safe.
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
