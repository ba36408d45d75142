import SoporteJSON
import SoporteSystem

/// An API error the simulator answers with (status, code, message, per-field details),
/// and the error envelope that carries it.
public struct APIFailure: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var details: JSONObject?
    public var retryAfter: Int?
    /// The message a Laravel application would send instead (`--dialect laravel`), when
    /// it is not the one its handler gives every error of this status.
    public var laravelMessage: String?

    public init(_ status: Int, _ code: String, _ message: String, details: JSONObject? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    static func validation(_ field: String, _ message: String) -> APIFailure {
        APIFailure(422, "VALIDATION_ERROR", "Validation failed", details: JSONObject([(field, .array([.string(message)]))]))
    }

    /// The error code the API uses for an HTTP status (for injected faults).
    static func code(for status: Int) -> String {
        switch status {
        case 400: return "BAD_REQUEST"
        case 401: return "INVALID_TOKEN"
        case 403: return "INSUFFICIENT_PERMISSIONS"
        case 404: return "RESOURCE_NOT_FOUND"
        case 408: return "REQUEST_TIMEOUT"
        case 413: return "PAYLOAD_TOO_LARGE"
        case 422: return "VALIDATION_ERROR"
        case 429: return "RATE_LIMIT_EXCEEDED"
        case 503: return "SERVICE_UNAVAILABLE"
        case 500...599: return "SERVER_ERROR"
        default: return "ERROR"
        }
    }

    /// `{"error": {code, message, details?, retry_after?, request_id, timestamp}}`.
    func envelope(requestID: String, now: Double) -> JSONValue {
        var e = JSONObject([("code", .string(code)), ("message", .string(message))])
        if let d = details { e["details"] = .object(d) }
        if let ra = retryAfter { e["retry_after"] = .int(ra) }
        e["request_id"] = .string(requestID)
        e["timestamp"] = .string(CivilTime.iso(Int(now)))
        return .object(JSONObject([("error", .object(e))]))
    }

    /// The whole answer to `r` (nil when no request could be read): the error body of
    /// the dialect (the envelope unless told otherwise), the
    /// request id echoed in `X-Request-ID`, `Retry-After` when there is one, and `extra`.
    func response(to r: SimRequest?, now: Double, extra: [(String, String)] = [], dialect: Dialect = .soporteclientes) -> SimResponse {
        let rid = r.map(APIFailure.requestID) ?? APIFailure.freshRequestID()
        var resp = SimResponse(status: status, headers: [("Content-Type", "application/json")],
                               body: dialect.encode(dialect.errorBody(self, requestID: rid, now: now)))
        resp.headers += extra + [("X-Request-ID", rid)]
        if let ra = retryAfter { resp.headers.append(("Retry-After", String(ra))) }
        return resp
    }

    /// The client's `X-Request-ID` (up to 200 characters), else a fresh one.
    static func requestID(_ r: SimRequest) -> String {
        if let id = r.header("x-request-id"), !id.isEmpty, id.count <= 200 { return id }
        return freshRequestID()
    }

    /// `req_` and 16 random letters and digits, from two draws of the kernel's random
    /// source (one per eight characters, not one per character).
    static func freshRequestID() -> String {
        var g = SystemRandomNumberGenerator()
        let chars = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var id = Array("req_".utf8)
        for _ in 0..<2 {
            var x = g.next()
            for _ in 0..<8 {
                id.append(chars[Int(x % 36)])
                x /= 36
            }
        }
        return String(decoding: id, as: UTF8.self)
    }
}
