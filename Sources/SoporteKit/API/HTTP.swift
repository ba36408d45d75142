/// One HTTP request as the transport should send it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Seconds for the whole attempt (connect, send, receive).
    public var timeout: Double
    public var connectTimeout: Double
    public var caBundle: String?
    /// Answers larger than this are refused; an announced Content-Length over it is
    /// refused before the body is read.
    public var maxBody: Int
    /// Memory the body may take, shared with the other requests of a walk.
    public var allowance: (any BodyAllowance)?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                timeout: Double = 30, connectTimeout: Double = 10, caBundle: String? = nil,
                maxBody: Int = HTTPRequest.defaultMaxBody, allowance: (any BodyAllowance)? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.caBundle = caBundle
        self.maxBody = maxBody
        self.allowance = allowance
    }

    /// 16 MiB: a page of the API is a few hundred KB at most.
    public static let defaultMaxBody = 16 << 20

    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.last { $0.0.lowercased() == n }?.1
    }
}

/// Lets a transport take memory for a body bit by bit. `take` never waits: a transport
/// drives several transfers on one thread (and HTTP/2 streams on one connection), so a
/// transfer that waited there would stall the others, among them the page the walk is
/// waiting for. A body that finds no room is dropped (`TransportError.Kind.noRoom`) and
/// its request asked for again once `waitForTurn` returns, on the caller's own thread.
/// The request's owner calls `releaseAll` when the body is gone (a failed attempt, or a
/// page written out).
public protocol BodyAllowance: Sendable {
    func take(_ bytes: Int) -> BodyRoom
    /// Waits until this body may take all it needs; false means give up.
    func waitForTurn() -> Bool
    func releaseAll()
}

/// What `BodyAllowance.take` says.
public enum BodyRoom: Sendable, Equatable {
    case taken
    /// Not now: drop the body and ask again after `waitForTurn`.
    case full
    /// Never: the body's owner is gone (the walk ended).
    case refused
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
public struct TransportError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case dns, connect, timeout, tls, send, receive, tooLarge, noRoom, other }
    public var kind: Kind
    public var message: String
    public var requestSent: Bool

    public init(_ kind: Kind, _ message: String, requestSent: Bool) {
        self.kind = kind
        self.message = message
        self.requestSent = requestSent
    }
}

/// Sends requests. Implementations are thread-safe: the page walker and bulk commands
/// call `perform` from several threads at once.
public protocol HTTPTransport: Sendable {
    func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError>
}
