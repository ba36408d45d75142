#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON
import SoporteSystem

/// A small HTTP/1.1 server on loopback: one thread per connection, keep-alive,
/// Content-Length bodies up to a limit (413 beyond), 400 for anything malformed.
public final class HTTPServer {
    public static let maxHead = 64 << 10
    public static let maxBody = 1 << 20

    let simulator: Simulator
    let listenFD: Int32
    public let port: Int

    public init(simulator: Simulator, port: Int) throws {
        self.simulator = simulator
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1 only
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw ServerError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        guard listen(fd, 1024) == 0 else { close(fd); throw ServerError("listen: \(String(cString: strerror(errno)))") }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.port = Int(UInt16(bigEndian: bound.sin_port))
        self.listenFD = fd
    }

    /// Accepts connections forever.
    public func serve() -> Never {
        while true {
            let c = accept(listenFD, nil, nil)
            if c < 0 { continue }
            var one: Int32 = 1
            setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var tv = timeval(tv_sec: 120, tv_usec: 0)
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let conn = Connection(fd: c, simulator: simulator)
            Threads.start(stackSize: 512 << 10) { conn.run() }
        }
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// One client connection: read requests, answer them, until either side closes.
final class Connection {
    let fd: Int32
    let simulator: Simulator
    var buffer: [UInt8] = []

    init(fd: Int32, simulator: Simulator) {
        self.fd = fd
        self.simulator = simulator
    }

    func run() {
        defer { close(fd) }
        while true {
            guard let (head, headEnd) = readHead() else { return }
            guard let parsed = HTTPParser.parseHead(head) else {
                send(status: 400, body: "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"Malformed HTTP request.\"}}", close: true)
                return
            }
            buffer.removeFirst(headEnd)
            if parsed.header("transfer-encoding") != nil {
                send(status: 400, body: "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"Chunked request bodies are not supported; send Content-Length.\"}}", close: true)
                return
            }
            var length = 0
            if let cl = parsed.header("content-length") {
                guard let n = Int(cl), n >= 0 else {
                    send(status: 400, body: "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"Bad Content-Length.\"}}", close: true)
                    return
                }
                length = n
            }
            if length > HTTPServer.maxBody {
                send(status: 413, body: "{\"error\":{\"code\":\"PAYLOAD_TOO_LARGE\",\"message\":\"The request body is larger than 1 MiB.\"}}", close: true)
                return
            }
            while buffer.count < length {
                guard fill() else { return }
            }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            let req = SimRequest(method: parsed.method, path: parsed.path, rawQuery: parsed.query, headers: parsed.headers, body: body)
            var resp = simulator.handle(req)
            let keepAlive = parsed.keepAlive
            if parsed.method == "HEAD" { resp.body = [] }
            if !write(resp, keepAlive: keepAlive) || !keepAlive { return }
        }
    }

    /// Reads until the end of the request head; nil when the peer closed or sent junk.
    func readHead() -> ([UInt8], Int)? {
        while true {
            let end = HTTPParser.headEnd(buffer)
            if (end ?? buffer.count) > HTTPServer.maxHead {
                send(status: 431, body: "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"Request head too large.\"}}", close: true)
                return nil
            }
            if let end { return (Array(buffer[0..<end]), end) }
            guard fill() else { return nil }
        }
    }

    func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
    }

    static let hugeSize = 300_000_000

    static func reason(_ s: Int) -> String {
        switch s {
        case 200: return "OK"; case 201: return "Created"; case 204: return "No Content"
        case 400: return "Bad Request"; case 401: return "Unauthorized"; case 403: return "Forbidden"
        case 404: return "Not Found"; case 405: return "Method Not Allowed"; case 409: return "Conflict"
        case 413: return "Payload Too Large"; case 422: return "Unprocessable Entity"; case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"; case 502: return "Bad Gateway"; case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }

    func send(status: Int, body: String, close: Bool) {
        var r = SimResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        r.action = nil
        _ = write(r, keepAlive: !close)
    }

    func write(_ r: SimResponse, keepAlive: Bool) -> Bool {
        if r.action == .dropBeforeHeaders { return false }
        var head = "HTTP/1.1 \(r.status) \(Connection.reason(r.status))\r\n"
        for (k, v) in r.headers { head += "\(k): \(v)\r\n" }
        head += "Content-Length: \(r.action == .huge ? Connection.hugeSize : r.body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        switch r.action {
        case .dropAfterHeaders:
            _ = sendAll(bytes)
            return false
        case .truncate:
            bytes += r.body.prefix(r.body.count / 2)
            _ = sendAll(bytes)
            return false
        case .huge:
            // Streamed from one small buffer, so the sandbox itself stays small.
            guard sendAll(bytes) else { return false }
            let chunk = [UInt8](repeating: 0x20, count: 1 << 16)
            var sent = 0
            while sent < Connection.hugeSize {
                guard sendAll(Array(chunk.prefix(Connection.hugeSize - sent))) else { return false }
                sent += chunk.count
            }
            return keepAlive
        case .drip:
            guard sendAll(bytes) else { return false }
            for b in r.body {
                usleep(useconds_t(r.dripMs) * 1000)
                guard sendAll([b]) else { return false }
            }
            return keepAlive
        default:
            bytes += r.body
            return sendAll(bytes)
        }
    }

    func sendAll(_ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            off += n
        }
        return true
    }
}

/// Request-head parsing, apart from sockets so that it is tested alone.
public enum HTTPParser {
    public struct Head {
        public var method: String
        public var path: String
        public var query: String
        public var version: String
        public var headers: [(String, String)]
        public func header(_ n: String) -> String? { headers.last { $0.0 == n }?.1 }
        public var keepAlive: Bool {
            let c = header("connection")?.lowercased()
            return version == "HTTP/1.1" ? c != "close" : c == "keep-alive"
        }
    }

    public static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        var i = 0
        while i + 3 < b.count {
            if b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    public static func parseHead(_ bytes: [UInt8]) -> Head? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3 else { return nil }
        let method = String(requestLine[0])
        guard !method.isEmpty, method.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return nil }
        let version = String(requestLine[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return nil }
        let target = requestLine[1]
        guard target.hasPrefix("/") else { return nil }
        let path: String
        var query = ""
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        } else {
            path = String(target)
        }
        var headers: [(String, String)] = []
        for l in lines {
            guard let colon = l.firstIndex(of: ":") else { return nil }
            let name = l[..<colon].lowercased()
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            var v = l[l.index(after: colon)...]
            while v.first == " " || v.first == "\t" { v = v.dropFirst() }
            while v.last == " " || v.last == "\t" { v = v.dropLast() }
            headers.append((name, String(v)))
        }
        return Head(method: method, path: percentDecodePath(path), query: query, version: version, headers: headers)
    }

    static func percentDecodePath(_ p: String) -> String {
        p.contains("%") ? PercentDecoding.string(Substring(p), plusIsSpace: false) : p
    }
}
