#if canImport(Glibc)
import Glibc
#endif
import SoporteSystem

/// Writes one response on a non-blocking socket and carries out the connection faults
/// (drop, truncate, huge, drip). It blocks its worker thread while the peer is slow, and
/// gives up when the peer has taken nothing for `stallTimeout` seconds.
struct ResponseWriter {
    static let hugeSize = 300_000_000

    let fd: Int32
    var stallTimeout = 30.0

    /// Writes `r`; true when the connection may carry another request.
    func write(_ r: SimResponse, keepAlive: Bool) -> Bool {
        if r.action == .dropBeforeHeaders { return false }
        let head = ResponseWriter.head(r, keepAlive: keepAlive)
        switch r.action {
        case .dropAfterHeaders:
            _ = sendAll(head)
            return false
        case .truncate:
            _ = sendAll(head + r.body.prefix(r.body.count / 2))
            return false
        case .huge:
            // Streamed from one small buffer, so the sandbox itself stays small.
            guard sendAll(head) else { return false }
            let chunk = [UInt8](repeating: 0x20, count: 1 << 16)
            var sent = 0
            while sent < ResponseWriter.hugeSize {
                let n = min(chunk.count, ResponseWriter.hugeSize - sent)
                guard sendAll(chunk[0..<n]) else { return false }
                sent += n
            }
            return keepAlive
        case .drip:
            guard sendAll(head) else { return false }
            for b in r.body {
                SystemClock.sleep(Double(r.dripMs) / 1000)
                guard sendAll([b]) else { return false }
            }
            return keepAlive
        default:
            return sendAll(head + r.body) && keepAlive
        }
    }

    /// The status line and headers, with Content-Length (the announced size for `huge`)
    /// and Connection.
    static func head(_ r: SimResponse, keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(r.status) \(reason(r.status))\r\n"
        for (k, v) in r.headers { head += "\(k): \(v)\r\n" }
        head += "Content-Length: \(r.action == .huge ? hugeSize : r.body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(head.utf8)
    }

    /// Sends every byte, waiting (poll) while the socket buffer is full.
    func sendAll<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        let sent: Bool? = bytes.withContiguousStorageIfAvailable { buf in
            guard let base = buf.baseAddress else { return true }  // nothing to send
            var off = 0
            var lastProgress = SystemClock.monotonic()
            while off < buf.count {
                let n = send(fd, base + off, buf.count - off, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    off += n
                    lastProgress = SystemClock.monotonic()
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return false }
                let left = lastProgress + stallTimeout - SystemClock.monotonic()
                guard left > 0 else { return false }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, Int32(min(left, 1) * 1000) + 1)
            }
            return true
        }
        return sent ?? sendAll(Array(bytes))
    }

    /// Sends what fits now, for the short answers the I/O thread gives itself (400, 408,
    /// 413, 431, 503) on a socket it must not wait for.
    static func sendNow(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }

    static func reason(_ s: Int) -> String {
        switch s {
        case 200: return "OK"; case 201: return "Created"; case 202: return "Accepted"; case 204: return "No Content"
        case 301: return "Moved Permanently"; case 302: return "Found"; case 304: return "Not Modified"
        case 400: return "Bad Request"; case 401: return "Unauthorized"; case 403: return "Forbidden"
        case 404: return "Not Found"; case 405: return "Method Not Allowed"; case 408: return "Request Timeout"
        case 409: return "Conflict"; case 413: return "Payload Too Large"; case 421: return "Misdirected Request"; case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"; case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"; case 502: return "Bad Gateway"; case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }
}
