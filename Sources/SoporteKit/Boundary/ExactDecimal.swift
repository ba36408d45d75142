/// An exact decimal number, for the sums of `list --sum` (docs/CONTRACT.md §14.2): a sign, a magnitude
/// in base-10^9 limbs (least significant first) and a scale (digits after the point). It is
/// made from a JSON number literal (exponents included: `1e3` is 1000, `2.5E-2` is 0.025) or
/// from a string that holds a plain decimal (`"100.10"`, `"-3.5"`, as Laravel sends money),
/// and it only adds: no `Double` anywhere, so `100.10 + 0.20` is `100.30`. A sum keeps the
/// larger scale of its terms (`100.10 + 0.2` is `100.30`).
public struct ExactDecimal: Equatable, Sendable, CustomStringConvertible {
    static let base: UInt64 = 1_000_000_000
    /// The most digits a term may spell out (integer digits, and the scale alike): a literal
    /// such as `1e999999999` is exact but would need a gigabyte, so it is not a number here.
    public static let maxDigits = 4096

    var negative: Bool
    /// Least significant first; no zero limb at the top (zero is `[]`).
    var limbs: [UInt32]
    /// Digits after the decimal point.
    public private(set) var scale: Int

    public static let zero = ExactDecimal(negative: false, limbs: [], scale: 0)

    init(negative: Bool, limbs: [UInt32], scale: Int) {
        var l = limbs
        while l.last == 0 { l.removeLast() }
        self.negative = negative && !l.isEmpty
        self.limbs = l
        self.scale = scale
    }

    /// A JSON number literal (`-12.50`, `1e3`, `2.5E-2`), as the grammar allows it.
    public init?<C: Collection>(jsonNumber text: C) where C.Element == UInt8 {
        guard let d = ExactDecimal.parse(Array(text), exponent: true) else { return nil }
        self = d
    }

    /// A string that holds a plain decimal: an optional `-`, digits, and optionally a `.`
    /// and digits (`"100.10"`, `"-3.5"`, `"7"`). No exponent, sign `+`, space or comma.
    public init?(plainDecimal text: String) {
        guard let d = ExactDecimal.parse(Array(text.utf8), exponent: false) else { return nil }
        self = d
    }

    // MARK: - Parsing

