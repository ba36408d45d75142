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

    /// `s` broken into lines of at most `width` cells, at spaces where it can.
    public static func wrap(_ s: String, to width: Int) -> [String] {
        guard width > 0, of(s) > width else { return [s] }
        var lines: [String] = []
        var line = ""
        var used = 0
        var lastSpace: String.Index?
        for c in s {
            let cw = of(c)
            if used + cw > width {
                if c == " " {
                    // The line is full just before a space: break there.
                    lines.append(line)
                    line = ""
                    used = 0
                    lastSpace = nil
                    continue
                }
                if let sp = lastSpace, sp > line.startIndex {
                    let head = String(line[..<sp])
                    let tail = String(line[line.index(after: sp)...])
                    lines.append(head)
                    line = tail
                    used = of(tail)
                } else {
                    lines.append(line)
                    line = ""
                    used = 0
                }
                lastSpace = nil
            }
            if c == " " { lastSpace = line.endIndex }
            line.append(c)
            used += cw
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
