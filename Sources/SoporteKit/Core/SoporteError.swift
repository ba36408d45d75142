import SoporteJSON
import SoporteSystem

/// Exit statuses of docs/CONTRACT.md §7.
public enum ExitStatus: Int32, Sendable, CaseIterable {
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
    /// `--wait` / `--wait-for`: the state was not reached before `--wait-timeout`.
    case waitTimedOut = 11
    case interrupted = 130
    case brokenPipe = 141
    case terminated = 143

    /// A stable short code for scripts, used when the API gave none.
    public var code: String {
        switch self {
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
        case .waitTimedOut: return "WAIT_TIMEOUT"
        case .interrupted: return "INTERRUPTED"
        case .brokenPipe: return "BROKEN_PIPE"
        case .terminated: return "TERMINATED"
        }
    }

    /// Exit status for an HTTP error status.
    public static func forHTTP(_ code: Int) -> ExitStatus {
        switch code {
        case 401, 403: return .auth
        case 404: return .notFound
        case 429: return .rateLimited
        case 400..<500: return .rejected
        default: return .server
        }
    }
}

/// Every failure the tool reports: one line of message, optional detail lines, the
/// server's request id and code, and the exit status. Commands throw these; `Runner`
/// prints them, as text or (under `-o json`/`ndjson`) as one JSON line of one shape.
public struct SoporteError: Error, Equatable, Sendable {
    public var status: ExitStatus
    public var message: String
    /// Lines shown under the message (`  email: The email field is required.`).
    public var details: [String]
    /// The request id as the server sent it (secrets replaced): `rendered` escapes it for
    /// the terminal, the JSON forms carry it as it is (docs/CONTRACT.md §12.1).
    public var requestID: String?
    /// The API's own error code (`RESOURCE_NOT_FOUND`); nil for errors of our own.
    public var apiCode: String?
    public var httpStatus: Int?
    /// The API's `details` object as sent, for the JSON form.
    public var apiDetails: JSONValue?
    /// Usage errors may point to a help page.
    public var helpPath: [String]?
    /// The request was sent again because an earlier answer was lost (a DELETE that
    /// then finds nothing did its work the first time).
    public var afterLostAnswer = false
    /// A request that is not safe to repeat was sent and its answer lost.
    public var outcomeUnknown = false
    /// The body of an error answer (secrets already replaced), for `api` to print.
    public var responseBody: [UInt8]?
    /// Under `health -o nagios`: the plugin state, set once the status line was printed.
    public var monitoringState: MonitoringState?

    public init(_ status: ExitStatus, _ message: String, details: [String] = [], requestID: String? = nil,
                apiCode: String? = nil, httpStatus: Int? = nil, apiDetails: JSONValue? = nil, helpPath: [String]? = nil) {
        self.status = status
        self.message = message
        self.details = details
        self.requestID = requestID
        self.apiCode = apiCode
        self.httpStatus = httpStatus
        self.apiDetails = apiDetails
        self.helpPath = helpPath
    }

    public static func usage(_ m: String, help: [String]? = nil) -> SoporteError { SoporteError(.usage, m, helpPath: help) }
    public static func config(_ m: String) -> SoporteError { SoporteError(.config, m) }

    /// A system call's failure, with the exit status its context calls for.
    public static func system(_ e: SystemError, _ status: ExitStatus) -> SoporteError { SoporteError(status, e.description) }

    /// The code scripts match on: the API's own, else ours.
    public var code: String { apiCode ?? status.code }

    /// docs/CONTRACT.md §10.7: `{"error": {"code", "message", "http_status", "exit_status",
    /// "request_id", "details"}}`, the same shape for the API's errors and ours.
    public var jsonLine: JSONValue {
        let details: JSONValue = apiDetails ?? (self.details.isEmpty ? .null : .array(self.details.map { .string($0) }))
        return .object(JSONObject([("error", .object(JSONObject([
            ("code", .string(code)),
            ("message", .string(message)),
            ("http_status", httpStatus.map { .int($0) } ?? .null),
            ("exit_status", .int(Int(status.rawValue))),
            ("request_id", requestID.map { .string($0) } ?? .null),
            ("details", details),
        ])))]))
    }

    /// The error as text for stderr (without the trailing newline).
    public var rendered: String {
        var s = "soporte: \(message)"
        for d in details { s += "\n  \(d)" }
        if let r = requestID { s += "\nrequest id: \(Sanitizer.forTerminal(r))" }
        return s
    }
}

/// monitoring-plugins states and their exit statuses (docs/CONTRACT.md §11.1).
public enum MonitoringState: Int32, Sendable, Equatable {
    case ok = 0, warning = 1, critical = 2, unknown = 3

    public var word: String {
        switch self {
        case .ok: return "OK"
        case .warning: return "WARNING"
        case .critical: return "CRITICAL"
        case .unknown: return "UNKNOWN"
        }
    }

    /// The state for an error: usage and configuration problems are UNKNOWN, everything
    /// else (unreachable, 5xx, auth, not healthy) CRITICAL.
    public static func of(_ e: SoporteError) -> MonitoringState {
        if let s = e.monitoringState { return s }
        switch e.status {
        case .usage, .config, .unexpected: return .unknown
        default: return .critical
        }
    }
}