    static func parse(_ b: [UInt8], exponent allowExponent: Bool) -> ExactDecimal? {
        let n = b.count
        var i = 0
        var negative = false
        if i < n && b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var digits: [UInt8] = []
        let intStart = i
        while i < n, ASCII.isDigit(b[i]) { digits.append(b[i] - 0x30); i += 1 }
        guard i > intStart else { return nil }
        var fraction = 0
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            let s = i
            while i < n, ASCII.isDigit(b[i]) { digits.append(b[i] - 0x30); i += 1 }
            guard i > s else { return nil }
            fraction = i - s
        }
        var exp = 0
        if allowExponent, i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { expNegative = b[i] == UInt8(ascii: "-"); i += 1 }
            let s = i
            while i < n, ASCII.isDigit(b[i]) {
                // Beyond the digit limit either way: not a number we spell out (no overflow).
                if exp > 4 * maxDigits { return nil }
                exp = exp * 10 + Int(b[i] - 0x30)
                i += 1
            }
            guard i > s else { return nil }
            if expNegative { exp = -exp }
        }
        guard i == n else { return nil }
        if let first = digits.firstIndex(where: { $0 != 0 }) { digits.removeFirst(first) } else { digits = [] }
        var scale = fraction - exp
        if digits.isEmpty {
            scale = max(0, scale)
        } else if scale < 0 {
            guard digits.count - scale <= maxDigits else { return nil }
            digits += [UInt8](repeating: 0, count: -scale)
            scale = 0
        }
        guard scale <= maxDigits, digits.count <= maxDigits + scale else { return nil }
        // Limbs from the last nine digits up.
        var limbs: [UInt32] = []
        limbs.reserveCapacity(digits.count / 9 + 1)
        var end = digits.count
        while end > 0 {
            let start = max(0, end - 9)
            var v: UInt32 = 0
            for k in start..<end { v = v * 10 + UInt32(digits[k]) }
            limbs.append(v)
            end = start
        }
        return ExactDecimal(negative: negative, limbs: limbs, scale: scale)
    }

    // MARK: - Arithmetic

    public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        let s = max(a.scale, b.scale)
        let x = a.rescaled(s), y = b.rescaled(s)
        if x.negative == y.negative {
            return ExactDecimal(negative: x.negative, limbs: add(x.limbs, y.limbs), scale: s)
        }
        switch compare(x.limbs, y.limbs) {
        case 0: return ExactDecimal(negative: false, limbs: [], scale: s)
        case 1: return ExactDecimal(negative: x.negative, limbs: subtract(x.limbs, y.limbs), scale: s)
        default: return ExactDecimal(negative: y.negative, limbs: subtract(y.limbs, x.limbs), scale: s)
        }
    }

    public static func += (a: inout ExactDecimal, b: ExactDecimal) { a = a + b }

    /// -1, 0 or 1 as `a` is below, equal to or above `b` (numerically: `1.0` equals `1`).
    public static func compare(_ a: ExactDecimal, _ b: ExactDecimal) -> Int {
        if a.negative != b.negative { return a.negative ? -1 : 1 }
        let s = max(a.scale, b.scale)
        let c = compare(a.rescaled(s).limbs, b.rescaled(s).limbs)
        return a.negative ? -c : c
    }

    /// The same value with `s` digits after the point (`s` at least the scale).
    func rescaled(_ s: Int) -> ExactDecimal {
        guard s > scale, !limbs.isEmpty else { return ExactDecimal(negative: negative, limbs: limbs, scale: s) }
        var k = s - scale
        var l = limbs
        if k >= 9 {
            l.insert(contentsOf: [UInt32](repeating: 0, count: k / 9), at: 0)
            k %= 9
        }
        if k > 0 {
            var m: UInt64 = 1
            for _ in 0..<k { m *= 10 }
            var carry: UInt64 = 0
            for i in l.indices {
                let v = UInt64(l[i]) * m + carry
                l[i] = UInt32(v % ExactDecimal.base)
                carry = v / ExactDecimal.base
            }
            if carry > 0 { l.append(UInt32(carry)) }
        }
        return ExactDecimal(negative: negative, limbs: l, scale: s)
    }

    static func add(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(max(a.count, b.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<max(a.count, b.count) {
            let v = (i < a.count ? UInt64(a[i]) : 0) + (i < b.count ? UInt64(b[i]) : 0) + carry
            out.append(UInt32(v % base))
            carry = v / base
        }
        if carry > 0 { out.append(UInt32(carry)) }
        return out
    }

    /// `a - b` for magnitudes with `a >= b`.
    static func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out = a
        var borrow: Int64 = 0
        for i in out.indices {
            var v = Int64(a[i]) - borrow - (i < b.count ? Int64(b[i]) : 0)
            if v < 0 { v += Int64(base); borrow = 1 } else { borrow = 0 }
            out[i] = UInt32(v)
        }
        while out.last == 0 { out.removeLast() }
        return out
    }

    static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in a.indices.reversed() where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }

    // MARK: - Text

    /// The value's text without trailing zeros after the point: equal values, equal text
    /// (`1`, `1.0` and `1e0` are all `1`; `1.50` is `1.5`).
    public var canonical: String {
        var t = description
        guard scale > 0 else { return t }
        while t.last == "0" { t.removeLast() }
        if t.last == "." { t.removeLast() }
        return t
    }

    /// Plain decimal text with `scale` digits after the point (`100.30`, `-0.5`, `0`):
    /// also a valid JSON number literal.
    public var description: String {
        var digits = ""
        if let top = limbs.last {
            digits = String(top)
            for l in limbs.dropLast().reversed() {
                let s = String(l)
                digits += String(repeating: "0", count: 9 - s.count) + s
            }
        }
        if digits.count < scale + 1 { digits = String(repeating: "0", count: scale + 1 - digits.count) + digits }
        if scale > 0 { digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale)) }
        return (negative ? "-" : "") + digits
    }
}
