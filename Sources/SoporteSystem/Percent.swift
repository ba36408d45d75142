/// Percent-decoding of URL paths and query components (`+` is a space in queries).
public enum PercentDecoding {
    /// Decoded bytes; `%` not followed by two hex digits is kept as it is.
    public static func bytes<S: Sequence>(_ s: S, plusIsSpace: Bool = true) -> [UInt8] where S.Element == UInt8 {
        let u = Array(s)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            if u[i] == 0x25, i + 2 < u.count, let h = hexValue(u[i + 1]), let l = hexValue(u[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(plusIsSpace && u[i] == 0x2B ? 0x20 : u[i])
                i += 1
            }
        }
        return out
    }

    /// Decoded text, with bytes that are not UTF-8 shown as U+FFFD.
    public static func string(_ s: Substring, plusIsSpace: Bool = true) -> String {
        String(decoding: bytes(s.utf8, plusIsSpace: plusIsSpace), as: UTF8.self)
    }

    public static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
