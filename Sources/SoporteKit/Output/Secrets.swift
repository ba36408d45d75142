#if canImport(Glibc)
import Glibc
#endif
// The standard library's own Unicode normalizer (the one String comparison uses): SoporteKit
// does not link Foundation, whose start-up cost was measured (Package.swift).
@_spi(_Unicode) import Swift
import Synchronization
import SoporteJSON

/// Every secret of the run (token, signing secret, license key, passwords) and the forms
/// they can take in text, in each Unicode normal form (NFC and NFD): raw, JSON-escaped
/// (minimal, `\/`, `\u` in either case, twice escaped), shell-quoted, percent-encoded
/// (any subset of bytes, either hex case), CSV- and TSV-quoted, terminal-escaped. Every
/// byte soporte writes passes `redact`, so no stream can show a secret, whichever code
/// path produced the text and whatever the server echoed (docs/CONTRACT.md §10.1).
public final class Secrets: Sendable {
    /// Where a secret would appear, this appears instead.
    public static let mark = "[redacted]"
    /// Shorter secrets are not searched for: they would blank out ordinary text.
    public static let minimumLength = 4

    public struct Entry: Sendable {
        public let value: String
        /// What `--dry-run` shows in its place (`$SOPORTE_API_TOKEN`).
        public let placeholder: String
    }

    private let state = Mutex<(entries: [Entry], matcher: SecretMatcher)>(([], SecretMatcher(forms: [], encoded: [])))

    public init() {}

    public func add(_ value: String, placeholder: String) {
        guard value.utf8.count >= Secrets.minimumLength else { return }
        state.withLock { s in
            guard !s.entries.contains(where: { $0.value == value }) else { return }
            s.entries.append(Entry(value: value, placeholder: placeholder))
            s.matcher = SecretMatcher(forms: s.entries.flatMap { Secrets.forms(of: $0.value) },
                                      encoded: s.entries.flatMap { Secrets.normalForms(of: $0.value).map { Array($0.utf8) } })
        }
    }

    public var entries: [Entry] { state.withLock { $0.entries } }

    var matcher: SecretMatcher { state.withLock { $0.matcher } }

    /// The longest form, so that a stream can hold back a tail that may be the start of one.
    public var longestForm: Int { matcher.longest }

    public func redact(_ s: String) -> String {
        let m = matcher
        guard !m.isEmpty else { return s }
        let bytes = Array(s.utf8)
        let out = m.redact(bytes)
        return out.count == bytes.count && out == bytes ? s : String(decoding: out, as: UTF8.self)
    }

    public func redact(_ bytes: [UInt8]) -> [UInt8] {
        let m = matcher
        return m.isEmpty ? bytes : m.redact(bytes)
    }

    public func contains(_ bytes: [UInt8]) -> Bool {
        let m = matcher
        return !m.isEmpty && m.firstMatch(in: bytes, from: 0) != nil
    }

    /// True when a decoded string holds a secret's text (or one of its forms).
    public func containsValue(_ s: String) -> Bool {
        let m = matcher
        return !m.isEmpty && m.firstMatch(in: Array(s.utf8), from: 0) != nil
    }

    /// Replaces secrets in every string (keys included) of a parsed document, so that
    /// an echo the server escaped in a way no raw form covers is caught once decoded.
    public func redact(_ v: JSONValue) -> JSONValue {
        let m = matcher
        guard !m.isEmpty else { return v }
        func clean(_ s: String) -> String {
            let bytes = Array(s.utf8)
            guard m.firstMatch(in: bytes, from: 0) != nil else { return s }
            return String(decoding: m.redact(bytes), as: UTF8.self)
        }
        func walk(_ v: JSONValue) -> JSONValue {
            switch v {
            case .string(let s): return .string(clean(s))
            case .array(let a): return .array(a.map(walk))
            case .object(let o): return .object(JSONObject(keys: o.keys.map(clean), values: o.values.map(walk)))
            default: return v
            }
        }
        return walk(v)
    }

    // MARK: - Forms

    /// The secret as given and in its other normal forms (NFC, NFD): a server may store
    /// or echo `ñ` as one scalar or as `n` and a combining tilde.
    static func normalForms(of secret: String) -> [String] {
        var out = [secret]
        for f in [String(String.UnicodeScalarView(secret._nfc)), String(String.UnicodeScalarView(secret._nfd))]
        where !out.contains(where: { $0.utf8.elementsEqual(f.utf8) }) {
            out.append(f)
        }
        return out
    }

