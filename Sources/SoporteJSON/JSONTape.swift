/// A JSON document as a flat array of tokens over its bytes (as simdjson's tape): no
/// allocation per value, so a page of a walk costs one validating pass. Each token is a
/// value (or an object key) with its byte range; containers know where their subtree
/// ends. Writers copy byte ranges and re-encode only what must change (the output is the
/// one `JSONWriter` makes of the same value: strings decoded, docs/CONTRACT.md §12.1); `value(at:)`
/// builds a `JSONValue` where one is needed.
public struct JSONTape: Sendable {
    public enum Kind: UInt8, Sendable { case object, array, string, number, `true`, `false`, null }

    /// 20 bytes: the kind, a byte of flags, the range and the links (a page holds a
    /// token per ten bytes or so, and a walk writes each once).
    public struct Token: Sendable {
        public var kind: Kind
        @usableFromInline var flags: UInt8 = 0
        /// Bytes: for a string its contents between the quotes, for a number its literal,
        /// for a container from its opening to its closing bracket.
        public var start: Int32
        public var end: Int32
        /// The index just after this value's subtree (containers), or `self + 1`.
        public var next: Int32
        /// Members (objects: key/value pairs) or elements (arrays).
        public var count: Int32

        public init(kind: Kind, escaped: Bool = false, unsafe: Bool = false, start: Int32, end: Int32, next: Int32, count: Int32) {
            self.kind = kind
            self.start = start
            self.end = end
            self.next = next
            self.count = count
            self.escaped = escaped
            self.unsafe = unsafe
        }

        @inlinable func flag(_ bit: UInt8) -> Bool { flags & bit != 0 }
        @inlinable mutating func set(_ bit: UInt8, _ on: Bool) { flags = on ? flags | bit : flags & ~bit }

        /// A string holds `\` escapes; a container holds such a string, at any depth.
        @inlinable public var escaped: Bool { get { flag(1) } set { set(1, newValue) } }
        /// A string holds raw bytes that JSON output must escape (C1, U+2028/2029, bidi
        /// overrides, DEL): see `JSONWriter.writeRawStringBody`.
        @inlinable public var unsafe: Bool { get { flag(2) } set { set(2, newValue) } }
        /// A string holds an escape that JSON output writes otherwise (`\/`, `\u00e9`, a
        /// surrogate pair, upper-case hex: output is decoded, docs/CONTRACT.md §12.1). The escapes it
        /// writes itself (`\"`, `\\`, `\n`, `\u001b`...) are copied as they are.
        @inlinable public var recode: Bool { get { flag(4) } set { set(4, newValue) } }
        /// A container whose bytes are already its compact output: no whitespace inside,
        /// no string with bytes to escape or an escape to write otherwise, no duplicate
        /// key. Copied whole (when it is also `escaped`, once no string with escapes in it
        /// has a secret to replace).
        @inlinable public var verbatim: Bool { get { flag(8) } set { set(8, newValue) } }
        /// An object with a key more than once. Read as JavaScript and jq read it (docs/CONTRACT.md
        /// §12.1): each key once, at its first place, with its last value (`members`,
        /// `member`, `value(at:)` and the writers do). What holds it is not verbatim.
        @inlinable public var duplicates: Bool { get { flag(16) } set { set(16, newValue) } }
        /// A container whose bytes are its compact output but for some strings inside
        /// (no whitespace, no duplicate key): written as a copy with those strings patched.
        @inlinable public var patchable: Bool { get { flag(32) } set { set(32, newValue) } }
    }

    public private(set) var bytes: [UInt8] = []
    public private(set) var tokens: [Token] = []

    public init() {}

    /// Parses `bytes` (RFC 8259, UTF-8 checked) into this tape.
    public mutating func parse(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth, maxValues: Int = Int.max) throws {
        self.bytes = bytes
        tokens = []
        guard bytes.count < Int(Int32.max) else { throw JSONParseError(message: "document too large", offset: 0) }
        // Room for a token per 8 bytes first (an API page has one per 10 or so); a denser
        // document is scanned again with room for a token per byte, which no document
        // can outrun, valid or not (each token starts at a byte of its own), so its own
        // error is the one reported. Neither is more than the value cap allows (a token
        // is a value or a key), so a huge body reserves no more than its values may fill.
        let most = maxValues < Int.max / 4 ? 2 * maxValues + 4 : Int.max
        if let t = try JSONTape.scan(bytes, room: min(bytes.count / 8 + 64, most), maxDepth: maxDepth, maxValues: maxValues) {
            tokens = t
        } else if let t = try JSONTape.scan(bytes, room: min(bytes.count + 1, most), maxDepth: maxDepth, maxValues: maxValues) {
            tokens = t
        } else {
            throw JSONParseError(message: "more values than bytes", offset: 0)
        }
    }

