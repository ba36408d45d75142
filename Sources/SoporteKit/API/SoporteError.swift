import SoporteJSON

/// Exit statuses of SPEC §7.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case unexpected = 1
    case usage = 2
    case config = 3
    case auth = 4
    case notFound = 5
    case rejected = 6
    case rateLimited = 7
    case server = 8
    case network = 9
    case unhealthy = 10
    case brokenPipe = 141
    case interrupted = 130
    case terminated = 143
}

/// Every failure the tool reports: one line of message, optional detail lines, the
/// server's request id, and the exit status. Commands throw these; `main` prints them.
public struct SoporteError: Error, Equatable, Sendable {
    public var status: ExitStatus
    public var message: String
    public var details: [String]
    public var requestID: String?
    /// The API's error envelope, printed as JSON on stderr under `-o json`.
    public var envelope: JSONValue?
    /// Usage errors may point to a help page.
    public var helpPath: [String]?

    public init(_ status: ExitStatus, _ message: String, details: [String] = [], requestID: String? = nil,
                envelope: JSONValue? = nil, helpPath: [String]? = nil) {
        self.status = status
        self.message = message
        self.details = details
        self.requestID = requestID
        self.envelope = envelope
        self.helpPath = helpPath
    }

    /// A stable short code for scripts (`-o json` errors carry it).
    public var code: String {
        switch status {
        case .success: return "OK"
        case .unexpected: return "UNEXPECTED"
        case .usage: return "USAGE"
        case .config: return "CONFIGURATION"
        case .auth: return "AUTHENTICATION"
        case .notFound: return "NOT_FOUND"
        case .rejected: return "REJECTED"
        case .rateLimited: return "RATE_LIMITED"
        case .server: return "SERVER"
        case .network: return "NETWORK"
        case .unhealthy: return "UNHEALTHY"
        case .brokenPipe: return "BROKEN_PIPE"
        case .interrupted: return "INTERRUPTED"
        case .terminated: return "TERMINATED"
        }
    }

    /// The API's envelope, or one in the same shape for errors of our own.
    public var jsonEnvelope: JSONValue {
        if let e = envelope { return e }
        var o = JSONObject([("code", .string(code)), ("message", .string(message))])
        if !details.isEmpty { o["details"] = .array(details.map { .string($0) }) }
        if let r = requestID { o["request_id"] = .string(r) }
        o["exit_status"] = .int(Int(status.rawValue))
        return .object(JSONObject([("error", .object(o))]))
    }

    public static func usage(_ m: String) -> SoporteError { SoporteError(.usage, m) }
    public static func config(_ m: String) -> SoporteError { SoporteError(.config, m) }

    /// The error as text for stderr (without the trailing newline).
    public var rendered: String {
        var s = "soporte: \(message)"
        for d in details { s += "\n  \(d)" }
        if let r = requestID { s += "\nrequest id: \(r)" }
        return s
    }

    /// Exit status for an HTTP error status.
    public static func status(forHTTP code: Int) -> ExitStatus {
        switch code {
        case 401, 403: return .auth
        case 404: return .notFound
        case 400, 409, 422: return .rejected
        case 429: return .rateLimited
        case 500...599: return .server
        default: return code >= 400 && code < 500 ? .rejected : .server
        }
    }
}
