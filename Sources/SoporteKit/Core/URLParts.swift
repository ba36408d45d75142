/// Parsed pieces of a URL that matter for origin checks.
public struct URLParts: Equatable, Sendable {
    public var scheme: String
    public var host: String
    public var port: Int
    public var path: String

    /// Parses `scheme://host[:port]/path?query`; nil if it is not such a URL.
    public init?(_ url: String) {
        // The scheme ends at the first ':' (an http or https one is all letters), which
        // must begin "://"; found on the bytes (String's pattern search cost a walk 2 %).
        let u = url.utf8
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")),
              u[colon...].starts(with: "://".utf8) else { return nil }
        scheme = url[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        // The delimiters are ASCII: searched on the bytes, whose indices are the string's.
        let afterScheme = u.index(colon, offsetBy: 3)
        let endOfAuthority = u[afterScheme...].firstIndex(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) ?? u.endIndex
        var authority = String(url[afterScheme..<endOfAuthority])
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        var p = scheme == "https" ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[...close]).lowercased()
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { guard let n = Int(after.dropFirst()), (1...65535).contains(n) else { return nil }; p = n }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon]).lowercased()
            guard let n = Int(authority[authority.index(after: colon)...]), (1...65535).contains(n) else { return nil }
            p = n
        } else {
            host = authority.lowercased()
        }
        // No control character or space anywhere (bytes of a multi-byte scalar are all
        // 0x80 or more, so this is the same test as on scalars).
        guard !host.isEmpty, u.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        port = p
        let q = u[endOfAuthority...].firstIndex(where: { $0 == 0x3F || $0 == 0x23 }) ?? u.endIndex
        path = String(url[endOfAuthority..<q])
    }

    public var origin: String { "\(scheme)://\(host):\(port)" }
}