    /// The tokens of `bytes`, written straight into an array of `room` (no check of
    /// uniqueness or capacity per token); nil when they do not fit.
    private static func scan(_ bytes: [UInt8], room: Int, maxDepth: Int, maxValues: Int) throws -> [Token]? {
        var full = false
        let t = try [Token](unsafeUninitializedCapacity: room) { out, count in
            count = 0
            try bytes.withUnsafeBufferPointer { buf in
                var s = Scanner(buf: buf, out: out, maxDepth: maxDepth, maxValues: maxValues)
                // Tokens are plain values: whatever was written stands, even on a throw.
                defer { count = s.n }
                do {
                    s.skipSpace()
                    try s.value(depth: 0)
                    s.skipSpace()
                    if s.i != buf.count { throw s.error("unexpected data after the JSON value") }
                } catch is Scanner.OutOfRoom {
                    full = true
                }
            }
        }
        return full ? nil : t
    }

    // MARK: - Navigation

    public subscript(i: Int) -> Token { tokens[i] }

    /// The members of the object at `i`: (key token index, value token index); of
    /// duplicate keys, the first key's token with the last one's value.
    public func members(_ i: Int) -> MemberSequence { MemberSequence(tape: self, object: i) }

    /// The members of an object that has duplicate keys, each key once at its first place
    /// with its last value (keys compared decoded).
    func uniqueMembers(_ i: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var place: [String: Int] = [:]
        var ki = i + 1
        let end = Int(tokens[i].next)
        while ki < end {
            let k = decodedString(ki)
            if let p = place[k] { out[p].1 = ki + 1 } else {
                place[k] = out.count
                out.append((ki, ki + 1))
            }
            ki = Int(tokens[ki + 1].next)
        }
        return out
    }

    /// The elements of the array at `i`: token indices.
    public func elements(_ i: Int) -> ElementSequence { ElementSequence(tape: self, array: i) }

    /// The value of key `key` (UTF-8, compared with its decoded text) in the object at `i`.
    public func member(_ i: Int, _ key: String) -> Int? {
        guard tokens[i].kind == .object else { return nil }
        var key = key
        let last = tokens[i].duplicates  // then the last of the key's values is the one
        // A native string's bytes, read in place (an item's "id" is looked up per item).
        return key.withUTF8 { k in
            var ki = i + 1
            let end = Int(tokens[i].next)
            var found: Int?
            while ki < end {
                if keyEquals(ki, k) {
                    if !last { return ki + 1 }
                    found = ki + 1
                }
                ki = Int(tokens[ki + 1].next)
            }
            return found
        }
    }

    func keyEquals(_ ki: Int, _ k: UnsafeBufferPointer<UInt8>) -> Bool {
        let t = tokens[ki]
        if t.escaped { return decodedString(ki).utf8.elementsEqual(k) }
        let n = Int(t.end - t.start)
        guard n == k.count else { return false }
        for j in 0..<n where bytes[Int(t.start) + j] != k[j] { return false }
        return true
    }

    /// The raw bytes of a token (for a string, its contents without quotes).
    public func raw(_ i: Int) -> ArraySlice<UInt8> { bytes[Int(tokens[i].start)..<Int(tokens[i].end)] }

