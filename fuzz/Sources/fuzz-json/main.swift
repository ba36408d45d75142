import FuzzDriver
import SoporteJSON

// Any input: the parser returns or throws, never traps; what it accepts re-serializes
// to text that parses to the same value, compact and pretty.
runFuzzer { bytes in
    guard let v = try? JSONParser.parse(bytes, maxDepth: 64) else { return }
    let compact = JSONWriter.compact(v)
    precondition((try? JSONParser.parse(compact, maxDepth: 64)) == v, "compact round trip changed the value")
    precondition((try? JSONParser.parse(JSONWriter.pretty(v), maxDepth: 64)) == v, "pretty round trip changed the value")
}
