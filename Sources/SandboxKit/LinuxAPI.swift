#if canImport(Glibc)
import Glibc
#endif

/// The Linux calls the server needs that Glibc's Swift module does not import
/// (<sys/epoll.h>, and `accept4`, which needs _GNU_SOURCE), looked up once with dlsym
/// and called through C function pointers. A C target with these headers would be
/// simpler, but needs Package.swift, which this change leaves alone.
enum LinuxAPI {
    typealias EpollCreate1 = @convention(c) (Int32) -> Int32
    typealias EpollCtl = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias EpollWait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias Accept4 = @convention(c) (Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32) -> Int32

    static let epollCreate1: EpollCreate1 = symbol("epoll_create1")
    static let epollCtlFunction: EpollCtl = symbol("epoll_ctl")
    static let epollWaitFunction: EpollWait = symbol("epoll_wait")
    static let accept4Function: Accept4 = symbol("accept4")

    static let EPOLLIN: UInt32 = 0x001
    static let EPOLLOUT: UInt32 = 0x004
    static let EPOLLONESHOT: UInt32 = 1 << 30
    static let EPOLL_CTL_ADD: Int32 = 1
    static let EPOLL_CTL_DEL: Int32 = 2
    static let EPOLL_CTL_MOD: Int32 = 3

    /// `struct epoll_event` is packed on x86_64 (12 bytes, data at offset 4) and
    /// naturally aligned elsewhere (16 bytes, data at offset 8).
    #if arch(x86_64)
    static let eventSize = 12
    static let dataOffset = 4
    #else
    static let eventSize = 16
    static let dataOffset = 8
    #endif

    private static func symbol<F>(_ name: String) -> F {
        // glibc has had all four since 2.10; without them nothing here could work.
        guard let p = dlsym(nil, name) else { fatalError("soporte-sandbox: \(name) not found in the C library") }
        return unsafeBitCast(p, to: F.self)
    }

    /// Adds, changes (MOD) or removes `fd` with `events` and `data` (given back by wait).
    @discardableResult
    static func epollCtl(_ epfd: Int32, _ op: Int32, _ fd: Int32, events: UInt32, data: UInt64) -> Int32 {
        var ev = (UInt64(0), UInt64(0))  // 16 bytes, enough for either layout
        return withUnsafeMutableBytes(of: &ev) { raw in
            raw.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: data, toByteOffset: dataOffset, as: UInt64.self)
            return epollCtlFunction(epfd, op, fd, raw.baseAddress)
        }
    }

    /// Waits for events into `buffer` (room for `buffer.count / eventSize`); the number
    /// of events, or -1 with errno.
    static func epollWait(_ epfd: Int32, _ buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int32) -> Int32 {
        epollWaitFunction(epfd, buffer.baseAddress, Int32(buffer.count / eventSize), timeoutMs)
    }

    /// The `(events, data)` of event `i` in a buffer filled by `epollWait`.
    static func event(_ buffer: UnsafeMutableRawBufferPointer, _ i: Int) -> (events: UInt32, data: UInt64) {
        (buffer.loadUnaligned(fromByteOffset: i * eventSize, as: UInt32.self),
         buffer.loadUnaligned(fromByteOffset: i * eventSize + dataOffset, as: UInt64.self))
    }

    typealias MallocTrim = @convention(c) (Int) -> Int32
    /// glibc's `malloc_trim` (<malloc.h> is not imported either), if the C library has it.
    static let mallocTrimFunction: MallocTrim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: MallocTrim.self) }

    /// Gives the heap's free pages back to the kernel. Freed memory otherwise stays in
    /// the process (glibc returns only the top of each arena), so a record emptied by
    /// DELETE would still count in its RSS.
    static func trimHeap() { _ = mallocTrimFunction?(0) }

    /// Accepts a connection already non-blocking and close-on-exec.
    static func accept(_ fd: Int32) -> Int32 {
        accept4Function(fd, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
    }
}
