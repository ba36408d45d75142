#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SoporteJSON

/// Every secret of the run (token, signing secret, license key, passwords) and the forms
/// they can take in text: raw, JSON-escaped (minimal, `\/`, `\u` in either case, twice
/// escaped), shell-quoted, percent-encoded, CSV- and TSV-quoted, terminal-escaped. Every
/// byte soporte writes passes `redact`, so no stream can show a secret, whichever code
/// path produced the text and whatever the server echoed (SPEC §10.1).
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

    private let state = Mutex<(entries: [Entry], matcher: SecretMatcher)>(([], SecretMatcher(forms: [])))

    public init() {}

    public func add(_ value: String, placeholder: String) {
        guard value.utf8.count >= Secrets.minimumLength else { return }
        state.withLock { s in
            guard !s.entries.contains(where: { $0.value == value }) else { return }
            s.entries.append(Entry(value: value, placeholder: placeholder))
            s.matcher = SecretMatcher(forms: s.entries.flatMap { Secrets.forms(of: $0.value) })
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
        let values = entries.map(\.value)
        guard !values.isEmpty else { return v }
        func clean(_ s: String) -> String {
            var t = s
            for secret in values where Secrets.bytes(of: secret, occurIn: t) { t = t.replacingAll(secret, with: Secrets.mark) }
            return t
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

    /// Whether `needle`'s UTF-8 bytes occur in `hay`'s: the test before `replacingAll`
    /// for every string of every page. String.contains compares Characters and builds a
    /// search table at each call, which was 84 % of a walk's CPU on pages with `\u`
    /// escapes (perf, 5,000 accounts from the sandbox). A byte match is found wherever a
    /// Character match is, so nothing that was redacted is missed.
    static func bytes(of needle: String, occurIn hay: String) -> Bool {
        var hay = hay, needle = needle  // withUTF8 may make a string contiguous first
        return hay.withUTF8 { h in
            needle.withUTF8 { n in
                guard let nb = n.baseAddress, let hb = h.baseAddress, n.count > 0, h.count >= n.count else { return n.isEmpty }
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    guard let p = memchr(hb + i, Int32(n[0]), last - i + 1) else { return false }
                    let at = hb.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hb + at, nb, n.count) == 0 { return true }
                    i = at + 1
                }
                return false
            }
        }
    }

    // MARK: - Forms

    /// The texts under which `secret` may appear in something we print.
    static func forms(of secret: String) -> [[UInt8]] {
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

/// Finds any of a set of byte strings in a buffer. The forms are grouped by first byte;
/// each group is searched for the bytes all its forms begin with, by memchr on the byte
/// of that prefix least likely in API text (a `z` of a token rather than its `s`, which
/// every `status` has), then the prefix and the forms are compared where it is found.
/// memchr on the first byte alone stopped at every `s` of a page (7 % of a walk's CPU).
/// The forms live in one flat buffer, so a scan touches no reference count. Immutable,
/// so readers share it freely.
final class SecretMatcher: Sendable {
    /// Every form, longest first, end to end.
    let flat: [UInt8]
    let starts: [Int]
    let lengths: [Int]
    let firstBytes: [UInt8]
    /// For each first byte, the forms that start with it (indices into starts/lengths).
    let byFirst: [[Int]]
    /// For each of `firstBytes`, the bytes every form of its group begins with, and the
    /// offset in them of the byte that memchr looks for.
    let prefixes: [[UInt8]]
    let rare: [Int]
    let longest: Int

    init(forms: [[UInt8]]) {
        // Longest first, so that a longer form wins over one it contains.
        let sorted = forms.sorted { $0.count > $1.count }
        var flat: [UInt8] = [], starts: [Int] = [], lengths: [Int] = []
        var by = Array(repeating: [Int](), count: 256)
        for (i, f) in sorted.enumerated() {
            starts.append(flat.count)
            lengths.append(f.count)
            flat.append(contentsOf: f)
            by[Int(f[0])].append(i)
        }
        self.flat = flat
        self.starts = starts
        self.lengths = lengths
        byFirst = by
        firstBytes = (0..<256).filter { !by[$0].isEmpty }.map { UInt8($0) }
        prefixes = firstBytes.map { b in
            let group = by[Int(b)].map { sorted[$0] }
            var p = group[0]
            for f in group.dropFirst() {
                p = Array(zip(p, f).prefix { $0 == $1 }.map(\.0))
            }
            return p
        }
        rare = prefixes.map { p in p.indices.min { SecretMatcher.commonness(p[$0]) < SecretMatcher.commonness(p[$1]) } ?? 0 }
        longest = sorted.first?.count ?? 0
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

    var isEmpty: Bool { lengths.isEmpty }

    /// The earliest match at or after `start`: (position, form length).
    func firstMatch(in bytes: [UInt8], from start: Int) -> (Int, Int)? {
        bytes.withUnsafeBufferPointer { firstMatch(in: $0, from: start) }
    }

    func firstMatch(in buf: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Int)? {
        guard let base = buf.baseAddress, start < buf.count else { return nil }
        return flat.withUnsafeBufferPointer { flatBuf -> (Int, Int)? in
            guard let flatBase = flatBuf.baseAddress else { return nil }
            var best: (Int, Int)?
            for (g, b) in firstBytes.enumerated() {
                let candidates = byFirst[Int(b)]
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
            return best
        }
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