    /// The texts under which `secret` may appear in something we print: those of
    /// `forms(ofExactly:)` for each of its normal forms.
    static func forms(of secret: String) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        return normalForms(of: secret).flatMap(forms(ofExactly:)).filter { seen.insert($0).inserted }
    }

    /// The texts under which these exact scalars may appear (percent-encodings past need
    /// are found by the matcher itself).
    static func forms(ofExactly secret: String) -> [[UInt8]] {
        var out: [String] = [secret]
        let json = jsonEscaped(secret, asciiOnly: false, upper: false)
        out += [json, json.replacingAll("/", with: "\\/")]
        for upper in [false, true] {
            let ascii = jsonEscaped(secret, asciiOnly: true, upper: upper)
            out += [ascii, ascii.replacingAll("/", with: "\\/")]
        }
        out.append(jsonEscaped(json, asciiOnly: false, upper: false))        // JSON inside JSON
        out.append(secret.replacingAll("'", with: "'\\''"))                   // shell, single quotes
        out.append(secret.replacingAll("'", with: "'\"'\"'"))
        var dq = ""                                                           // shell, double quotes
        for c in secret.unicodeScalars {
            if "\"\\$`".unicodeScalars.contains(c) { dq += "\\" }
            dq.unicodeScalars.append(c)
        }
        out.append(dq)
        out.append(Percent.encode(secret))                                    // URLs
        out.append(Percent.encode(secret).lowercasedHex())
        out.append(Percent.encode(secret).replacingAll("%20", with: "+"))
        out.append(secret.replacingAll("\"", with: "\"\""))                   // CSV
        var tsv = secret.replacingAll("\\", with: "\\\\")                     // TSV
        tsv = tsv.replacingAll("\t", with: "\\t").replacingAll("\n", with: "\\n").replacingAll("\r", with: "\\r")
        out.append(tsv)
        out.append(Sanitizer.forTerminal(secret))                             // terminals
        out.append(Sanitizer.escapeControls(secret, keepNewlines: true))
        var seen = Set<String>()
        return out.filter { $0.utf8.count >= minimumLength && seen.insert($0).inserted }.map { Array($0.utf8) }
    }

    static func jsonEscaped(_ s: String, asciiOnly: Bool, upper: Bool) -> String {
        if !asciiOnly {
            var bytes: [UInt8] = []
            JSONWriter.writeString(s, into: &bytes)
            return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
        }
        let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        func hex4(_ v: UInt16) -> String {
            "\\u" + String(decoding: [digits[Int(v >> 12)], digits[Int(v >> 8 & 0xF)], digits[Int(v >> 4 & 0xF)], digits[Int(v & 0xF)]], as: UTF8.self)
        }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value >= 0x7F {
                    for unit in String(u).utf16 { out += hex4(unit) }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}

/// Finds any of a set of byte strings in a buffer. The forms are grouped by their first
/// four bytes (fewer when a form is shorter); each group is searched for the bytes all its
/// forms begin with, by memchr on the byte of that prefix least likely in API text (a `z`
/// of a token rather than its `s`, which every `status` has), then the prefix and the
/// forms are compared where it is found. memchr on the first byte alone stopped at every
/// `s` of a page (7 % of a walk's CPU); grouping by one byte put a token `sk_...` and a
/// signing secret `sign...` in one group whose prefix was `s`, so every `s` of a page was
/// compared with every form of both, twice as many once each has an NFD form too.
/// The forms live in one flat buffer, so a scan touches no reference count. Immutable,
/// so readers share it freely.
///
/// Percent-encodings past need (`sk%5F%74est` for `sk_test`: any subset of the bytes, either
/// hex case, `+` for a space) are too many to list: `encoded` holds the secrets' bytes (each
/// normal form), and where the text has a `%` the places near one are compared with them
/// byte by byte, each byte literal or `%XX`. Text without a `%` costs one memchr.
final class SecretMatcher: Sendable {
    /// Every form, longest first, end to end.
    let flat: [UInt8]
    let starts: [Int]
    let lengths: [Int]
    /// The forms of each group, longest first (indices into starts/lengths).
    let groups: [[Int]]
    /// For each group, the bytes every form of it begins with, and the offset in them of
    /// the byte that memchr looks for.
    let prefixes: [[UInt8]]
    let rare: [Int]
    let longest: Int
    /// The secrets' bytes for the percent-tolerant comparison, and the longest of them.
    let encoded: [[UInt8]]
    let longestEncoded: Int
    /// For each secret and each byte value, the offsets in the secret where that byte is.
    let offsets: [[[Int]]]
    /// Longer secrets are left to the fixed forms: the search near each `%` looks back
    /// three bytes per byte of the longest secret.
    static let longestPercentMatched = 1024

    init(forms: [[UInt8]], encoded: [[UInt8]] = []) {
        // Longest first, so that a longer form wins over one it contains.
        let sorted = forms.sorted { $0.count > $1.count }
        // One key length for all, so that no two groups can match at one place.
        let keyLength = min(4, sorted.last?.count ?? 1)
        var flat: [UInt8] = [], starts: [Int] = [], lengths: [Int] = []
        var groups: [[Int]] = [], groupOfKey: [[UInt8]: Int] = [:]
        for (i, f) in sorted.enumerated() {
            starts.append(flat.count)
            lengths.append(f.count)
            flat.append(contentsOf: f)
            let key = Array(f.prefix(keyLength))
            if let g = groupOfKey[key] { groups[g].append(i) } else { groupOfKey[key] = groups.count; groups.append([i]) }
        }
        self.flat = flat
        self.starts = starts
        self.lengths = lengths
        self.groups = groups
        prefixes = groups.map { members in
            let group = members.map { sorted[$0] }
            var p = group[0]
            for f in group.dropFirst() {
                p = Array(zip(p, f).prefix { $0 == $1 }.map(\.0))
            }
            return p
        }
        rare = prefixes.map { p in p.indices.min { SecretMatcher.commonness(p[$0]) < SecretMatcher.commonness(p[$1]) } ?? 0 }
        let targets = encoded.filter { !$0.isEmpty && $0.count <= SecretMatcher.longestPercentMatched }
        self.encoded = targets
        longestEncoded = targets.map(\.count).max() ?? 0
        offsets = targets.map { t in
            var o = Array(repeating: [Int](), count: 256)
            for (k, b) in t.enumerated() { o[Int(b)].append(k) }
            return o
        }
        // A stream holds back this much at a chunk's end: a fully encoded secret is three
        // bytes a byte.
        longest = max(sorted.first?.count ?? 0, 3 * longestEncoded)
    }

    /// How often a byte shows in API answers and tables, roughly (higher: more often):
    /// structure and digits, then lower-case letters by their frequency in English and
    /// Spanish text, then the rest.
    static func commonness(_ b: UInt8) -> Int {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: ","): return 100
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return 90
        case UInt8(ascii: " "), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."): return 70
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
            let order = Array("eatoinsrlhdcumpgfbvywkxjqz".utf8)
            return 89 - 2 * (order.firstIndex(of: b) ?? 25)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return 30
        case 0x80...0xFF: return 25
        case 0..<0x20: return 5
        default: return 20
        }
    }

    var isEmpty: Bool { lengths.isEmpty && encoded.isEmpty }

    /// The earliest match at or after `start`: (position, form length).
    func firstMatch(in bytes: [UInt8], from start: Int) -> (Int, Int)? {
        bytes.withUnsafeBufferPointer { firstMatch(in: $0, from: start) }
    }

    func firstMatch(in buf: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Int)? {
        guard let base = buf.baseAddress, start < buf.count else { return nil }
        return flat.withUnsafeBufferPointer { flatBuf -> (Int, Int)? in
            guard let flatBase = flatBuf.baseAddress else { return nil }
            var best: (Int, Int)?
            for g in groups.indices {
                let candidates = groups[g]
                var i = start
                // A match must start before the best so far.
                let limit = best?.0 ?? buf.count
                while i < limit, let at = find(group: g, in: buf, from: i, before: limit) {
                    var found: Int?
                    for fi in candidates {
                        let n = lengths[fi]
                        if at + n <= buf.count, memcmp(base + at, flatBase + starts[fi], n) == 0 { found = n; break }
                    }
                    if let n = found {
                        best = (at, n)
                        break
                    }
                    i = at + 1
                }
            }
            if !encoded.isEmpty, let e = firstEncodedMatch(in: buf, from: start, before: best.map { $0.0 + 1 } ?? buf.count) {
                if let (bq, bn) = best, bq < e.0 || (bq == e.0 && bn >= e.1) { return best }
                best = e
            }
            return best
        }
    }

    // MARK: - Percent-encoded past need

    /// The earliest percent-tolerant match of a secret that starts at or after `from` and
    /// before `before` (the longest there). Such a match has a first `%`, and the bytes
    /// before it each spell one byte of the secret: so for each `%` of the text, the
    /// secret is tried only where one of its bytes is what the `%` (or the `%XX`) spells.
    /// (A match with no `%` at all is a fixed form's, found by the search above.)
    func firstEncodedMatch(in buf: UnsafeBufferPointer<UInt8>, from: Int, before: Int) -> (Int, Int)? {
        guard let base = buf.baseAddress, from < buf.count else { return nil }
        // The best so far as two plain numbers (a tuple optional costs a metadata lookup
        // at each use in a debug build, where this loop showed).
        var bestAt = before, bestLength = 0
        var at = from
        while at < buf.count, let hit = memchr(base + at, 0x25, buf.count - at) {
            let p = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            // Every later `%` gives places from p - (longest - 1) on; a place is still of
            // use before the best, or at it for a longer match.
            if p - (longestEncoded - 1) > (bestLength > 0 ? bestAt : bestAt - 1) { break }
            let spelt = p + 2 < buf.count ? SecretMatcher.hexByte(buf[p + 1], buf[p + 2]) ?? 0x25 : 0x25
            for ti in 0..<encoded.count {
                for pass in 0..<(spelt == 0x25 ? 1 : 2) {
                    for k in offsets[ti][pass == 0 ? 0x25 : Int(spelt)] {
                        let q = p - k
                        guard q >= from, q <= bestAt, let n = SecretMatcher.encodedLength(of: encoded[ti], in: buf, at: q),
                              q < bestAt || (bestLength > 0 && n > bestLength) else { continue }
                        bestAt = q
                        bestLength = n
                    }
                }
            }
            at = p + 1
        }
        return bestLength > 0 ? (bestAt, bestLength) : nil
    }

    /// How many bytes from `at` spell `target` with any of its bytes as `%XX` (either
    /// case; a space also as `+`), or nil. A `%` of the secret may be literal or `%25`:
    /// where both read on, the encoded reading is tried first and the literal one kept
    /// to come back to.
    static func encodedLength(of target: [UInt8], in buf: UnsafeBufferPointer<UInt8>, at: Int) -> Int? {
        var i = at, j = 0
        var retry: [(i: Int, j: Int)] = []
        while true {
            if j == target.count { return i - at }
            var next: Int?
            if i < buf.count {
                let b = buf[i], want = target[j]
                if b == 0x25, i + 2 < buf.count, let v = hexByte(buf[i + 1], buf[i + 2]), v == want {
                    if want == 0x25 { retry.append((i + 1, j + 1)) }
                    next = i + 3
                } else if b == want || (want == 0x20 && b == 0x2B) {
                    next = i + 1
                }
            }
            if let n = next {
                i = n
                j += 1
            } else if let r = retry.popLast() {
                (i, j) = r
            } else {
                return nil
            }
        }
    }

    @inline(__always)
    static func hexByte(_ a: UInt8, _ b: UInt8) -> UInt8? {
        func digit(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        guard let h = digit(a), let l = digit(b) else { return nil }
        return h << 4 | l
    }

    /// The first place at or after `from`, and before `before`, where group `g`'s prefix
    /// is: memchr finds its rarest byte, then the rest is compared.
    @inline(__always)
    private func find(group g: Int, in buf: UnsafeBufferPointer<UInt8>, from: Int, before: Int) -> Int? {
        guard let base = buf.baseAddress else { return nil }
        return prefixes[g].withUnsafeBufferPointer { p -> Int? in
            let m = p.count, r = rare[g]
            // Places where the prefix could start: from..<last.
            let last = min(before, buf.count - m + 1)
            var at = from
            while at < last, let hit = memchr(base + at + r, Int32(p[r]), last - at) {
                let start = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - r
                if memcmp(base + start, p.baseAddress!, m) == 0 { return start }
                at = start + 1
            }
            return nil
        }
    }

    func redact(_ bytes: [UInt8]) -> [UInt8] {
        guard var m = firstMatch(in: bytes, from: 0) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        while true {
            out.append(contentsOf: bytes[copied..<m.0])
            out.append(contentsOf: Secrets.mark.utf8)
            copied = m.0 + m.1
            guard let next = firstMatch(in: bytes, from: copied) else { break }
            m = next
        }
        out.append(contentsOf: bytes[copied...])
        return out
    }
}

extension String {
    /// Every occurrence of `a` replaced by `b` (literal text, left to right).
    func replacingAll(_ a: String, with b: String) -> String {
        guard !a.isEmpty, contains(a) else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.firstRange(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    /// `%2F` -> `%2f`: the other spelling of a percent-encoding.
    func lowercasedHex() -> String {
        var out = ""
        var afterPercent = 0
        for c in self {
            if c == "%" { afterPercent = 2; out.append(c); continue }
            if afterPercent > 0 { out += c.lowercased(); afterPercent -= 1 } else { out.append(c) }
        }
        return out
    }
}