    /// A string token's decoded text.
    public func decodedString(_ i: Int) -> String {
        let t = tokens[i]
        guard t.escaped else { return String(decoding: raw(i), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(Int(t.end - t.start))
        decode(i, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The decoded text of every string with escapes (keys too), each followed by a NUL
    /// (which no secret holds): what one search for secrets spelt with escapes needs to
    /// look at, for a whole document.
    public func escapedStringsDecoded() -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            switch t.kind {
            case .object, .array:
                // A container with none inside is stepped over whole.
                i = t.escaped ? i + 1 : Int(t.next)
            case .string:
                if t.escaped {
                    decode(i, into: &out)
                    out.append(0)
                }
                i += 1
            default:
                i += 1
            }
        }
        return out
    }

    /// Appends a string token's decoded bytes.
    private func decode(_ i: Int, into out: inout [UInt8]) {
        let t = tokens[i]
        bytes.withUnsafeBufferPointer { b in JSONTape.decode(b, Int(t.start), Int(t.end), into: &out) }
    }

    /// Appends the decoded bytes of the string contents `start..<end` of `b`. The scan
    /// checked every escape (a `\u` high surrogate has its low one), so this only decodes,
    /// in one pass, runs without escapes copied whole.
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        var k = start
        var run = start
        while k < end {
            guard b[k] == 0x5C else { k += 1; continue }
            if k > run { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<k])) }
            k += 1
            // The scan checked it; should it fail anyway, the text stops there, marked.
            do { try JSONGrammar.escape(b, &k, into: &out, keep: true) } catch { out += [0xEF, 0xBF, 0xBD]; return }
            run = k
        }
        if end > run { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<end])) }
    }

    /// The integer of a number token without fraction or exponent.
    public func int(_ i: Int) -> Int? {
        let t = tokens[i]
        switch t.kind {
        case .number, .string: return Int(String(decoding: raw(i), as: UTF8.self))
        default: return nil
        }
    }

    /// The value at `i` as a `JSONValue` (allocates: for the places that need one).
    /// `escapedString` may replace the text of strings that had escapes.
    public func value(at i: Int, escapedString: ((String) -> String?)? = nil) -> JSONValue {
        func text(_ k: Int) -> String {
            let s = decodedString(k)
            if tokens[k].escaped, let f = escapedString, let r = f(s) { return r }
            return s
        }
        let t = tokens[i]
        switch t.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(String(decoding: raw(i), as: UTF8.self))
        case .string: return .string(text(i))
        case .array: return .array(elements(i).map { value(at: $0, escapedString: escapedString) })
        case .object:
            var keys: [String] = []
            var values: [JSONValue] = []
            keys.reserveCapacity(Int(t.count))
            values.reserveCapacity(Int(t.count))
            for (k, v) in members(i) {
                keys.append(text(k))
                values.append(value(at: v, escapedString: escapedString))
            }
            return .object(JSONObject(keys: keys, values: values))
        }
    }

    /// A value's text as a table or CSV cell shows it (`JSONValue.scalarText`): a string
    /// decoded, a literal as written, a container as compact JSON.
    public func scalarText(_ i: Int) -> String {
        switch tokens[i].kind {
        case .string: return decodedString(i)
        case .null: return ""
        case .number, .true, .false: return String(decoding: raw(i), as: UTF8.self)
        case .array, .object:
            var out: [UInt8] = []
            JSONWriter.write(self, i, into: &out, indent: nil, level: 0)
            return String(decoding: out, as: UTF8.self)
        }
    }

    public struct MemberSequence: Sequence {
        let tape: JSONTape
        let object: Int
        public func makeIterator() -> AnyIterator<(Int, Int)> {
            if tape.tokens[object].duplicates {
                var unique = tape.uniqueMembers(object).makeIterator()
                return AnyIterator { unique.next() }
            }
            var i = object + 1
            let end = Int(tape.tokens[object].next)
            return AnyIterator {
                guard i < end else { return nil }
                let key = i
                let value = i + 1
                i = Int(tape.tokens[value].next)
                return (key, value)
            }
        }
    }

    public struct ElementSequence: Sequence {
        let tape: JSONTape
        let array: Int
        public func makeIterator() -> AnyIterator<Int> {
            var i = array + 1
            let end = Int(tape.tokens[array].next)
            return AnyIterator {
                guard i < end else { return nil }
                defer { i = Int(tape.tokens[i].next) }
                return i
            }
        }
    }

    // MARK: - Scanning

    private struct Scanner {
        let buf: UnsafeBufferPointer<UInt8>
        /// Where tokens go, and how many there are so far.
        let out: UnsafeMutableBufferPointer<Token>
        var n = 0
        let maxDepth: Int
        let maxValues: Int
        var i = 0
        var values = 0
        /// Counts what keeps a container from being copied whole (whitespace, strings with
        /// bytes to escape): unchanged across a container means verbatim.
        var rewrites = 0
        /// Counts what only a rewrite of the structure mends (whitespace, duplicate keys):
        /// unchanged across a container means a copy with strings patched will do.
        var restructures = 0
        /// Counts strings with escapes: unchanged across a container means it has none.
        var escapes = 0
        /// Per depth, the key signatures of the last object there that was checked, and
        /// whether they are all different (and no key had escapes). Items of a page share
        /// their keys: an object whose keys, none with escapes, have those signatures in
        /// that order (or the first of them) has no key twice, as two equal keys would
        /// have equal signatures, without a look of its own.
        /// Depth `d`'s template is `signatures[d * templateKeys ..< d * templateKeys +
        /// templateCount[d]]` (one flat array: no reference counting per object).
        var signatures: [KeySignature] = []
        var templateCount: [Int] = []
        var templateTrusted: [Bool] = []

        /// A key's first eight bytes mixed with its length: one comparison per key for a
        /// page's items. Equal keys have equal signatures; that is all the template needs.
        typealias KeySignature = UInt64

        /// Objects with more keys are checked alone (with a set) and make no template.
        static let templateKeys = 32

        struct OutOfRoom: Error {}

        init(buf: UnsafeBufferPointer<UInt8>, out: UnsafeMutableBufferPointer<Token>, maxDepth: Int, maxValues: Int) {
            self.buf = buf
            self.out = out
            self.maxDepth = maxDepth
            self.maxValues = maxValues
        }

        func error(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: i) }

        /// Appends a token; `next` is set to the index after it (containers set their own).
        @inline(__always)
        mutating func token(_ kind: Kind, escaped: Bool = false, unsafe: Bool = false, _ start: Int, _ end: Int) throws {
            guard n < out.count else { throw OutOfRoom() }
            out[n] = Token(kind: kind, escaped: escaped, unsafe: unsafe, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end),
                           next: Int32(truncatingIfNeeded: n + 1), count: 0)
            n += 1
        }

        @inline(__always)
        mutating func skipSpace() {
            // Compact JSON has none: one comparison says so.
            guard i < buf.count, buf[i] <= 0x20 else { return }
            skipSomeSpace()
        }

        mutating func skipSomeSpace() {
            let from = i
            while i < buf.count {
                let b = buf[i]
                guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { break }
                i += 1
            }
            if i != from { rewrites += 1; restructures += 1 }
        }

        @inline(__always)
        mutating func value(depth: Int) throws {
            guard i < buf.count else { throw error("unexpected end of input") }
            values += 1
            if values > maxValues { throw error("more than \(maxValues) values") }
            switch buf[i] {
            case UInt8(ascii: "{"): try container(object: true, depth: depth + 1)
            case UInt8(ascii: "["): try container(object: false, depth: depth + 1)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true", .true)
            case UInt8(ascii: "f"): try literal("false", .false)
            case UInt8(ascii: "n"): try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw error("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString, _ kind: Kind) throws {
            let len = word.utf8CodeUnitCount
            guard i + len <= buf.count else { throw error("unexpected end of input") }
            let w = word.utf8Start
            for k in 0..<len where buf[i + k] != w[k] { throw error("invalid literal") }
            try token(kind, i, i + len)
            i += len
        }

        mutating func container(object: Bool, depth: Int) throws {
            if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
            let me = n
            try token(object ? .object : .array, i, i)
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let (rewritesBefore, escapesBefore, restructuresBefore) = (rewrites, escapes, restructures)
            if object && templateCount.count <= depth {
                while templateCount.count <= depth { templateCount.append(0); templateTrusted.append(false) }
                signatures += repeatElement(0, count: (depth + 1) * Scanner.templateKeys - signatures.count)
            }
            i += 1
            skipSpace()
            var count: Int32 = 0
            if i < buf.count, buf[i] == close {
                i += 1
            } else {
                while true {
                    skipSpace()
                    if object {
                        guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw error(i < buf.count ? "expected a string key" : "unexpected end of input") }
                        try string()
                        skipSpace()
                        guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                        i += 1
                        skipSpace()
                    }
                    try value(depth: depth)
                    count += 1
                    skipSpace()
                    guard i < buf.count else { throw error("unexpected end of input") }
                    if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                    if buf[i] == close { i += 1; break }
                    throw error(object ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
            out[me].end = Int32(truncatingIfNeeded: i)
            out[me].next = Int32(truncatingIfNeeded: n)
            out[me].count = count
            if object && count > 1 && !fitsTemplate(me, depth: depth) {
                let templateBase = depth * Scanner.templateKeys
                let (unique, keySignatures, trusted) = checkKeys(me)
                for (k, sig) in keySignatures.enumerated() { signatures[templateBase + k] = sig }
                templateCount[depth] = keySignatures.count
                templateTrusted[depth] = trusted
                if !unique {
                    out[me].duplicates = true
                    rewrites += 1  // written with each key once: not its own output
                    restructures += 1
                }
            }
            out[me].verbatim = rewrites == rewritesBefore
            out[me].patchable = restructures == restructuresBefore
            out[me].escaped = escapes != escapesBefore
        }

        /// Whether the object at `me` (complete) has, in order, keys without escapes whose
        /// signatures are the first of its depth's trusted template: then no key is twice.
        @inline(__always)
        func fitsTemplate(_ me: Int, depth: Int) -> Bool {
            guard templateTrusted[depth], Int(out[me].count) <= templateCount[depth] else { return false }
            // (Indices in range: the template has a slot per key, the keys' tokens are written.)
            return signatures.withUnsafeBufferPointer { sigs in
                var i = depth &* Scanner.templateKeys
                var k = me &+ 1
                while k < n {
                    let key = out[k]
                    guard !key.escaped, sigs[i] == signature(key.start, key.end) else { return false }
                    i &+= 1
                    k = Int(out[k &+ 1].next)
                }
                return true
            }
        }

        @inline(__always)
        func signature(_ start: Int32, _ end: Int32) -> KeySignature {
            let (s, length) = (Int(start), Int(end &- start))
            var w: UInt64 = 0
            if s &+ 8 <= buf.count {
                w = UnsafeRawPointer(buf.baseAddress.unsafelyUnwrapped + s).loadUnaligned(as: UInt64.self)  // little-endian
                if length < 8 { w &= (UInt64(1) &<< (8 &* UInt64(truncatingIfNeeded: length))) &- 1 }
            } else {
                for k in 0..<min(length, 8) { w |= UInt64(buf[s + k]) << (8 * UInt64(k)) }
            }
            return w ^ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
        }

        /// Whether `buf[a..<b]` and `buf[c..<d]` hold the same bytes.
        func sameBytes(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) -> Bool {
            guard b - a == d - c else { return false }
            var x = Int(a), y = Int(c)
            while x < Int(b) {
                if buf[x] != buf[y] { return false }
                x += 1
                y += 1
            }
            return true
        }

        /// The object at `me` (complete): whether its keys are all different (compared
        /// decoded), their signatures, and whether those may serve as a template (all
        /// different, no key with escapes). Distinct signatures of keys without escapes
        /// settle it; otherwise pairs are compared, or for many keys a set is used (a
        /// hostile object of many keys stays linear, and makes no template).
        func checkKeys(_ me: Int) -> (unique: Bool, signatures: [KeySignature], trusted: Bool) {
            func decoded(_ k: Int) -> [UInt8] {
                var d: [UInt8] = []
                JSONTape.decode(buf, Int(out[k].start), Int(out[k].end), into: &d)
                return d
            }
            var keys: [Int] = []
            keys.reserveCapacity(Int(out[me].count))
            var k = me + 1
            while k < n {
                keys.append(k)
                k = Int(out[k + 1].next)
            }
            guard keys.count <= Scanner.templateKeys else {
                var seen = Set<[UInt8]>(minimumCapacity: keys.count)
                for k in keys where !seen.insert(decoded(k)).inserted { return (false, [], false) }
                return (true, [], false)
            }
            let signatures = keys.map { signature(out[$0].start, out[$0].end) }
            var distinct = true
            outer: for a in signatures.indices {
                for b in signatures.indices where b < a && signatures[a] == signatures[b] {
                    distinct = false
                    break outer
                }
            }
            let escapes = keys.contains { out[$0].escaped }
            if distinct && !escapes { return (true, signatures, true) }
            for a in keys.indices {
                for b in keys.indices where b < a {
                    let (p, q) = (keys[a], keys[b])
                    let same = !out[p].escaped && !out[q].escaped
                        ? sameBytes(out[p].start, out[p].end, out[q].start, out[q].end)
                        : decoded(p) == decoded(q)
                    if same { return (false, signatures, false) }
                }
            }
            return (true, signatures, false)
        }

        mutating func number() throws {
            let start = i
            try JSONGrammar.number(buf, &i)
            try token(.number, start, i)
        }

        /// A string: escapes checked (a `\u` pair must make a valid scalar), raw bytes
        /// checked as UTF-8, and flagged when JSON output must escape some of them.
        @inline(__always)
        mutating func string() throws {
            // `j` stands for `i` in the loop (kept in a register; `i` is set before a call
            // or a throw that reads it).
            var j = i + 1
            let start = j
            let end = buf.count  // (`n` is the count of tokens)
            var escaped = false
            var unsafe = false
            var recode = false
            // The opening quote was read, so the buffer has a base.
            let base = buf.baseAddress!
            while true {
                // Eight bytes at a time up to the first that is below 0x20, '"', '\\', DEL or
                // not ASCII: the lowest flagged byte of a word is exact (see `special`).
                while j + 8 <= end {
                    let flags = Scanner.special(UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
                    if flags != 0 {
                        j += flags.trailingZeroBitCount >> 3
                        break
                    }
                    j += 8
                }
                guard j < end else { break }
                let b = base[j]
                if b == UInt8(ascii: "\"") {
                    try token(.string, escaped: escaped, unsafe: unsafe, start, j)
                    if unsafe { rewrites += 1 }
                    if escaped { escapes += 1 }
                    if recode {
                        // Written decoded (docs/CONTRACT.md §12.1): what holds it is not its own output.
                        out[n - 1].recode = true
                        rewrites += 1
                    }
                    i = j + 1
                    return
                }
                if b < 0x7F && b >= 0x20 && b != UInt8(ascii: "\\") { j += 1; continue }
                i = j
                if b < 0x20 { throw error("control character in a string") }
                if b == UInt8(ascii: "\\") {
                    escaped = true
                    let canonical = try escape()
                    if !canonical { recode = true }
                } else if b == 0x7F {
                    unsafe = true
                    i += 1
                } else {
                    try utf8Scalar(&unsafe)
                }
                j = i
            }
            i = j
            throw error("unterminated string")
        }

        /// The high bit of each of the eight bytes of `w` (loaded little-endian) that is
        /// below 0x20, '"', '\\', DEL or not ASCII; zero when none is. A borrow can flag a
        /// byte above (later than) one truly flagged, never below it, so the lowest flag
        /// is always a true one.
        @inline(__always)
        static func special(_ w: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            func zeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
            let below20 = (w &- ones &* 0x20) & ~w & highs
            return below20 | zeroByte(w ^ (ones &* 0x22)) | zeroByte(w ^ (ones &* 0x5C)) | zeroByte(w ^ (ones &* 0x7F)) | (w & highs)
        }

        /// One escape, checked; true when JSON output writes it so itself (a short escape
        /// but `\/`, or `\u` in lower-case hex for a character it escapes: C0 without a
        /// short form, DEL, C1, U+2028/2029, the bidi overrides), false when output spells
        /// it otherwise (decoded).
        mutating func escape() throws -> Bool {
            i += 1
            guard i < buf.count else { throw error("unterminated string") }
            let at = i
            var nothing: [UInt8] = []
            try JSONGrammar.escape(buf, &i, into: &nothing, keep: false)
            switch buf[at] {
            case UInt8(ascii: "/"): return false
            case UInt8(ascii: "u"):
                guard i - at == 5 else { return false }  // a surrogate pair: written as UTF-8
                var v: UInt32 = 0
                for k in at + 1...at + 4 {
                    let c = buf[k]
                    switch c {
                    case 0x30...0x39: v = v << 4 | UInt32(c - 0x30)
                    case 0x61...0x66: v = v << 4 | UInt32(c - 0x61 + 10)
                    default: return false  // upper-case hex
                    }
                }
                switch v {
                case 0x08, 0x09, 0x0A, 0x0C, 0x0D: return false  // written \b \t \n \f \r
                case 0x00..<0x20, 0x7F, 0x80...0x9F, 0x2028...0x202E, 0x2066...0x2069: return true
                default: return false
                }
            default: return true
            }
        }

        /// One multi-byte UTF-8 sequence (well-formed per RFC 3629), flagging the ones
        /// JSON output escapes.
        mutating func utf8Scalar(_ unsafe: inout Bool) throws {
            let b0 = buf[i]
            let bad = JSONParseError(message: "invalid UTF-8 in a string", offset: i)
            func cont(_ k: Int) throws -> UInt8 {
                guard i + k < buf.count, buf[i + k] & 0xC0 == 0x80 else { throw bad }
                return buf[i + k]
            }
            switch b0 {
            case 0xC2...0xDF:
                let b1 = try cont(1)
                if b0 == 0xC2 && b1 <= 0x9F { unsafe = true }
                i += 2
            case 0xE0...0xEF:
                let b1 = try cont(1)
                _ = try cont(2)
                if b0 == 0xE0 && b1 < 0xA0 { throw bad }           // overlong
                if b0 == 0xED && b1 > 0x9F { throw bad }           // surrogates
                if b0 == 0xE2 && ((b1 == 0x80 && buf[i + 2] >= 0xA8 && buf[i + 2] <= 0xAE) || (b1 == 0x81 && buf[i + 2] >= 0xA6 && buf[i + 2] <= 0xA9)) {
                    unsafe = true
                }
                i += 3
            case 0xF0...0xF4:
                let b1 = try cont(1)
                _ = try cont(2)
                _ = try cont(3)
                if b0 == 0xF0 && b1 < 0x90 { throw bad }           // overlong
                if b0 == 0xF4 && b1 > 0x8F { throw bad }           // past U+10FFFF
                i += 4
            default:
                throw bad
            }
        }
    }
}

extension JSONWriter {
    /// Writes the value at `index` of a tape, compact or pretty, as `write(_:into:...)`
    /// writes the same value (docs/CONTRACT.md §12.1: one rule for list and get): byte ranges copied,
    /// whitespace dropped, strings re-encoded only where they hold raw bytes that JSON
    /// output escapes or escapes it writes otherwise (decoded), each key once.
    /// `escapedString` may replace a string's text (a secret found once decoded) and is
    /// asked only for strings that had escapes.
    public static func write(_ tape: JSONTape, _ index: Int, into out: inout [UInt8], indent: Int?, level: Int,
                             escapedString: ((String) -> String?)? = nil) {
        // A container that is its own compact output (most items of a page): one copy,
        // none of the recursion's set-up.
        let t = tape.tokens[index]
        if indent == nil && t.verbatim && !t.escaped {
            out.append(contentsOf: tape.bytes[Int(t.start)..<Int(t.end)])
            return
        }
        tape.bytes.withUnsafeBufferPointer { bytes in
            tape.tokens.withUnsafeBufferPointer { tokens in
                var w = TapeWriter(bytes: bytes, tokens: tokens, tape: tape, indent: indent, escapedString: escapedString)
                w.write(index, level: level, into: &out)
            }
        }
    }

    /// The recursion of `write(_:_:into:...)` over the tape's buffers (no reference
    /// counting per value).
    struct TapeWriter {
        let bytes: UnsafeBufferPointer<UInt8>
        let tokens: UnsafeBufferPointer<JSONTape.Token>
        let tape: JSONTape
        let indent: Int?
        let escapedString: ((String) -> String?)?
        /// A string's decoded bytes (kept between strings: no allocation per string).
        var decoded: [UInt8] = []

        /// No string with escapes in the container at `index` has its text replaced
        /// (a container's tokens are the ones up to its `next`).
        func keepsEveryString(_ index: Int) -> Bool {
            guard let f = escapedString else { return true }
            for k in index + 1..<Int(tokens[index].next) where tokens[k].kind == .string && tokens[k].escaped {
                if f(tape.decodedString(k)) != nil { return false }
            }
            return true
        }

        @inline(__always)
        func copy(_ start: Int32, _ end: Int32, into out: inout [UInt8]) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(end)]))
        }

        mutating func write(_ index: Int, level: Int, into out: inout [UInt8]) {
            let t = tokens[index]
            switch t.kind {
            case .null, .true, .false, .number:
                copy(t.start, t.end, into: &out)
            case .string:
                if t.escaped, let f = escapedString, let replaced = f(tape.decodedString(index)) {
                    writeString(replaced, into: &out)
                    return
                }
                out.append(0x22)
                if t.recode {
                    writeDecoded(t, into: &out)
                } else if t.unsafe {
                    writeRawStringBody(tape.bytes[Int(t.start)..<Int(t.end)], into: &out)
                } else {
                    copy(t.start, t.end, into: &out)
                }
                out.append(0x22)
            case .array, .object:
                if indent == nil && t.verbatim && (!t.escaped || keepsEveryString(index)) {
                    copy(t.start, t.end, into: &out)
                    return
                }
                if indent == nil && t.patchable {
                    patch(index, into: &out)
                    return
                }
                let object = t.kind == .object
                if t.count == 0 { out.append(object ? 0x7B : 0x5B); out.append(object ? 0x7D : 0x5D); return }
                if t.duplicates {
                    writeUnique(index, level: level, into: &out)
                    return
                }
                out.append(object ? 0x7B : 0x5B)
                var e = index + 1
                let end = Int(t.next)
                while e < end {
                    if e != index + 1 { out.append(0x2C) }
                    newline(&out, indent, level + 1)
                    if object {
                        write(e, level: 0, into: &out)
                        out.append(0x3A)
                        if indent != nil { out.append(0x20) }
                        e += 1
                    }
                    write(e, level: level + 1, into: &out)
                    e = Int(tokens[e].next)
                }
                newline(&out, indent, level)
                out.append(object ? 0x7D : 0x5D)
            }
        }

        /// The inside of a string with escapes that output writes otherwise: decoded, then
        /// written as `JSONWriter` writes any string (docs/CONTRACT.md §12.1).
        mutating func writeDecoded(_ s: JSONTape.Token, into out: inout [UInt8]) {
            decoded.removeAll(keepingCapacity: true)
            JSONTape.decode(bytes, Int(s.start), Int(s.end), into: &decoded)
            decoded.withUnsafeBufferPointer { writeStringBody($0, into: &out) }
        }

        /// A compact container whose strings (keys too) that need it are written again
        /// (decoded, escaped, a secret replaced) and everything else copied as it is, in
        /// runs: Laravel's items, with `\u00e9` and `\/` in most of them, cost one pass.
        mutating func patch(_ index: Int, into out: inout [UInt8]) {
            let t = tokens[index]
            var from = Int(t.start)
            for k in index + 1..<Int(t.next) where tokens[k].kind == .string {
                let s = tokens[k]
                var replaced: String?
                if s.escaped, let f = escapedString { replaced = f(tape.decodedString(k)) }
                guard replaced != nil || s.recode || s.unsafe else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<Int(s.start)]))  // to the opening quote
                if var r = replaced {
                    r.withUTF8 { writeStringBody($0, into: &out) }
                } else if s.recode {
                    writeDecoded(s, into: &out)
                } else {
                    writeRawStringBody(tape.bytes[Int(s.start)..<Int(s.end)], into: &out)
                }
                from = Int(s.end)  // from the closing quote
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<Int(t.end)]))
        }

        /// An object with duplicate keys: each key once, at its first place, with its last
        /// value (docs/CONTRACT.md §12.1).
        mutating func writeUnique(_ index: Int, level: Int, into out: inout [UInt8]) {
            out.append(0x7B)
            for (n, (k, v)) in tape.uniqueMembers(index).enumerated() {
                if n > 0 { out.append(0x2C) }
                newline(&out, indent, level + 1)
                write(k, level: 0, into: &out)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                write(v, level: level + 1, into: &out)
            }
            newline(&out, indent, level)
            out.append(0x7D)
        }
    }

    /// The inside of a string as the server wrote it, its escapes being the ones JSON
    /// output writes itself (no `recode`), with the raw bytes JSON output must escape
    /// (DEL, C1, U+2028/2029, bidi overrides) written as `\uXXXX`.
    public static func writeRawStringBody(_ raw: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var i = raw.startIndex
        while i < raw.endIndex {
            let b = raw[i]
            if b == 0x7F {
                appendUnicodeEscape(0x7F, into: &out)
                i += 1
            } else if b == 0xC2, i + 1 < raw.endIndex, raw[i + 1] >= 0x80, raw[i + 1] <= 0x9F {
                appendUnicodeEscape(UInt32(raw[i + 1]), into: &out)
                i += 2
            } else if b == 0xE2, i + 2 < raw.endIndex, raw[i + 1] == 0x80, raw[i + 2] >= 0xA8, raw[i + 2] <= 0xAE {
                appendUnicodeEscape(0x2000 + UInt32(raw[i + 2] - 0x80), into: &out)
                i += 3
            } else if b == 0xE2, i + 2 < raw.endIndex, raw[i + 1] == 0x81, raw[i + 2] >= 0xA6, raw[i + 2] <= 0xA9 {
                appendUnicodeEscape(0x2040 + UInt32(raw[i + 2] - 0x80), into: &out)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
    }
}
