import FuzzDriver
import SoporteKit

// NUL-separated words as argv: parsing returns or throws a usage error, never traps,
// and filters parse or throw.
runFuzzer { bytes in
    let words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    if let parsed = try? ArgumentParser().parse(words) {
        _ = HelpRenderer.render(path: parsed.path, spec: parsed.spec)
        for f in parsed.options.all("filter") { _ = try? Filter.parse(f) }
        _ = try? ListOptions(parsed.options, fields: nil)
    }
}
