#if canImport(Glibc)
import Glibc
#endif
import SoporteSystem

/// The I/O thread: accepts connections, reads requests without blocking, hands whole ones
/// to the worker pool, and closes connections that are idle too long, send their request
/// too slowly, or are the oldest waiting when the cap (or the descriptor limit) is
/// reached. It never blocks on a client, so a flood of idle connections costs a slot
/// each (tens of bytes) and no thread.
///
/// Every connection is registered EPOLLONESHOT: after an event it stays silent until
/// re-armed, by this thread after a partial read or by the worker that answered it.
final class EventLoop {
    /// `data` of the listening socket's events; connection tags never reach it.
    static let listenTag = UInt64.max
    static let eventCapacity = 256
    static let readChunk = 64 << 10
    /// Accepts per wake-up, so that a flood of connections does not starve reads.
    static let acceptBurst = 256

    let core: ServerCore
    let listenFD: Int32
    let maxConnections: Int
    let pool: WorkerPool<Job>
    /// A descriptor held in reserve: closed to accept (and refuse) a connection when the
    /// process is out of descriptors, so that the listening socket does not stay
    /// readable for ever (a busy loop).
    private var spare: Int32
    private var listening = true
    private var resumeListeningAt = 0.0
    private let events = UnsafeMutableRawBufferPointer.allocate(byteCount: eventCapacity * LinuxAPI.eventSize, alignment: 8)
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: readChunk, alignment: 8)

    init(core: ServerCore, listenFD: Int32, maxConnections: Int, pool: WorkerPool<Job>) {
        self.core = core
        self.listenFD = listenFD
        self.maxConnections = maxConnections
        self.pool = pool
        spare = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        events.deallocate()
        scratch.deallocate()
    }

    func run() -> Never {
        LinuxAPI.epollCtl(core.epfd, LinuxAPI.EPOLL_CTL_ADD, listenFD, events: LinuxAPI.EPOLLIN, data: EventLoop.listenTag)
        var now = SystemClock.monotonic()
        while true {
            var wake = now + 0.25
            if let d = core.table.withLock({ $0.nextDeadline() }) { wake = min(wake, d) }
            if !listening { wake = min(wake, resumeListeningAt) }
            let timeoutMs = Int32(max(0, ((wake - now) * 1000).rounded(.up)))
            let n = LinuxAPI.epollWait(core.epfd, events, timeoutMs: timeoutMs)
            now = SystemClock.monotonic()
            // Reads first, accepts after: a connection whose request has arrived is then
            // busy, not taken for an idle one when a new connection needs its place.
            var listenReady = false
            for i in 0..<max(0, Int(n)) {
                let tag = LinuxAPI.event(events, i).data
                if tag == EventLoop.listenTag { listenReady = true } else { service(tag, now: now) }
            }
            if listenReady { acceptAll(now: now) }
            expire(now: now)
            if !listening && now >= resumeListeningAt {
                listening = true
                LinuxAPI.epollCtl(core.epfd, LinuxAPI.EPOLL_CTL_ADD, listenFD, events: LinuxAPI.EPOLLIN, data: EventLoop.listenTag)
            }
        }
    }

    // MARK: - New connections

    private func acceptAll(now: Double) {
        for _ in 0..<EventLoop.acceptBurst {
            let c = LinuxAPI.accept(listenFD)
            if c >= 0 {
                // At the cap, one at a time: the reads of the next wake-up come before
                // the next eviction.
                if admit(c, now: now) { return }
                continue
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EAGAIN, EWOULDBLOCK:
                return
            case EMFILE, ENFILE:
                if evictOne(now: now) || refuseWithSpare() { continue }
                pauseListening(now: now)
                return
            default:  // ENOBUFS, ENOMEM: the kernel is short; try again shortly
                pauseListening(now: now)
                return
            }
        }
    }

    /// Takes a new connection into the table, making room or refusing it at the cap;
    /// returns whether the cap was reached.
    private func admit(_ c: Int32, now: Double) -> Bool {
        var one: Int32 = 1
        setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let full = core.table.withLock { $0.count >= maxConnections }
        if full && !evictOne(now: now) {
            refuse(c)
            return true
        }
        let tag = core.table.withLock { $0.open(c, now: now) }
        LinuxAPI.epollCtl(core.epfd, LinuxAPI.EPOLL_CTL_ADD, c, events: LinuxAPI.EPOLLIN | LinuxAPI.EPOLLONESHOT, data: tag)
        return full
    }

    /// Closes the connection that has waited longest for its client; false when every
    /// open connection is busy. One still reading its request is read first: if the
    /// request has arrived meanwhile, it is not idle, and the next one is considered.
    private func evictOne(now: Double) -> Bool {
        while true {
            let candidate = core.table.withLock { t -> (fd: Int32, tag: ConnectionTable.Tag, reading: Bool)? in
                guard let fd = t.evictionCandidate() else { return nil }
                let tag = t.tag(fd)
                return (fd, tag, t.phase(of: tag) != .idle)
            }
            guard let (fd, tag, reading) = candidate else { return false }
            if reading && hasBytes(fd) {
                if service(tag, now: now) { return true }  // it closed: room made
                if core.table.withLock({ $0.phase(of: tag) == .busy }) { continue }
            }
            core.table.withLock { $0.close(fd) }
            close(fd)
            return true
        }
    }

    /// Whether the peer has sent bytes not read yet (or closed its end).
    private func hasBytes(_ fd: Int32) -> Bool {
        var b: UInt8 = 0
        return recv(fd, &b, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) >= 0
    }

    /// 503 in the API's envelope, then close.
    private func refuse(_ c: Int32) {
        core.reject(c, APIFailure(503, "SERVICE_UNAVAILABLE", "The sandbox has too many open connections; try again.", retryAfter: 1))
    }

    private func refuseWithSpare() -> Bool {
        guard spare >= 0 else { return false }
        close(spare)
        let c = LinuxAPI.accept(listenFD)
        if c >= 0 { refuse(c) }
        spare = open("/dev/null", O_RDONLY | O_CLOEXEC)
        return c >= 0
    }

    private func pauseListening(now: Double) {
        guard listening else { return }
        listening = false
        resumeListeningAt = now + 0.1
        LinuxAPI.epollCtl(core.epfd, LinuxAPI.EPOLL_CTL_DEL, listenFD, events: 0, data: 0)
    }

    // MARK: - Reading requests

    /// Reads from a connection and acts on what came; returns whether it was closed.
    @discardableResult
    private func service(_ tag: ConnectionTable.Tag, now: Double) -> Bool {
        let fd = ConnectionTable.fd(of: tag)
        // A stale event (the connection was closed, its number reused) or a busy one.
        guard let phase = core.table.withLock({ $0.phase(of: tag) }), phase != .busy else { return false }
        switch core.read(fd, into: scratch, now: now) {
        case .request(let job):
            pool.submit(job)
        case .reject(let f):
            core.reject(fd, f)
            return true
        case .close:
            close(fd)
            return true
        case .more:
            LinuxAPI.epollCtl(core.epfd, LinuxAPI.EPOLL_CTL_MOD, fd, events: LinuxAPI.EPOLLIN | LinuxAPI.EPOLLONESHOT, data: tag)
        }
        return false
    }

    // MARK: - Deadlines

    /// Closes idle connections past `--idle-timeout` and requests still incomplete past
    /// `--head-timeout` (those get a 408 first).
    private func expire(now: Double) {
        let gone = core.table.withLock { $0.expire(now: now) }
        for (fd, midRequest) in gone {
            if midRequest {
                core.reject(fd, APIFailure(408, "REQUEST_TIMEOUT", "The request did not arrive in time."))
            } else {
                close(fd)
            }
        }
    }
}
