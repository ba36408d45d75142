#if canImport(Glibc)
import Glibc
#endif

/// The C allocator's knobs.
public enum Allocator {
    /// Large allocations (page bodies of hundreds of KB) from the heap, reused, instead of
    /// a fresh mmap (and its page faults) each time: glibc's M_MMAP_THRESHOLD. `mallopt` is
    /// not in Swift's Glibc module, so it is looked up.
    public static func keepLargeBlocksOnTheHeap(upTo bytes: Int32) {
        _ = mallopt(-3, bytes)  // M_MMAP_THRESHOLD
        _ = mallopt(-1, bytes)  // M_TRIM_THRESHOLD: freed blocks stay for the next page
    }

    /// At most `n` heaps for all threads (M_ARENA_MAX). A walk's four workers each got a
    /// heap of their own by default: 2 MiB more peak RSS for no time saved (measured:
    /// 100,000 items, 22.6 -> 20.4 MiB, the same CPU).
    public static func limitHeaps(to n: Int32) {
        _ = mallopt(-8, n)
    }

    private static func mallopt(_ option: Int32, _ value: Int32) -> Int32 {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return 0 }
        return unsafeBitCast(sym, to: Mallopt.self)(option, value)
    }
}
