/// Makes text from outside safe to show on a terminal (docs/CONTRACT.md §10.2): control characters
/// (C0, DEL, C1) and bidirectional overrides are shown as visible escapes (`\x1b`, `\x07`,
/// `\u202e`) instead of acting on the terminal or reordering what it shows.
public enum Sanitizer {
    /// For one cell or one value inside a message: everything escaped, newlines too, so
    /// that server text can neither move the cursor nor forge a line of its own.
    public static func forTerminal(_ s: String) -> String {
        escape(s) { _ in true }
    }

    /// For a whole stream (stderr): newlines and tabs are layout and stay; every other
    /// control character is escaped.
    public static func escapeControls(_ s: String, keepNewlines: Bool) -> String {
        escape(s) { u in !(keepNewlines && (u == "\n" || u == "\t")) }
    }

    /// True when `u` must not reach a terminal raw.
    @inline(__always)
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) { return true }
        return isBidiControl(v)
    }

    /// U+202A-U+202E and U+2066-U+2069: they make text lie about what it says.
    @inline(__always)
    public static func isBidiControl(_ v: UInt32) -> Bool {
        (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }

    private static func escape(_ s: String, when: (Unicode.Scalar) -> Bool) -> String {
        // Fast path: no byte below 0x20, DEL, or a lead byte that can start C1 (0xC2) or
        // a bidi control (0xE2).
        var clean = true
        for b in s.utf8 where b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2 {
            clean = false
            break
        }
        if clean { return s }
        guard s.unicodeScalars.contains(where: { isUnsafe($0) && when($0) }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            guard isUnsafe(u) && when(u) else { out.unicodeScalars.append(u); continue }
            switch u.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x100: out += "\\x" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
            default: out += "\\u" + String(u.value, radix: 16)
            }
        }
        return out
    }
}
