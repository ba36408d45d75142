/// Pieces of the JSON grammar that the tree parser and the tape share.
enum JSONGrammar {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Scans a number literal at `i` (RFC 8259), leaving `i` just past it.
    @inline(__always)
    static func number(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws -> Void {
        func fail(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: i) }
        if buf[i] == UInt8(ascii: "-") { i += 1 }
        guard i < buf.count else { throw fail("unexpected end of input in a number") }
        if buf[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(buf[i]) {
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        } else {
            throw fail("invalid number")
        }
        if i < buf.count, buf[i] == UInt8(ascii: ".") {
            i += 1
            guard i < buf.count, isDigit(buf[i]) else { throw fail("invalid number: digit expected after '.'") }
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        }
        if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            i += 1
            if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
            guard i < buf.count, isDigit(buf[i]) else { throw fail("invalid number: digit expected in exponent") }
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        }
    }

    /// Four hex digits of a `\\u` escape at `i`.
    static func hex4(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws -> UInt32 {
        guard i + 4 <= buf.count else { throw JSONParseError(message: "unexpected end of input in \\u escape", offset: i) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = buf[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw JSONParseError(message: "invalid hex digit in \\u escape", offset: i)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// One escape, `i` at the byte after its backslash (which must exist), leaving `i`
    /// just past it: checked (a `\u` high surrogate needs its low one), and its UTF-8
    /// appended to `out` when `keep`. The parser, the tape's scan (keep: false) and the
    /// tape's decoding share it.
    @inline(__always)
    static func escape(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int, into out: inout [UInt8], keep: Bool) throws {
        func fail(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: i) }
        let e = buf[i]
        i += 1
        let simple: UInt8
        switch e {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            var scalar = try hex4(buf, &i)
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard i + 1 < buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") else { throw fail("lone high surrogate") }
                i += 2
                let low = try hex4(buf, &i)
                guard low >= 0xDC00 && low < 0xE000 else { throw fail("invalid low surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw fail("lone low surrogate")
            }
            guard let u = Unicode.Scalar(scalar) else { throw fail("invalid unicode escape") }
            if keep { UTF8.encode(u) { out.append($0) } }
            return
        default:
            i -= 1
            throw fail("invalid escape")
        }
        if keep { out.append(simple) }
    }
}
