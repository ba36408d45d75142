#if canImport(Glibc)
import Glibc
#endif
import SoporteSystem
import Synchronization

/// A whole request read from a connection, for a worker to answer.
struct Job: Sendable {
    let fd: Int32
    let request: SimRequest
    let keepAlive: Bool
    /// Bytes of a further request came with this one.
    let pipelined: Bool
}

/// What the I/O thread and the workers share: the connection table under its lock, the
/// epoll instance, and the simulator. The I/O thread owns every connection that is not
/// busy; a worker owns the busy one it answers, and gives it back (or closes it) under
/// the table's lock, re-arming it in epoll there too, so that the I/O thread never sees
/// an event for a connection a worker still writes to.
final class ServerCore: Sendable {
    /// How long a worker that has answered on a keep-alive connection waits for the next
    /// request before it hands the connection back to the I/O thread. A client that
    /// sends its next request at once (a load generator, a page walk) is then served
    /// with one thread wake-up per request instead of two; an idle one costs a worker
    /// this long and no more.
    static let lingerMs: Int32 = 2
    static let workerReadChunk = 16 << 10

    let table: Mutex<ConnectionTable>
    let epfd: Int32
    let simulator: Simulator
    let stallTimeout: Double

    init(table: ConnectionTable, epfd: Int32, simulator: Simulator, stallTimeout: Double) {
        self.table = Mutex(table)
        self.epfd = epfd
        self.simulator = simulator
        self.stallTimeout = stallTimeout
    }

    // MARK: - Reading

    /// What to do with a connection after reading from it.
    enum Next {
        /// A whole request (the connection is now busy).
        case request(Job)
        /// Answer this and close (the table has let go of the connection).
        case reject(APIFailure)
        /// Close (the table has let go of it): the peer is gone.
        case close
        /// Not a whole request yet: wait for more.
        case more
    }

    /// Reads what `fd` has now (never waiting) into its buffer, and frames the first
    /// request. A request that fits in one read takes the table's lock once.
    func read(_ fd: Int32, into scratch: UnsafeMutableRawBufferPointer, now: Double) -> Next {
        var eof = false
        var failed = false
        var last = 0  // bytes of the last read, still in `scratch`
        for _ in 0..<16 {
            let n = recv(fd, scratch.baseAddress, scratch.count, 0)
            if n < 0 && errno == EINTR { continue }
            eof = n == 0
            failed = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK
            guard n > 0 else { break }
            if n < scratch.count {
                last = n
                break
            }
            // A full chunk: there may be more.
            let full = table.withLock { t in
                t.received(fd, UnsafeRawBufferPointer(scratch), now: now)
                return t.buffered(fd) > HTTPParser.maxHead + HTTPParser.maxBody
            }
            if full { break }
        }
        return table.withLock { t in
            if failed {
                t.close(fd)
                return .close
            }
            if last > 0 { t.received(fd, UnsafeRawBufferPointer(rebasing: scratch[0..<last]), now: now) }
            switch t.takeRequest(fd) {
            case .request(let req, let keepAlive, _):
                // After the client's end of file, answer what it sent, then close.
                return .request(Job(fd: fd, request: req, keepAlive: keepAlive && !eof, pipelined: t.buffered(fd) > 0))
            case .reject(let f):
                t.close(fd)
                return .reject(f)
            case .incomplete:
                if eof {
                    t.close(fd)
                    return .close
                }
                return .more
            }
        }
    }

    /// Answers a rejected request and closes the connection (the table let go of it).
    func reject(_ fd: Int32, _ f: APIFailure) {
        ResponseWriter.sendNow(fd, ServerCore.errorBytes(f, dialect: simulator.options.dialect))
        ServerCore.closeDiscardingInput(fd)
    }

    /// Closes a connection after reading (up to 256 KiB of) what the client has sent
    /// meanwhile: closing with bytes unread makes the kernel send a reset, which can
    /// destroy the answer just written before the client reads it.
    static func closeDiscardingInput(_ fd: Int32) {
        withUnsafeTemporaryAllocation(byteCount: 16 << 10, alignment: 8) { buf in
            var rounds = 0
            while rounds < 16 && recv(fd, buf.baseAddress, buf.count, Int32(MSG_DONTWAIT)) > 0 { rounds += 1 }
        }
        close(fd)
    }

    /// A short error answer (the dialect's error body) and `Connection: close`.
    static func errorBytes(_ f: APIFailure, dialect: Dialect = .soporteclientes) -> [UInt8] {
        let r = f.response(to: nil, now: SystemClock.now(), dialect: dialect)
        return ResponseWriter.head(r, keepAlive: false) + r.body
    }

    // MARK: - A worker's part

    /// Answers the job's request, and the next ones on the same connection while they
    /// come at once; then hands the connection back to the I/O thread or closes it.
    func answer(_ first: Job) {
        let fd = first.fd
        withUnsafeTemporaryAllocation(byteCount: ServerCore.workerReadChunk, alignment: 8) { scratch in
            var job = first
            while true {
                var resp = simulator.handle(job.request)
                if job.request.method == "HEAD" { resp.body = [] }
                guard ResponseWriter(fd: fd, stallTimeout: stallTimeout).write(resp, keepAlive: job.keepAlive) else {
                    table.withLock { $0.close(fd) }
                    // Closed only once the table has let go of it, so that a new
                    // connection given the same number finds its slot free.
                    close(fd)
                    return
                }
                if !job.pipelined {
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&p, 1, ServerCore.lingerMs) > 0 else { return handBack(fd) }
                }
                switch read(fd, into: scratch, now: SystemClock.monotonic()) {
                case .request(let next): job = next
                case .reject(let f): return reject(fd, f)
                case .close:
                    close(fd)
                    return
                case .more: return handBack(fd)
                }
            }
        }
    }

    /// Gives a kept connection back to the I/O thread, armed for its next request.
    private func handBack(_ fd: Int32) {
        table.withLock { t in
            // Bytes of a next request already buffered: EPOLLOUT fires at once, so the
            // I/O thread looks at them without waiting for more to arrive.
            let pending = t.finished(fd, now: SystemClock.monotonic())
            LinuxAPI.epollCtl(epfd, LinuxAPI.EPOLL_CTL_MOD, fd,
                              events: LinuxAPI.EPOLLIN | LinuxAPI.EPOLLONESHOT | (pending ? LinuxAPI.EPOLLOUT : 0), data: t.tag(fd))
        }
    }
}
