import SoporteSystem

/// Percent-encoding for query strings: everything but RFC 3986 unreserved characters
/// is encoded, so `&`, `+`, `#`, `=`, spaces and unicode all arrive intact.
public enum Percent {
    public static func encode(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Encodes a key like `filter[amount][gte]`, keeping the brackets readable.
    public static func encodeKey(_ k: String) -> String {
        encode(k).replacingAll("%5B", with: "[").replacingAll("%5D", with: "]")
    }

    public static func decode(_ s: Substring) -> String { PercentDecoding.string(s) }
}

/// An ordered list of query parameters.
public struct Query: Equatable, Sendable {
    public var items: [(String, String)] = []
    public init(_ items: [(String, String)] = []) { self.items = items }

    public static func == (a: Query, b: Query) -> Bool {
        a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public mutating func add(_ k: String, _ v: String) { items.append((k, v)) }

    public mutating func set(_ k: String, _ v: String) {
        items.removeAll { $0.0 == k }
        items.append((k, v))
    }

    public var encoded: String {
        items.map { Percent.encodeKey($0.0) + "=" + Percent.encode($0.1) }.joined(separator: "&")
    }
}
