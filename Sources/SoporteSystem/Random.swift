#if canImport(Glibc)
import Glibc
#endif

/// Random identifiers.
public enum Random {
    /// A random UUID (version 4) from the kernel's random source.
    public static func uuid() -> String {
        // Two 64-bit draws: one getrandom call each, not one per byte.
        var g = SystemRandomNumberGenerator()
        let (x, y) = (g.next(), g.next())
        var b = (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? x : y) >> (UInt64(i % 8) * 8)) }
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, v) in b.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(0x2D) }
            out.append(digits[Int(v >> 4)])
            out.append(digits[Int(v & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
