/// Pieces of the JSON grammar that the tree parser and the tape share.
enum JSONGrammar {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Scans a number literal at `i` (RFC 8259), leaving `i` just past it.
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
}
