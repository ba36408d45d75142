/// Terminal cell widths: East Asian wide and fullwidth characters and emoji take two
/// cells, combining marks and zero-width characters none.
public enum DisplayWidth {
    public static func of(_ s: String) -> Int {
        var w = 0
        for c in s { w += of(c) }
        return w
    }

    public static func of(_ c: Character) -> Int {
        var width = 0
        for (i, u) in c.unicodeScalars.enumerated() {
            let sw = scalarWidth(u)
            if i == 0 { width = sw; continue }
            // An emoji presentation selector or a second wide scalar widens the cluster.
            if u.value == 0xFE0F || sw == 2 { width = 2 }
        }
        return width
    }

    static func scalarWidth(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x7F { return v < 0x20 ? 0 : 1 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (v >= 0x1160 && v <= 0x11FF) { return 0 }
        if isWide(v) || u.properties.isEmojiPresentation { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `s` cut to at most `width` cells, ending in `…` when cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = ""
        var used = 0
        for c in s {
            let cw = of(c)
            if used + cw > width - 1 { break }
            out.append(c)
            used += cw
        }
        return out + "…"
    }

    /// `s` padded with spaces to `width` cells.
    public static func pad(_ s: String, to width: Int) -> String {
        let w = of(s)
        return w >= width ? s : s + String(repeating: " ", count: width - w)
    }
}

/// Makes API text safe for a terminal: control characters and escape sequences are
/// shown as visible escapes (`\n`, `\t`, `\e`, `\x7f`, `\u{202e}`) instead of acting.
public enum Sanitizer {
    public static func forTerminal(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            guard needsEscape(u) else { out.unicodeScalars.append(u); continue }
            switch u.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x1B: out += "\\e"
            case 0..<0x100: out += "\\x" + hex2(u.value)
            default: out += "\\u{" + String(u.value, radix: 16) + "}"
            }
        }
        return out
    }

    static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) { return true }
        // Bidirectional overrides can make text lie about what it says.
        return (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }

    static func hex2(_ v: UInt32) -> String { (v < 16 ? "0" : "") + String(v, radix: 16) }

    /// For streaming formats on a terminal: escape controls except newline and tab.
    public static func controlsExceptLayout(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { needsEscape($0) && $0 != "\n" && $0 != "\t" }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if needsEscape(u) && u != "\n" && u != "\t" { out += forTerminal(String(u)) } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
