import SoporteSystem

/// Percent-encoding for query strings: everything but RFC 3986 unreserved characters
/// is encoded, so `&`, `+`, `#`, `=`, spaces and unicode all arrive intact.
public enum Percent {
    public static func encode(_ s: String) -> String { encode(s, keepingBrackets: false) }

    /// Encodes a key like `filter[amount][gte]`, keeping the brackets readable.
    public static func encodeKey(_ k: String) -> String { encode(k, keepingBrackets: true) }

    static func encode(_ s: String, keepingBrackets: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.append(b)
            case 0x5B where keepingBrackets, 0x5D where keepingBrackets:
                out.append(b)
            default:
                out += [0x25, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ s: Substring) -> String { PercentDecoding.string(s) }
}
