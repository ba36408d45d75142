import FuzzDriver
import SoporteJSON

// Any input: the parser returns or throws, never traps; what it accepts re-serializes
// to text that parses to the same value, compact and pretty. The tape (the walk's fast
// path) accepts exactly what the parser accepts, builds the same value, and its writer's
// output, compact and pretty, reads back as that value, also with strings replaced.
runFuzzer { bytes in
    let parsed = try? JSONParser.parse(bytes, maxDepth: 64)
    var tape = JSONTape()
    let taped = (try? tape.parse(bytes, maxDepth: 64)) != nil
    precondition(taped == (parsed != nil), "the tape and the parser disagree on whether this is JSON")
    guard let v = parsed else { return }
    precondition(tape.value(at: 0) == v, "the tape reads another value")
    let compact = JSONWriter.compact(v)
    precondition((try? JSONParser.parse(compact, maxDepth: 64)) == v, "compact round trip changed the value")
    precondition((try? JSONParser.parse(JSONWriter.pretty(v), maxDepth: 64)) == v, "pretty round trip changed the value")
    for indent in [nil, 2] as [Int?] {
        var out: [UInt8] = []
        JSONWriter.write(tape, 0, into: &out, indent: indent, level: 0)
        precondition((try? JSONParser.parse(out, maxDepth: 64)) == v, "the tape writer changed the value")
        // What JSON output must escape never leaves raw (docs/CONTRACT.md §10.2).
        let s = String(decoding: out, as: UTF8.self)
        precondition(!s.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0.value == 0x7F || $0 == "\u{2028}" || $0 == "\u{2029}" || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) },
                     "an unsafe character left raw")
    }
    // Strings with escapes may be replaced (a secret spelt with them), wherever they are,
    // also inside a container otherwise copied whole: the output reads as the value with
    // exactly those strings replaced.
    let hook: (String) -> String? = { $0.utf8.count % 2 == 1 ? "[r]" : nil }
    var out: [UInt8] = []
    JSONWriter.write(tape, 0, into: &out, indent: nil, level: 0, escapedString: hook)
    precondition((try? JSONParser.parse(out, maxDepth: 64)) == tape.value(at: 0, escapedString: hook), "a string with escapes was not replaced")
}
