/// A request in API terms: a method, a path below the API URL, a query and a body.
public struct APICall: Sendable, Equatable {
    public var method: String
    public var path: String
    public var query: Query
    public var body: [UInt8]?
    /// False: the answer's bytes are handed back undecoded (`APIAnswer.body`), for a
    /// walk to read them into a tape on its own thread.
    public var decode: Bool

    public init(_ method: String, _ path: String, query: Query = Query(), body: [UInt8]? = nil, decode: Bool = true) {
        self.method = method.uppercased()
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.query = query
        self.body = body
        self.decode = decode
    }

    public var isMutating: Bool { ["POST", "PUT", "PATCH", "DELETE"].contains(method) }

    /// `GET /admin/system/health`, for messages.
    public var summary: String { "\(method) \(path)" }
}

/// Turns calls into requests with the headers of docs/CONTRACT.md §8, signs mutating ones, and
/// renders `--dry-run`'s curl line with every secret left as a shell variable.
public struct RequestBuilder: Sendable {
    public let apiURL: APIURL
    public let licenseKey: String?
    public let signingSecret: String?

    public init(settings: Settings) {
        apiURL = settings.apiURL
        licenseKey = settings.licenseKey
        signingSecret = settings.signingSecret
    }

    public func url(for call: APICall) -> String {
        let q = call.query.encoded
        return apiURL.text + call.path + (q.isEmpty ? "" : "?" + q)
    }

    /// Headers without Authorization (added at send time, or as a placeholder).
    public func headers(for call: APICall, requestID: String, timestampMillis: Int64) -> [(String, String)] {
        var h: [(String, String)] = [
            ("Accept", "application/json"),
            ("User-Agent", "soporte/\(Version.current)"),
            ("X-Client-Version", Version.current),
            ("X-Request-ID", requestID),
        ]
        if call.body != nil { h.append(("Content-Type", "application/json")) }
        if let l = licenseKey { h.append(("X-License-Key", l)) }
        if let secret = signingSecret, call.isMutating {
            let ts = String(timestampMillis)
            h.append(("X-Timestamp", ts))
            h.append(("X-Signature", RequestBuilder.signature(secret: secret, method: call.method, path: call.path,
                                                              timestamp: ts, body: call.body ?? [])))
        }
        return h
    }

    /// Lowercase hex HMAC-SHA256(secret, METHOD + PATH + TIMESTAMP + BODY) (docs/CONTRACT.md §8).
    public static func signature(secret: String, method: String, path: String, timestamp: String, body: [UInt8]) -> String {
        let msg = Array((method + path + timestamp).utf8) + body
        return HMACSHA256.hex(HMACSHA256.mac(key: Array(secret.utf8), message: msg))
    }

    /// The request as a runnable curl command line. The token and the license key are
    /// `$SOPORTE_API_TOKEN` and `$SOPORTE_LICENSE_KEY`, and any other secret in the body
    /// (a password) its placeholder, whatever characters the values hold (docs/CONTRACT.md §10.1);
    /// any other value under a secret-named key is masked as `-vv` masks it (docs/CONTRACT.md §12.2).
    public func curlLine(for call: APICall, requestID: String, timestampMillis: Int64, secrets: [Secrets.Entry]) -> String {
        var parts = ["curl", "-sS", "-X", call.method, ShellQuote.quote(url(for: call)),
                     "-H", "\"Authorization: Bearer $SOPORTE_API_TOKEN\""]
        for (k, v) in headers(for: call, requestID: requestID, timestampMillis: timestampMillis) {
            if k == "X-License-Key" {
                parts += ["-H", "\"X-License-Key: $SOPORTE_LICENSE_KEY\""]
            } else {
                parts += ["-H", ShellQuote.quote("\(k): \(v)")]
            }
        }
        if let b = call.body {
            let shown = SecretKeys.maskText(b, keep: { v in secrets.contains { $0.value == v } })
            parts += ["--data-binary", ShellQuote.quote(String(decoding: shown, as: UTF8.self), substituting: secrets)]
        }
        return parts.joined(separator: " ")
    }
}

/// POSIX shell quoting.
public enum ShellQuote {
    /// `'...'` with embedded single quotes as `'\''`; plain words stay bare.
    public static func quote(_ s: String) -> String {
        if !s.isEmpty, s.utf8.allSatisfy({ c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || "-_./:=,@%+".utf8.contains(c)
        }) { return s }
        return "'" + s.replacingAll("'", with: "'\\''") + "'"
    }

    /// Quotes `s` with each secret's JSON-escaped text replaced by its shell variable,
    /// outside the quotes: `'{"password":"'"$SOPORTE_PASSWORD"'"}'`.
    public static func quote(_ s: String, substituting secrets: [Secrets.Entry]) -> String {
        var pieces: [(text: String, variable: String?)] = [(s, nil)]
        for e in secrets {
            let escaped = Secrets.jsonEscaped(e.value, asciiOnly: false, upper: false)
            for needle in Set([e.value, escaped]) where !needle.isEmpty {
                pieces = pieces.flatMap { piece -> [(text: String, variable: String?)] in
                    guard piece.variable == nil, piece.text.contains(needle) else { return [piece] }
                    var out: [(text: String, variable: String?)] = []
                    var rest = piece.text[...]
                    while let r = rest.firstRange(of: needle) {
                        out.append((String(rest[..<r.lowerBound]), nil))
                        out.append(("", e.placeholder))
                        rest = rest[r.upperBound...]
                    }
                    out.append((String(rest), nil))
                    return out
                }
            }
        }
        return pieces.map { p in
            if let v = p.variable { return "\"\(v)\"" }
            return p.text.isEmpty ? "" : "'" + p.text.replacingAll("'", with: "'\\''") + "'"
        }.joined()
    }
}
