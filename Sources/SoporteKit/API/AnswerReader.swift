#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON

/// A successful answer: the parsed JSON (null for an empty body) and what came with it.
public struct APIAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var json: JSONValue
    /// As the server sent it in X-Request-ID (secrets replaced), else the one we sent;
    /// escaped where it is shown as text.
    public var requestID: String?
    /// The request was sent more than once because an earlier answer was lost.
    public var afterLostAnswer: Bool = false
    /// The body as received, for a call made with `decode: false` (else empty).
    public var body: [UInt8] = []
    /// There was no body to read (an empty one, or HEAD): `json` is null for want of
    /// one, not because the server said `null` (which `api` prints, docs/CONTRACT.md §12.1).
    public var emptyBody = false
}

/// Reads what the server sent: JSON parsed with limits, every echo of a secret replaced
/// (raw or escaped in any way JSON allows: a decoded string is checked too), header
/// values cleaned, and error answers turned into our error shape.
public struct AnswerReader: Sendable {
    public let secrets: Secrets
    /// An answer with more values than this is refused (memory stays bounded whatever
    /// the server sends; an API page holds a few thousand).
    public static let maxValues = 500_000

    public init(secrets: Secrets) { self.secrets = secrets }

    /// Parses a body, with echoed secrets replaced. Throws `JSONParseError`.
    /// A secret written plainly is found in the raw bytes (then every string is checked);
    /// one spelt with escapes can only be in a string that had escapes, which the parser
    /// hands over decoded, so the common page costs one scan of its bytes.
    public func json(_ body: [UInt8]) throws -> JSONValue {
        if secrets.entries.isEmpty { return try JSONParser.parse(body, maxValues: AnswerReader.maxValues) }
        let v = try JSONParser.parse(body, maxValues: AnswerReader.maxValues) { [secrets] s in
            secrets.containsValue(s) ? secrets.redact(s) : s
        }
        return secrets.contains(body) ? secrets.redact(v) : v
    }

    /// What a tape writer asks of a string that had escapes: its text with secrets
    /// replaced, or nil to keep it as written. Nil when the run knows no secret.
    public var escapedStrings: ((String) -> String?)? {
        if secrets.entries.isEmpty { return nil }
        return { [secrets] s in secrets.containsValue(s) ? secrets.redact(s) : nil }
    }

    /// Header values with secrets replaced.
    public func headers(_ h: [(String, String)]) -> [(String, String)] {
        h.map { ($0.0, secrets.redact($0.1)) }
    }

    /// Maps an HTTP error answer to our error: the API's envelope when there is one, else
    /// what the body says (Laravel's `message` and `errors`, `{"error": "text"}`, plain
    /// text, an HTML title: `ErrorBody`), shown the same way; the exit status is the HTTP
    /// status's (docs/CONTRACT.md §7) in every case.
    public func error(from resp: HTTPResponse, call: APICall, requestID: String?) -> SoporteError {
        let json = try? self.json(resp.body)
        let status = ExitStatus.forHTTP(resp.status)
        guard let obj = json?["error"]?.objectValue,
              let code = obj["code"]?.stringValue ?? obj["message"]?.stringValue else {
            if let said = ErrorBody.read(secrets.redact(resp.body), json: json, contentType: resp.header("Content-Type")) {
                return SoporteError(status, "\(Sanitizer.forTerminal(said.message)) (HTTP \(resp.status))",
                                    details: AnswerReader.detailLines(said.details), requestID: requestID,
                                    httpStatus: resp.status, apiDetails: said.details)
            }
            let ct = resp.header("Content-Type").map { secrets.redact($0) } ?? "no content type"
            let what = resp.body.isEmpty ? "an empty body" : "a body that is not the API's JSON (\(ct))"
            return SoporteError(status, "unexpected answer to \(call.method) \(call.path): HTTP \(resp.status) with \(what)",
                                requestID: requestID, httpStatus: resp.status)
        }
        let message = obj["message"]?.stringValue ?? code
        let rid = obj["request_id"]?.stringValue ?? requestID
        return SoporteError(status, "\(Sanitizer.forTerminal(message)) (HTTP \(resp.status) \(Sanitizer.forTerminal(code)))",
                            details: AnswerReader.detailLines(obj["details"]), requestID: rid, apiCode: code,
                            httpStatus: resp.status, apiDetails: obj["details"])
    }

    /// Detail lines (`email: The email field is required.`) of the envelope's `details`
    /// or Laravel's `errors`: a line per message of each field; other values as text.
    static func detailLines(_ details: JSONValue?) -> [String] {
        guard let d = details, !d.isNull else { return [] }
        guard let fields = d.objectValue else { return [Sanitizer.forTerminal(d.scalarText)] }
        var lines: [String] = []
        for (field, v) in fields.entries {
            for m in v.arrayValue ?? [v] { lines.append("\(Sanitizer.forTerminal(field)): \(Sanitizer.forTerminal(m.scalarText))") }
        }
        return lines
    }

    /// `error.retry_after` of an error body, if any.
    public func retryAfter(in body: [UInt8]) -> Double? {
        guard let v = (try? JSONParser.parse(body, maxValues: 10_000))?["error"]?["retry_after"]?.doubleValue,
              v.isFinite, v >= 0 else { return nil }
        return min(v, 1e9)
    }
}
