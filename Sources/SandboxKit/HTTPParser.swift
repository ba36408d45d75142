import SoporteSystem

/// HTTP/1.1 request parsing, apart from sockets so that it is tested alone: the request
/// head, and the framing of what follows it (request-smuggling defence: one
/// Content-Length, digits only, never beside Transfer-Encoding).
public enum HTTPParser {
    public static let maxHead = 64 << 10
    public static let maxBody = 1 << 20

    public struct Head: Sendable {
        public var method: String
        public var path: String
        public var query: String
        public var version: String
        /// Names lowercased; values as sent (UTF-8), without surrounding white space.
        public var headers: [(String, String)]

        public func header(_ n: String) -> String? { headers.last { $0.0 == n }?.1 }

        public func values(_ n: String) -> [String] { headers.filter { $0.0 == n }.map(\.1) }

        public var keepAlive: Bool {
            let c = header("connection")?.lowercased()
            return version == "HTTP/1.1" ? c != "close" : c == "keep-alive"
        }
    }

    /// What the bytes received so far on a connection hold.
    public enum Framed: Sendable {
        /// Not a whole request yet; the end of the head is not before `scanned`.
        case incomplete(scanned: Int)
        /// A whole request, and how many bytes of the buffer it took.
        case request(SimRequest, keepAlive: Bool, length: Int)
        /// Answer this (400, 413, 431) and close.
        case reject(APIFailure)
    }

    /// The offset just past the blank line that ends the head, searching from `from`.
    public static func headEnd(_ b: [UInt8], from: Int = 0) -> Int? {
        var i = max(0, from)
        while i + 3 < b.count {
            if b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// The first request in `buffer`. `scanned` is how far an earlier call already looked
    /// for the end of the head, so that a head arriving byte by byte is scanned once.
    public static func frame(_ buffer: [UInt8], scanned: Int = 0) -> Framed {
        guard let end = headEnd(buffer, from: scanned - 3) else {
            return buffer.count > maxHead ? .reject(APIFailure(431, "BAD_REQUEST", "Request head too large.")) : .incomplete(scanned: buffer.count)
        }
        guard end <= maxHead else { return .reject(APIFailure(431, "BAD_REQUEST", "Request head too large.")) }
        guard let head = parseHead(buffer[0..<end]) else {
            return .reject(APIFailure(400, "BAD_REQUEST", "Malformed HTTP request."))
        }
        let length: Int
        switch bodyLength(head) {
        case .failure(let f): return .reject(f)
        case .success(let n): length = n
        }
        guard buffer.count - end >= length else { return .incomplete(scanned: end - 4) }
        let req = SimRequest(method: head.method, path: head.path, rawQuery: head.query, headers: head.headers,
                             body: Array(buffer[end..<(end + length)]), version: head.version)
        return .request(req, keepAlive: head.keepAlive, length: end + length)
    }

    /// The body's length from the head, or the 400/413 that refuses it. Two lengths, a
    /// list of them, a sign or any other character, or Transfer-Encoding beside
    /// Content-Length is how requests are smuggled past a proxy: all are refused.
    public static func bodyLength(_ head: Head) -> Result<Int, APIFailure> {
        let lengths = head.values("content-length")
        if !head.values("transfer-encoding").isEmpty {
            return .failure(APIFailure(400, "BAD_REQUEST", lengths.isEmpty
                ? "Chunked request bodies are not supported; send Content-Length."
                : "A request may not have both Content-Length and Transfer-Encoding."))
        }
        guard let text = lengths.first else { return .success(0) }
        guard lengths.count == 1 else { return .failure(APIFailure(400, "BAD_REQUEST", "Repeated Content-Length.")) }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(APIFailure(400, "BAD_REQUEST", "Bad Content-Length."))
        }
        // All digits: a value that does not fit is just too large.
        guard let n = RangeChecked.int(text, in: 0...maxBody) else {
            return .failure(APIFailure(413, "PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB."))
        }
        return .success(n)
    }

    /// Parses a request head (request line and header lines, CRLF-separated). Nil for
    /// anything malformed: a request line that is not `METHOD /target HTTP/1.x`, a
    /// header name that is not a token, control characters (a lone CR or LF, NUL) or
    /// bytes that are not UTF-8 in a value, folded lines.
    public static func parseHead(_ bytes: ArraySlice<UInt8>) -> Head? {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == 13 && bytes[i + 1] == 10 {
                if i > start { lines.append(bytes[start..<i]) }
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        if start < bytes.endIndex { lines.append(bytes[start..<bytes.endIndex]) }
        guard let requestLine = lines.first else { return nil }
        let words = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard words.count == 3 else { return nil }
        let method = words[0], target = words[1], version = words[2]
        guard !method.isEmpty, method.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return nil }
        guard version.elementsEqual("HTTP/1.1".utf8) || version.elementsEqual("HTTP/1.0".utf8) else { return nil }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }),
              let targetText = String(validating: target, as: UTF8.self) else { return nil }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else { return nil }
            var value = line[(colon + 1)...]
            while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
            while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
            guard !value.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }),
                  let valueText = String(validating: value, as: UTF8.self) else { return nil }
            headers.append((String(decoding: name, as: UTF8.self).lowercased(), valueText))
        }
        let path: Substring
        var query: Substring = ""
        if let q = targetText.firstIndex(of: "?") {
            path = targetText[..<q]
            query = targetText[targetText.index(after: q)...]
        } else {
            path = targetText[...]
        }
        return Head(method: String(decoding: method, as: UTF8.self),
                    path: path.contains("%") ? PercentDecoding.string(path, plusIsSpace: false) : String(path),
                    query: String(query), version: String(decoding: version, as: UTF8.self), headers: headers)
    }

    public static func parseHead(_ bytes: [UInt8]) -> Head? { parseHead(bytes[...]) }

    /// RFC 9110 `tchar`: the bytes a header name may hold.
    static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
