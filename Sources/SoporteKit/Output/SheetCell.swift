import SoporteJSON

/// How one JSON value becomes a cell of a SpreadsheetML sheet (ECMA-376 Part 1, §18.3.1.4),
/// and the text pieces of the sheet's XML: escaping, cell references, date serials.
enum SheetCell {
    /// Styles of `styles.xml`'s cellXfs, by index.
    enum Style: Int { case plain = 0, header = 1, date = 2, dateTime = 3, dateTimeMillis = 4 }

    /// A date or date-time (ISO 8601, with `Z` or an offset) as the serial number of the
    /// 1900 date system in UTC, or nil when the text is not one (or is before 1900-03-01,
    /// where Excel's serials count a day that never was, 1900-02-29; such text stays text).
    static func dateSerial(_ s: UnsafeBufferPointer<UInt8>) -> (serial: [UInt8], style: Style)? {
        let n = s.count
        guard n == 10 || n >= 20, n <= 40 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= n else { return nil }
            var v = 0
            for i in at..<(at + count) {
                let d = Int(s[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let y = digits(0, 4), s[4] == 0x2D, let mo = digits(5, 2), s[7] == 0x2D, let d = digits(8, 2),
              (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y) else { return nil }
        var ms = 0
        var style = Style.date
        if n > 10 {
            guard s[10] == 0x54, let h = digits(11, 2), s[13] == 0x3A, let mi = digits(14, 2), s[16] == 0x3A,
                  let sec = digits(17, 2), h < 24, mi < 60, sec < 60 else { return nil }
            ms = ((h * 60 + mi) * 60 + sec) * 1000
            var i = 19
            if i < n, s[i] == 0x2E {
                i += 1
                var frac = 0, count = 0
                while i < n, s[i] >= 0x30, s[i] <= 0x39 {
                    if count < 4 { frac = frac * 10 + Int(s[i] - 0x30) }
                    count += 1
                    i += 1
                }
                guard count >= 1, count <= 9 else { return nil }
                if count < 4 { for _ in count..<4 { frac *= 10 } }
                ms += (frac + 5) / 10  // tenths of a millisecond, rounded
            }
            guard i < n else { return nil }
            switch s[i] {
            case 0x5A:
                guard i + 1 == n else { return nil }
            case 0x2B, 0x2D:
                guard i + 6 == n, let oh = digits(i + 1, 2), s[i + 3] == 0x3A, let om = digits(i + 4, 2), oh < 24, om < 60 else { return nil }
                let offset = (oh * 60 + om) * 60_000
                ms += s[i] == 0x2B ? -offset : offset
            default:
                return nil
            }
            style = ms % 1000 == 0 ? .dateTime : .dateTimeMillis
        }
        let dayMs = 86_400_000
        let total = daysFromCivil(y, mo, d) * dayMs + ms
        let days = total >= 0 ? total / dayMs : (total - dayMs + 1) / dayMs
        let serialDays = days + 25_569  // 1970-01-01 is serial 25569
        guard serialDays >= 61, serialDays <= 2_958_465 else { return nil }  // 1900-03-01 ... 9999-12-31
        var out = Array(String(serialDays).utf8)
        let rest = total - days * dayMs
        if rest > 0 {
            // Ten decimals of a day (8.64 µs): readers round back to the millisecond.
            var frac = String((rest * 10_000_000_000 + dayMs / 2) / dayMs)
            frac = String(repeating: "0", count: max(0, 10 - frac.count)) + frac
            while frac.hasSuffix("0") { frac.removeLast() }
            if !frac.isEmpty { out.append(0x2E); out += frac.utf8 }
        }
        return (out, style)
    }

    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// A number literal that a reader takes as a number: every JSON literal is an
    /// xsd:double, unless it is beyond a double's range (then the cell is its text).
    static func isFiniteNumber(_ literal: String) -> Bool {
        guard literal.utf8.count > 15 || literal.utf8.contains(where: { $0 == 0x65 || $0 == 0x45 }) else { return true }
        return Double(literal)?.isFinite ?? false
    }

    /// The column's letters: 0 is A, 26 is AA.
    static func columnName(_ index: Int) -> [UInt8] {
        var n = index + 1
        var out: [UInt8] = []
        while n > 0 {
            n -= 1
            out.insert(UInt8(65 + n % 26), at: 0)
            n /= 26
        }
        return out
    }

    /// Whether text needs more than copying into element content: markup characters, a CR
    /// (which XML readers turn into LF), what XML 1.0 forbids, or an `_` that may start
    /// OOXML's `_xHHHH_` escape.
    static func needsEscaping(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x5F || $0 == 0xEF }
    }

    /// Appends text as XML element content. Characters XML 1.0 cannot hold at all (C0
    /// controls but TAB, LF and CR; U+FFFE, U+FFFF) are written as OOXML's `_xHHHH_` escape
    /// (ECMA-376 Part 1, §22.9.2.19 ST_Xstring), which Excel and LibreOffice read back
    /// as the character; so that text that already looks like that escape stays itself,
    /// its `_` is written `_x005F_`. CR is `&#13;`, which XML keeps.
    static func appendEscaped(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        func isHex(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c) }
        var i = 0
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x26: out += "&amp;".utf8
            case 0x3C: out += "&lt;".utf8
            case 0x3E: out += "&gt;".utf8
            case 0x0D: out += "&#13;".utf8
            case 0x09, 0x0A: out.append(c)
            case 0..<0x20: out += "_x00".utf8; out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 0xF)]); out.append(0x5F)
            case 0x5F:
                if i + 6 < b.count, b[i + 1] == 0x78, isHex(b[i + 2]), isHex(b[i + 3]), isHex(b[i + 4]), isHex(b[i + 5]), b[i + 6] == 0x5F {
                    out += "_x005F_".utf8
                } else {
                    out.append(c)
                }
            case 0xEF where i + 2 < b.count && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF):
                out += (b[i + 2] == 0xBE ? "_xFFFE_" : "_xFFFF_").utf8
                i += 2
            default: out.append(c)
            }
            i += 1
        }
    }

    /// Text for an attribute value in double quotes.
    static func attribute(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case "\"": out += "&quot;"
            default: if c.value >= 0x20 { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
