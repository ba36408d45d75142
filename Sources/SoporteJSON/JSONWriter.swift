/// Serializes `JSONValue`s, compact or pretty (two spaces), appending UTF-8 bytes to a buffer.
public enum JSONWriter {
    public static func compact(_ v: JSONValue) -> String {
        var out: [UInt8] = []
        write(v, into: &out, indent: nil, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    public static func pretty(_ v: JSONValue) -> String {
        var out: [UInt8] = []
        write(v, into: &out, indent: 2, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `v` to `out`; `indent` nil means compact.
    public static func write(_ v: JSONValue, into out: inout [UInt8], indent: Int?, level: Int) {
        switch v {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(0x5B); out.append(0x5D); return }
            out.append(0x5B)
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(0x2C) }
                newline(&out, indent, level + 1)
                write(item, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(0x5D)
        case .object(let o):
            if o.count == 0 { out.append(0x7B); out.append(0x7D); return }
            out.append(0x7B)
            var first = true
            for (key, value) in o.entries {
                if !first { out.append(0x2C) }
                first = false
                newline(&out, indent, level + 1)
                writeString(key, into: &out)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                write(value, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(0x7D)
        }
    }

    @inline(__always)
    static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        for _ in 0..<(indent * level) { out.append(0x20) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal. `"`, `\\` and control characters are escaped, and so
    /// are the characters that are harmless to a JSON reader but not to a terminal or a
    /// JavaScript reader (docs/CONTRACT.md §10.2): C1 controls, U+2028, U+2029 and the bidi overrides
    /// U+202A-U+202E and U+2066-U+2069, as `\\uXXXX`. Everything else is kept as UTF-8, and
    /// runs of bytes that need nothing are copied in one go.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { buf in writeStringBody(buf, into: &out) }
        out.append(0x22)
    }

    /// The inside of a string literal (no quotes) for UTF-8 text.
    public static func writeStringBody(_ buf: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var runStart = 0
        var i = 0
        let n = buf.count
        while i < n {
            let b = buf[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C && b != 0x7F && b != 0xC2 && b != 0xE2 {
                i += 1
                continue
            }
            // Which character, and how many bytes it takes, if it must be escaped.
            var escapeScalar: UInt32? = nil
            var width = 1
            if b == 0xC2 {
                if i + 1 < n, buf[i + 1] >= 0x80, buf[i + 1] <= 0x9F {
                    escapeScalar = UInt32(buf[i + 1]); width = 2
                } else { i += 1; continue }
            } else if b == 0xE2 {
                if i + 2 < n, buf[i + 1] == 0x80, buf[i + 2] >= 0xA8, buf[i + 2] <= 0xAE {
                    escapeScalar = 0x2000 + UInt32(buf[i + 2] - 0x80); width = 3
                } else if i + 2 < n, buf[i + 1] == 0x81, buf[i + 2] >= 0xA6, buf[i + 2] <= 0xA9 {
                    escapeScalar = 0x2040 + UInt32(buf[i + 2] - 0x80); width = 3
                } else { i += 1; continue }
            }
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
            if let u = escapeScalar {
                appendUnicodeEscape(u, into: &out)
            } else {
                switch b {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(0x6E)
                case 0x0D: out.append(0x5C); out.append(0x72)
                case 0x09: out.append(0x5C); out.append(0x74)
                case 0x08: out.append(0x5C); out.append(0x62)
                case 0x0C: out.append(0x5C); out.append(0x66)
                default: appendUnicodeEscape(UInt32(b), into: &out)
                }
            }
            i += width
            runStart = i
        }
        if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n])) }
    }

    @inline(__always)
    static func appendUnicodeEscape(_ u: UInt32, into out: inout [UInt8]) {
        out.append(0x5C); out.append(0x75)
        out.append(hexDigits[Int(u >> 12 & 0xF)])
        out.append(hexDigits[Int(u >> 8 & 0xF)])
        out.append(hexDigits[Int(u >> 4 & 0xF)])
        out.append(hexDigits[Int(u & 0xF)])
    }
}
