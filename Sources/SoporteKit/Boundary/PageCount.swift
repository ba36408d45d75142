import SoporteJSON

/// A number of the paginator's (`meta.current_page`, `last_page`, `per_page`, `total`):
/// a non-negative whole number, in any JSON spelling of one (`5`, `5.0`, `5e0`, `50e-1`:
/// PHP's `json_encode(ceil(...))` gives `5.0`) or a string of decimal digits.
/// docs/BOUNDARIES.md, "Page metadata".
public enum PageCount {
    /// Larger counts are not believed (no collection has a billion pages).
    public static let maximum = 1_000_000_000_000

    public enum Reading: Equatable, Sendable {
        /// The key is absent or null: the server did not say.
        case absent
        case count(Int)
        /// Present and not a non-negative whole number: the text, for the message.
        case invalid(String)
    }

    public static func read(_ v: JSONValue?) -> Reading {
        guard let v, !v.isNull else { return .absent }
        switch v {
        case .number(let n): return whole(n).map(Reading.count) ?? .invalid(n)
        case .string(let s):
            let u = s.utf8
            guard !u.isEmpty, u.count <= 13, u.allSatisfy(ASCII.isDigit), let n = Int(s), n <= maximum else { return .invalid(JSONWriter.compact(v)) }
            return .count(n)
        default: return .invalid(JSONWriter.compact(v))
        }
    }

    /// The whole number a JSON number literal spells, or nil when it is negative (but
    /// for zero), has a fraction, or is beyond `maximum`. Exact: no Double involved.
    static func whole(_ literal: String) -> Int? {
        var u = Substring(literal).utf8
        var negative = false
        if u.first == UInt8(ascii: "-") { negative = true; u = u.dropFirst() }
        var digits: [UInt8] = []
        var point: Int?
        var exponent = 0
        var i = u.startIndex
        while i < u.endIndex {
            let b = u[i]
            if ASCII.isDigit(b) { digits.append(b - 0x30) }
            else if b == UInt8(ascii: ".") { guard point == nil else { return nil }; point = digits.count }
            else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                let rest = String(Substring(u[u.index(after: i)...]))
                let sign = rest.hasPrefix("-") ? -1 : 1
                let mag = rest.drop { $0 == "+" || $0 == "-" }
                // An exponent past a few digits is either no whole number we accept or zero.
                guard !mag.isEmpty, mag.utf8.allSatisfy(ASCII.isDigit) else { return nil }
                guard mag.count <= 4, let e = Int(mag) else { return digits.allSatisfy { $0 == 0 } ? 0 : nil }
                exponent = sign * e
                break
            } else { return nil }
            i = u.index(after: i)
        }
        guard !digits.isEmpty else { return nil }
        // The value is digits × 10^(exponent - fraction digits); the integer part ends at `end`.
        let end = (point ?? digits.count) + exponent
        if digits.allSatisfy({ $0 == 0 }) { return 0 }
        if negative { return nil }
        guard end >= 0 else { return nil }
        if end < digits.count, digits[end...].contains(where: { $0 != 0 }) { return nil }
        var n = 0
        for k in 0..<end {
            let d = k < digits.count ? Int(digits[k]) : 0
            guard n <= maximum / 10 else { return nil }
            n = n * 10 + d
        }
        return n <= maximum ? n : nil
    }
}
