/// Why a document is not JSON, with the byte offset where reading stopped.
public struct JSONParseError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    public let offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

/// A byte-level JSON parser (RFC 8259) that keeps number literals and key order; of
/// duplicate keys the last wins, at the place of the first (docs/CONTRACT.md §12.1).
public struct JSONParser {
    /// Deeper documents are refused rather than risking the stack.
    public static let defaultMaxDepth = 512

    /// Parses one document. `maxValues` bounds how many values (of any kind) it may
    /// hold, so that a hostile body cannot make the tree take unbounded memory.
    /// `escaped`, when given, sees every string (key or value) that was written with
    /// escapes, once decoded, and returns what to keep instead: text that could hide from
    /// a search of the raw bytes can only be in those.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth, maxValues: Int = Int.max,
                             escaped: ((String) -> String)? = nil) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buf in
            var p = Cursor(buf: buf, maxDepth: maxDepth, maxValues: maxValues)
            p.escapedHook = escaped
            p.skipSpace()
            let v = try p.value(depth: 0)
            p.skipSpace()
            if p.i != buf.count { throw p.error("unexpected data after the JSON value") }
            return v
        }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth, maxValues: Int = Int.max) throws -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth, maxValues: maxValues)
    }

    private struct Cursor {
        let buf: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        let maxValues: Int
        var values = 0
        var escapedHook: ((String) -> String)?
        var i = 0
        /// The keys of the last object read at each depth, as read (duplicates too), and
        /// whether they are all different. Items of a page share their keys, so a
        /// matching object reuses this array instead of allocating its own, and is known
        /// to have no duplicate key without a look.
        var lastKeys: [[String]] = []
        var lastKeysUnique: [Bool] = []

        init(buf: UnsafeBufferPointer<UInt8>, maxDepth: Int, maxValues: Int) {
            self.buf = buf
            self.maxDepth = maxDepth
            self.maxValues = maxValues
        }

        func error(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: i) }

        mutating func skipSpace() {
            while i < buf.count {
                switch buf[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard i < buf.count else { throw error("unexpected end of input") }
            values += 1
            if values > maxValues { throw error("more than \(maxValues) values") }
            switch buf[i] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character '\(printable(buf[i]))'")
            }
        }

        func printable(_ b: UInt8) -> String {
            b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
        }

        mutating func literal(_ word: StaticString) throws {
            let n = word.utf8CodeUnitCount
            guard i + n <= buf.count else { throw error("unexpected end of input") }
            let w = word.utf8Start
            for k in 0..<n where buf[i + k] != w[k] { throw error("invalid literal") }
            i += n
        }

        mutating func object(depth: Int) throws -> JSONValue {
            if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
            i += 1
            while lastKeys.count <= depth { lastKeys.append([]); lastKeysUnique.append(true) }
            let template = lastKeys[depth]
            var keys: [String] = []      // used once the keys stop matching the template
            var diverged = false
            var matched = 0
            var values: [JSONValue] = []
            values.reserveCapacity(template.count)
            skipSpace()
            if i < buf.count, buf[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject()) }
            while true {
                skipSpace()
                guard i < buf.count else { throw error("unexpected end of input") }
                guard buf[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                if !diverged && matched < template.count && template[matched] == key {
                    matched += 1
                } else {
                    if !diverged {
                        diverged = true
                        keys = Array(template[0..<matched])
                    }
                    keys.append(key)
                }
                skipSpace()
                guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                i += 1
                skipSpace()
                values.append(try value(depth: depth))
                skipSpace()
                guard i < buf.count else { throw error("unexpected end of input") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "}") { i += 1; break }
                throw error("expected ',' or '}'")
            }
            let finalKeys: [String]
            let unique: Bool
            if diverged {
                finalKeys = keys
                unique = !JSONObject.hasDuplicates(keys[...])
                lastKeys[depth] = keys
                lastKeysUnique[depth] = unique
            } else if matched == template.count {
                finalKeys = template
                unique = lastKeysUnique[depth]
            } else {
                unique = lastKeysUnique[depth] || !JSONObject.hasDuplicates(template[0..<matched])
                finalKeys = Array(template[0..<matched])
            }
            // Duplicate keys: the last one wins, at the first one's place (docs/CONTRACT.md §12.1).
            return .object(unique ? JSONObject(keys: finalKeys, values: values) : JSONObject(lastWins: finalKeys, values: values))
        }

        mutating func array(depth: Int) throws -> JSONValue {
            if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < buf.count, buf[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth))
                skipSpace()
                guard i < buf.count else { throw error("unexpected end of input") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw error("expected ',' or ']'")
            }
        }

        mutating func number() throws -> String {
            let start = i
            try JSONGrammar.number(buf, &i)
            return String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
        }

        mutating func string() throws -> String {
            i += 1  // opening quote
            let start = i
            // Fast path: no escapes.
            while i < buf.count {
                let b = buf[i]
                if b == UInt8(ascii: "\"") {
                    let s = try makeString(start, i)
                    i += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw error("control character in a string") }
                i += 1
            }
            var out: [UInt8] = Array(UnsafeBufferPointer(rebasing: buf[start..<i]))
            while i < buf.count {
                let b = buf[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    guard let s = String(validating: out, as: UTF8.self) else {
                        throw JSONParseError(message: "invalid UTF-8 in a string", offset: start)
                    }
                    return escapedHook.map { $0(s) } ?? s
                }
                if b < 0x20 { throw error("control character in a string") }
                if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
                i += 1
                guard i < buf.count else { break }
                try JSONGrammar.escape(buf, &i, into: &out, keep: true)
            }
            throw error("unterminated string")
        }

        func makeString(_ a: Int, _ b: Int) throws -> String {
            let slice = UnsafeBufferPointer(rebasing: buf[a..<b])
            // ASCII needs no validation.
            var ascii = true
            for c in slice where c >= 0x80 { ascii = false; break }
            if ascii { return String(decoding: slice, as: UTF8.self) }
            guard let s = String(validating: slice, as: UTF8.self) else {
                throw JSONParseError(message: "invalid UTF-8 in a string", offset: a)
            }
            return s
        }
    }
}
