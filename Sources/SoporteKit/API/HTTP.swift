/// One HTTP request as the transport should send it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    public var timeout: Double
    public var connectTimeout: Double
    public var caBundle: String?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                timeout: Double = 30, connectTimeout: Double = 10, caBundle: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.caBundle = caBundle
    }

    public func header(_ name: String) -> String? {
        headers.last { $0.0.lowercased() == name.lowercased() }?.1
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names as received; look them up with `header(_:)`.
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var seconds: Double

    public init(status: Int, headers: [(String, String)], body: [UInt8], seconds: Double = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds
    }

    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.last { $0.0.lowercased() == n }?.1
    }
}

/// A request that got no HTTP answer. `requestSent` tells whether the server may have
/// acted on it (then a POST must not be repeated).
public struct TransportError: Error, Sendable {
    public enum Kind: Sendable { case dns, connect, timeout, tls, send, receive, tooLarge, interrupted, other }
    public var kind: Kind
    public var message: String
    public var requestSent: Bool

    public init(_ kind: Kind, _ message: String, requestSent: Bool) {
        self.kind = kind
        self.message = message
        self.requestSent = requestSent
    }
}

/// Sends requests. Implementations are thread-safe: the page walker calls `perform`
/// from several threads at once.
public protocol HTTPTransport: AnyObject {
    func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError>
}

/// Parsed pieces of a URL that matter for origin checks.
public struct URLParts: Equatable, Sendable {
    public var scheme: String
    public var host: String
    public var port: Int
    public var path: String

    /// Parses `scheme://host[:port]/path?query`; nil if it is not such a URL.
    public init?(_ url: String) {
        guard let r = url.firstRange(of: "://") else { return nil }
        scheme = url[..<r.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = url[r.upperBound...]
        let endOfAuthority = rest.firstIndex(where: { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" }) ?? rest.endIndex
        var authority = String(rest[..<endOfAuthority])
        rest = rest[endOfAuthority...]
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        var p = scheme == "https" ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[...close]).lowercased()
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { guard let n = Int(after.dropFirst()) else { return nil }; p = n }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon]).lowercased()
            guard let n = Int(authority[authority.index(after: colon)...]) else { return nil }
            p = n
        } else {
            host = authority.lowercased()
        }
        guard !host.isEmpty else { return nil }
        port = p
        let q = rest.firstIndex(where: { (c: Character) -> Bool in c == "?" || c == "#" }) ?? rest.endIndex
        path = String(rest[..<q])
    }

    public var origin: String { "\(scheme)://\(host):\(port)" }

    /// localhost, 127.0.0.0/8 and [::1].
    public var isLoopback: Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
