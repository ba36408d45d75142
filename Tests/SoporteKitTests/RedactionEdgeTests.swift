import XCTest
@testable import SoporteKit
import SoporteJSON

/// Secrets in the spellings the first tests did not cover, in a stream cut right through
/// one, and in -vv bodies whose keys are not lower case (docs/CONTRACT.md §10.1).
final class RedactionEdgeTests: XCTestCase {
    func testEveryShellSpellingIsRedacted() {
        let s = Secrets()
        s.add("ab'cd$e`f\"1", placeholder: "$T")
        XCTAssertEqual(s.redact(#"x='ab'"'"'cd$e`f"1'"#), "x='[redacted]'", "'\"'\"' for a quote in single quotes")
        XCTAssertEqual(s.redact(#"x='ab'\''cd$e`f"1'"#), "x='[redacted]'", "'\\'' for a quote in single quotes")
        XCTAssertEqual(s.redact(#"x="ab'cd\$e\`f\"1""#), "x=\"[redacted]\"", "double quotes escape $ ` \" and \\")
    }

    func testASecretCutByAFlushOfStdoutIsStillRedacted() throws {
        let secrets = Secrets()
        secrets.add("sk_live_0123456789", placeholder: "$T")
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts(), secrets: secrets)
        // The first write fills the buffer and ends in the secret's first half, so a flush
        // happens there; the second half comes with the next write.
        try io.out(Array(String(repeating: "a", count: IOStreams.chunk - 7).utf8) + Array("sk_live".utf8))
        try io.out("_0123456789 tail")
        try io.flush()
        XCTAssertEqual(out.text, String(repeating: "a", count: IOStreams.chunk - 7) + "[redacted] tail")
    }

    func testVeryVerboseMasksSecretKeysInAnyCase() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/accounts/4",
                         #"{"data":{"id":4,"Token":"t-abc-1","LICENSE_KEY":"lic-9","more":[{"Signing_Secret":"s-1","SECRET":"s-2","PassWord":"p-3"}]}}"#)
        let r = h.run(["accounts", "get", "4", "-vv"])
        XCTAssertEqual(r.status, 0, r.err)
        for key in ["Token", "LICENSE_KEY", "Signing_Secret", "SECRET", "PassWord"] {
            XCTAssertTrue(r.err.contains(#""\#(key)":"[redacted]""#), "\(key): \(r.err)")
        }
    }
}
