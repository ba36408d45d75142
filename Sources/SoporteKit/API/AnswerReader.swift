#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON

/// A successful answer: the parsed JSON (null for an empty body) and what came with it.
public struct APIAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var json: JSONValue
    public var requestID: String?
    /// The request was sent more than once because an earlier answer was lost.
    public var afterLostAnswer: Bool = false
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
    public func json(_ body: [UInt8]) throws -> JSONValue {
        let v = try JSONParser.parse(body, maxValues: AnswerReader.maxValues)
        // Escapes can spell a secret in ways no raw form covers; then check decoded text.
        if secrets.entries.isEmpty { return v }
        if secrets.contains(body) || AnswerReader.hasUnicodeEscape(body) { return secrets.redact(v) }
        return v
    }

    /// Header values with secrets replaced.
    public func headers(_ h: [(String, String)]) -> [(String, String)] {
        h.map { ($0.0, secrets.redact($0.1)) }
    }

    /// Whether the body holds a `\u` escape (memchr for each backslash).
    static func hasUnicodeEscape(_ body: [UInt8]) -> Bool {
        body.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return false }
            var i = 0
            while i < buf.count - 1, let p = memchr(base + i, 0x5C, buf.count - 1 - i) {
                let at = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                if buf[at + 1] == 0x75 { return true }
                i = at + 2
            }
            return false
        }
    }

    /// Maps an HTTP error answer to our error: the API's envelope when there is one.
    public func error(from resp: HTTPResponse, call: APICall, requestID: String?) -> SoporteError {
        let json = try? self.json(resp.body)
        let status = ExitStatus.forHTTP(resp.status)
        guard let obj = json?["error"]?.objectValue,
              let code = obj["code"]?.stringValue ?? obj["message"]?.stringValue else {
            let ct = resp.header("Content-Type").map { secrets.redact($0) } ?? "no content type"
            let what = resp.body.isEmpty ? "an empty body" : "a body that is not the API's JSON (\(ct))"
            return SoporteError(resp.status >= 500 || resp.status < 400 ? .server : status,
                                "unexpected answer to \(call.method) \(call.path): HTTP \(resp.status) with \(what)",
                                requestID: requestID, httpStatus: resp.status)
        }
        let message = obj["message"]?.stringValue ?? code
        var details: [String] = []
        if let d = obj["details"]?.objectValue {
            for (field, v) in d.entries {
                for m in v.arrayValue ?? [v] { details.append("\(Sanitizer.forTerminal(field)): \(Sanitizer.forTerminal(m.scalarText))") }
            }
        } else if let d = obj["details"], !d.isNull {
            details.append(Sanitizer.forTerminal(d.scalarText))
        }
        let rid = obj["request_id"]?.stringValue ?? requestID
        return SoporteError(status, "\(Sanitizer.forTerminal(message)) (HTTP \(resp.status) \(Sanitizer.forTerminal(code)))",
                            details: details, requestID: rid.map(Sanitizer.forTerminal), apiCode: code,
                            httpStatus: resp.status, apiDetails: obj["details"])
    }

    /// `error.retry_after` of an error body, if any.
    public func retryAfter(in body: [UInt8]) -> Double? {
        guard let v = (try? JSONParser.parse(body, maxValues: 10_000))?["error"]?["retry_after"]?.doubleValue,
              v.isFinite, v >= 0 else { return nil }
        return min(v, 1e9)
    }
}
