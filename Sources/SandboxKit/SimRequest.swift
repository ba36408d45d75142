import SoporteJSON
import SoporteSystem

/// One HTTP request as the simulator sees it (header names lowercased).
public struct SimRequest: Sendable {
    public var method: String
    public var path: String
    public var rawQuery: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// `HTTP/1.1` or `HTTP/1.0` (a 1.0 request may come without a Host).
    public var version: String

    public init(method: String, path: String, rawQuery: String, headers: [(String, String)], body: [UInt8], version: String = "HTTP/1.1") {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.version = version
    }

    /// The last value of a header (names are lowercase).
    public func header(_ n: String) -> String? { headers.last { $0.0 == n }?.1 }

    /// The query string's pairs, percent-decoded, in order.
    public var query: [(String, String)] {
        rawQuery.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (PercentDecoding.string(kv[0]), kv.count > 1 ? PercentDecoding.string(kv[1]) : "")
        }
    }
}

/// What to do with the connection besides answering (the fault `action`).
public enum ConnectionAction: String, Sendable {
    case dropBeforeHeaders = "drop_before_headers"
    case dropAfterHeaders = "drop_after_headers"
    case truncate
    case html
    case invalidJSON = "invalid_json"
    /// Announces and streams a 300 MB body.
    case huge
    /// Sends the body one byte at a time, `delay_ms` apart.
    case drip
}

/// One answer: status, headers, body, and how the connection should misbehave.
public struct SimResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var action: ConnectionAction?
    /// Pause between bytes for `.drip`, in milliseconds (at most `Fault.limits.delayMs`).
    public var dripMs = 0

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: Int, _ v: JSONValue) -> SimResponse {
        var body: [UInt8] = []
        JSONWriter.write(v, into: &body, indent: nil, level: 0)
        return SimResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }
}
