import SoporteJSON

/// What an error answer that is not the API's envelope says (docs/CONTRACT.md §12.1): the bodies
/// stock Laravel 8 sends (`{"message", "errors": {field: [...]}}`, `{"message"}`), the
/// `{"error": "text"}` of other frameworks, a proxy's plain text, an HTML page's title
/// (Laravel's maintenance 503, nginx's 502). Nil when nothing readable is in it: then the
/// error is "a body that is not the API's JSON". The text is as sent (secrets already
/// replaced by the caller); it is escaped for the terminal where it is shown.
public struct ErrorBody: Equatable, Sendable {
    public var message: String
    /// Field errors as sent (`{"password": ["..."]}`), for detail lines and the JSON
    /// error line's `details`.
    public var details: JSONValue?

    /// Plain text and titles are cut to this many characters (plus `…`): a proxy's page
    /// can be long, and a message is one line.
    public static let maxTextCharacters = 300

    public init(message: String, details: JSONValue?) {
        self.message = message
        self.details = details
    }

    /// `json` is the body parsed (nil when it is not JSON).
    public static func read(_ body: [UInt8], json: JSONValue?, contentType: String?) -> ErrorBody? {
        if let json { return fromJSON(json) }
        guard let text = String(validating: body, as: UTF8.self), !text.unicodeScalars.contains("\u{0}") else { return nil }
        let lower = text.lowercased()
        if contentType?.lowercased().contains("html") == true || lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html")
            || lower.trimmingWhitespace().hasPrefix("<") && lower.contains("<title") {
            return title(of: text).map { ErrorBody(message: $0, details: nil) }
        }
        return oneLine(text).map { ErrorBody(message: $0, details: nil) }
    }

    /// Laravel's `message` (with `errors`), or `error` as text, or a document that is a
    /// string.
    static func fromJSON(_ v: JSONValue) -> ErrorBody? {
        if case .string(let s) = v { return oneLine(s).map { ErrorBody(message: $0, details: nil) } }
        guard let o = v.objectValue else { return nil }
        let errors = o["errors"].flatMap { e -> JSONValue? in
            guard let d = e.objectValue, d.count > 0 else { return nil }
            return e
        }
        let said = [o["message"], o["error"]].lazy.compactMap { $0?.stringValue?.trimmingWhitespace() }.first { !$0.isEmpty }
        if let said { return ErrorBody(message: said, details: errors) }
        return errors.map { ErrorBody(message: "The answer lists field errors.", details: $0) }
    }

    /// The text of an HTML page's `<title>`, entities decoded, on one line.
    static func title(of html: String) -> String? {
        let bytes = Array(html.utf8)
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }  // ASCII only: the offsets stay
        guard let open = find(Array("<title".utf8), in: lower, from: 0),
              let gt = lower[open...].firstIndex(of: UInt8(ascii: ">")),
              let close = find(Array("</title".utf8), in: lower, from: gt + 1) else { return nil }
        return oneLine(decodeEntities(String(decoding: bytes[(gt + 1)..<close], as: UTF8.self)))
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;`, `&#NNN;`, `&#xHH;`; others stay.
    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(10).firstIndex(of: ";") {
                let name = after[..<semi]
                var scalar: Unicode.Scalar?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
                }
                if let u = scalar {
                    out.unicodeScalars.append(u)
                    rest = after[after.index(after: semi)...]
                    continue
                }
                if let text = named[String(name)] {
                    out += text
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }

    /// Runs of whitespace (newlines too) as one space, trimmed, cut to the maximum; nil
    /// when no letter or digit is left to read.
    static func oneLine(_ s: String) -> String? {
        var out = ""
        var space = false
        var count = 0
        for ch in s {
            if ch.isWhitespace { space = !out.isEmpty; continue }
            if count == maxTextCharacters { out += "…"; break }
            if space { out += " "; count += 1; space = false }
            if count == maxTextCharacters { out += "…"; break }
            out.append(ch)
            count += 1
        }
        guard out.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) else { return nil }
        return out
    }
}
