/// The `Host` a request must name to be answered (docs/CONTRACT.md §12.4): `127.0.0.1`, `localhost`
/// (any case) or `[::1]`, each alone or with `:PORT` (1 to 5 digits, at most 65535).
/// A page in a browser that reaches the sandbox by DNS rebinding sends its own name as
/// Host, so refusing every other name keeps such pages from the data and the control
/// plane. Nothing is resolved or normalised: `127.0.0.1.evil.com`, `localhost.`,
/// `127..0.0.1` and `0x7f.1` are other names.
enum LoopbackHost {
    /// Whether `r` may be answered: exactly one Host header, naming loopback. An
    /// HTTP/1.0 request may leave Host out (it predates the header); HTTP/1.1 may not.
    static func admits(_ r: SimRequest) -> Bool {
        var value: String?
        for (k, v) in r.headers where k == "host" {
            if value != nil { return false }
            value = v
        }
        guard let value else { return r.version == "HTTP/1.0" }
        return isLoopback(value)
    }

    /// Whether a Host header value names loopback.
    static func isLoopback(_ value: String) -> Bool {
        let u = Array(value.utf8)
        var nameEnd = u.count
        if u.first == UInt8(ascii: "[") {
            guard let close = u.firstIndex(of: UInt8(ascii: "]")) else { return false }
            nameEnd = close + 1
        } else if let colon = u.firstIndex(of: UInt8(ascii: ":")) {
            nameEnd = colon
        }
        if nameEnd < u.count {
            guard u[nameEnd] == UInt8(ascii: ":") else { return false }
            let port = u[(nameEnd + 1)...]
            guard (1...5).contains(port.count), port.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let n = Int(String(decoding: port, as: UTF8.self)), n <= 65535 else { return false }
        }
        let name = u[..<nameEnd]
        // ASCII case only: Unicode lowercasing maps other letters (U+212A KELVIN SIGN) to ASCII.
        let folded = name.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        return name.elementsEqual("127.0.0.1".utf8) || name.elementsEqual("[::1]".utf8) || folded.elementsEqual("localhost".utf8)
    }

    static let refusal = APIFailure(421, "MISDIRECTED_REQUEST",
                                    "This sandbox answers only requests whose Host is 127.0.0.1, localhost or [::1] (with or without a port).")
}
