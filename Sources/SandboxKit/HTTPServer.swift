#if canImport(Glibc)
import Glibc
#endif
import SoporteSystem

/// How the server treats connections (`--max-connections`, `--idle-timeout`,
/// `--head-timeout`).
public struct ServerOptions: Sendable {
    /// Open connections at most; nil picks `defaultMaxConnections`, or fewer when the
    /// descriptor limit is lower.
    public var maxConnections: Int?
    /// Seconds a keep-alive connection may wait between requests.
    public var idleTimeout = 5.0
    /// Seconds a request (head and body) may take to arrive, from its first byte (from
    /// the accept for a connection's first request).
    public var headTimeout = 10.0
    /// Worker threads at most (they answer requests and may sleep in latency and faults).
    public var maxWorkers = 256
    /// Seconds a response may wait for a client that reads nothing before it is dropped.
    public var stallTimeout = 30.0

    public static let defaultMaxConnections = 10_000
    /// Descriptors kept out of the default cap: stdio, the listening socket, epoll, the
    /// spare, the state file's writes.
    public static let reservedDescriptors = 32
    public static let connectionRange = 1...1_000_000
    public static let timeoutRange = 0.05...86_400.0

    public init() {}
}

/// A small HTTP/1.1 server on loopback: an epoll I/O thread reads requests (keep-alive,
/// Content-Length bodies up to 1 MiB, 400/413/431 for anything else) and a bounded pool
/// of worker threads answers them through the simulator.
public final class HTTPServer {
    let simulator: Simulator
    let listenFD: Int32
    let epfd: Int32
    let options: ServerOptions
    public let port: Int
    /// The soft RLIMIT_NOFILE, raised to the hard limit at start.
    public let descriptorLimit: Int
    public let maxConnections: Int

    public init(simulator: Simulator, port: Int, options: ServerOptions = ServerOptions()) throws {
        self.simulator = simulator
        self.options = options
        descriptorLimit = HTTPServer.raiseDescriptorLimit()
        maxConnections = options.maxConnections
            ?? max(1, min(ServerOptions.defaultMaxConnections, descriptorLimit - ServerOptions.reservedDescriptors))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket: \(Posix.errorText(errno))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1 only
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw ServerError("cannot listen on 127.0.0.1:\(port): \(Posix.errorText(errno))") }
        // The kernel caps the backlog at net.core.somaxconn.
        guard listen(fd, 4096) == 0 else { close(fd); throw ServerError("listen: \(Posix.errorText(errno))") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.port = Int(UInt16(bigEndian: bound.sin_port))
        simulator.listening(onPort: self.port)
        listenFD = fd
        epfd = LinuxAPI.epollCreate1(O_CLOEXEC)
        guard epfd >= 0 else { close(fd); throw ServerError("epoll_create1: \(Posix.errorText(errno))") }
    }

    /// Serves on this thread for ever; workers get threads of their own.
    public func serve() -> Never {
        let table = ConnectionTable(idleTimeout: options.idleTimeout, headTimeout: options.headTimeout)
        let core = ServerCore(table: table, epfd: epfd, simulator: simulator, stallTimeout: options.stallTimeout)
        let pool = WorkerPool<Job>(maxThreads: options.maxWorkers) { core.answer($0) }
        EventLoop(core: core, listenFD: listenFD, maxConnections: maxConnections, pool: pool).run()
    }

    /// Raises the soft limit on open descriptors to the hard one (a flood of connections
    /// should meet our cap, not EMFILE) and returns the soft limit in force.
    static func raiseDescriptorLimit() -> Int {
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        var rl = rlimit()
        guard getrlimit(__rlimit_resource_t(resource), &rl) == 0 else { return 1024 }
        if rl.rlim_cur < rl.rlim_max {
            var raised = rl
            raised.rlim_cur = rl.rlim_max
            if setrlimit(__rlimit_resource_t(resource), &raised) == 0 { rl = raised }
        }
        return Int(clamping: rl.rlim_cur)  // RLIM_INFINITY is UInt64.max
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
