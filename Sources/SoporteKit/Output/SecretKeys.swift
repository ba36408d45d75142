import SoporteJSON

/// Keys whose values are secrets wherever they appear (docs/CONTRACT.md §10.1, §12.2): `password`,
/// `token`, `secret`, `signing_secret`, `license_key` in any case, and any key holding
/// `password` (`new_password`). One rule for what `-vv` and `--dry-run` mask and for the
/// `KEY=VALUE` flags that refuse such a key.
public enum SecretKeys {
    public static let names: Set<String> = ["password", "token", "secret", "signing_secret", "license_key"]

    public static func isSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        return names.contains(k) || k.contains("password")
    }

    /// A parsed document with the value under every secret-named key, at any depth,
    /// replaced by `[redacted]`.
    public static func mask(_ v: JSONValue) -> JSONValue {
        switch v {
        case .array(let a): return .array(a.map(mask))
        case .object(let o):
            let values = zip(o.keys, o.values).map { k, v -> JSONValue in isSecret(k) ? .string(Secrets.mark) : mask(v) }
            return .object(JSONObject(keys: o.keys, values: values))
        default: return v
        }
    }

    // MARK: - Text that is not (or not all) JSON

    /// The same masking done on the text, for a body that is cut or is not valid JSON:
    /// wherever a string followed by `:` names a secret key, the value after it (a string
    /// to its closing unescaped quote, an object or array to its matching bracket, else a
    /// bare word), or all the rest when the text ends first, becomes `"[redacted]"`. All
    /// else stays byte for byte. `keep` spares a string value (decoded) that `--dry-run`
    /// shows as a variable instead.
    public static func maskText(_ text: [UInt8], keep: (String) -> Bool = { _ in false }) -> [UInt8] {
        let n = text.count
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i < n {
            guard let q = text[i...].firstIndex(of: quote) else { break }
            guard let keyEnd = stringEnd(text, from: q, limit: 256) else { i = q + 1; continue }
            var j = skipBlanks(text, keyEnd)
            guard j < n, text[j] == UInt8(ascii: ":"), isSecret(decoded(text[q..<keyEnd])) else { i = q + 1; continue }
            j = skipBlanks(text, j + 1)
            guard j < n else { break }
            let end = valueEnd(text, from: j)
            if text[j] == quote, end <= n, text[end - 1] == quote, end - j >= 2, keep(decoded(text[j..<end])) {
                i = end
                continue
            }
            if out.isEmpty { out.reserveCapacity(n) }
            out.append(contentsOf: text[copied..<j])
            out.append(contentsOf: "\"\(Secrets.mark)\"".utf8)
            copied = end
            i = end
        }
        if copied == 0 { return text }
        out.append(contentsOf: text[copied...])
        return out
    }

    static let quote = UInt8(ascii: "\"")

    /// The index after the closing quote of the string that opens at `from`, or nil when
    /// none comes within `limit` bytes (or before the end).
    static func stringEnd(_ t: [UInt8], from: Int, limit: Int = Int.max) -> Int? {
        var k = from + 1
        let stop = limit == Int.max ? t.count : min(t.count, from + 1 + limit)
        while k < stop {
            switch t[k] {
            case quote: return k + 1
            case UInt8(ascii: "\\"): k += 2
            default: k += 1
            }
        }
        return nil
    }

    /// Where the value that starts at `from` ends (the end of the text when it is cut).
    static func valueEnd(_ t: [UInt8], from: Int) -> Int {
        switch t[from] {
        case quote:
            return stringEnd(t, from: from) ?? t.count
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var k = from
            while k < t.count {
                switch t[k] {
                case quote:
                    guard let e = stringEnd(t, from: k) else { return t.count }
                    k = e
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return k + 1 }
                default: break
                }
                k += 1
            }
            return t.count
        default:
            var k = from
            while k < t.count, !",}] \t\r\n".utf8.contains(t[k]) { k += 1 }
            return k
        }
    }

    static func skipBlanks(_ t: [UInt8], _ from: Int) -> Int {
        var k = from
        while k < t.count, " \t\r\n".utf8.contains(t[k]) { k += 1 }
        return k
    }

    /// A quoted string's text with its escapes decoded (as written when they do not parse).
    static func decoded(_ quoted: ArraySlice<UInt8>) -> String {
        if case .string(let s)? = try? JSONParser.parse(Array(quoted), maxValues: 1) { return s }
        return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
    }
}
