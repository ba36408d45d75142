import XCTest
@testable import SoporteKit
import SoporteJSON
import SoporteSystem
#if canImport(Glibc)
import Glibc
#endif

/// Secrets the server echoes in a spelling no fixed form covers: another Unicode normal
/// form, or percent-encoded past need, any subset of bytes in either hex case (docs/CONTRACT.md §10.1).
final class SecretFormsTests: XCTestCase {
    let composed = "pa\u{F1}o-secret"        // ñ as one scalar (NFC)
    let decomposed = "pan\u{303}o-secret"    // n + combining tilde (NFD)

    func testASecretIsRedactedInEitherNormalForm() {
        for (given, echoed) in [(composed, decomposed), (decomposed, composed)] {
            let s = Secrets()
            s.add(given, placeholder: "$T")
            XCTAssertEqual(s.redact("x \(echoed) y"), "x [redacted] y", "\(Array(given.utf8)) echoed as \(Array(echoed.utf8))")
            XCTAssertEqual(s.redact(Array("x \(echoed) y".utf8)), Array("x [redacted] y".utf8))
            XCTAssertEqual(s.redact(#"{"m":"pan\u0303o-secret"}"#), #"{"m":"[redacted]"}"#, "ASCII-escaped JSON of the NFD form")
        }
    }

    func testASecretPercentEncodedPastNeedIsRedacted() {
        let s = Secrets()
        s.add("sk_test_abc", placeholder: "$T")
        for echoed in ["sk%5F%74est_abc", "sk%5f%74est_abc", "%73%6B%5F%74%65%73%74%5F%61%62%63", "%73%6b%5F%74%65%73%74%5f%61%62%63",
                       "sk_test_ab%63", "%73k_test_abc", "s%6b_t%65st%5Fabc"] {
            XCTAssertEqual(s.redact("a=\(echoed)&b"), "a=[redacted]&b", echoed)
            XCTAssertTrue(s.contains(Array(echoed.utf8)), echoed)
        }
        XCTAssertEqual(s.redact("50%25 off, sk%5Ftest_abd, sk%5Ftest_ab%"), "50%25 off, sk%5Ftest_abd, sk%5Ftest_ab%", "no false match")
    }

    func testNonASCIIAndPercentSignsInASecretArePercentMatched() {
        let s = Secrets()
        s.add(composed, placeholder: "$T")
        s.add("a%b+c d-e", placeholder: "$U")
        for echoed in ["pa%C3%B1o-secret", "pa%c3%b1o%2Dsecret", "pan%CC%83o-secret", "%70an%cc%83o-secret",
                       "a%25b%2Bc%20d-e", "a%b+c+d-e", "a%25b+c d-e", "a%b%2bc%20d%2de"] {
            XCTAssertEqual(s.redact("<\(echoed)>"), "<[redacted]>", echoed)
        }
    }

    func testAPercentEncodedSecretCutByAFlushIsStillRedacted() throws {
        let secrets = Secrets()
        secrets.add("sk_live_0123456789", placeholder: "$T")
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts(), secrets: secrets)
        // Fully encoded the form is three times as long as the secret: the stream must hold
        // back that much at the end of a chunk.
        let encoded = "sk_live_0123456789".utf8.map { "%" + String($0, radix: 16, uppercase: true) }.joined()
        let half = encoded.index(encoded.startIndex, offsetBy: 40)
        try io.out(Array(String(repeating: "a", count: IOStreams.chunk - 40).utf8) + Array(encoded[..<half].utf8))
        try io.out(String(encoded[half...]) + " tail")
        try io.flush()
        XCTAssertEqual(out.text, String(repeating: "a", count: IOStreams.chunk - 40) + "[redacted] tail")
    }

    func testPercentWorkIsSkippedForTextWithoutAPercentSign() {
        let s = Secrets()
        s.add("sk_test_abc", placeholder: "$T")
        let text = String(repeating: "sk_test_ab-x ", count: 2000)
        XCTAssertEqual(s.redact(text), text)
        XCTAssertEqual(s.redact(text + "sk_test_abc"), text + "[redacted]")
    }
}

/// `-vv` and `--dry-run` mask secret-named keys also in text that is not valid JSON (docs/CONTRACT.md
/// §12.1, §12.2): cut bodies, HTML, escapes inside the value respected.
final class SecretKeysTests: XCTestCase {
    func mask(_ s: String, keep: (String) -> Bool = { _ in false }) -> String {
        String(decoding: SecretKeys.maskText(Array(s.utf8), keep: keep), as: UTF8.self)
    }

    func testSecretKeysAreMaskedInTextThatIsNotJSON() {
        XCTAssertEqual(mask(#"{"password": "a\"b\\", "x": 1"#), #"{"password": "[redacted]", "x": 1"#)
        XCTAssertEqual(mask(#"{"a":{"Token" :"t1","PASS\u0057ORD":"p"},"b":[{"secret":{"k":"v","l":[1,"]"]}},"c":3"#),
                       #"{"a":{"Token" :"[redacted]","PASS\u0057ORD":"[redacted]"},"b":[{"secret":"[redacted]"},"c":3"#)
        XCTAssertEqual(mask(#"{"license_key": 4242, "signing_secret":null}"#), #"{"license_key": "[redacted]", "signing_secret":"[redacted]"}"#)
        XCTAssertEqual(mask(#"{"id":1,"user_password":"cut-her"#), #"{"id":1,"user_password":"[redacted]""#, "a value cut by the end")
        XCTAssertEqual(mask(#"{"secret":{"a":"cut"#), #"{"secret":"[redacted]""#)
        XCTAssertEqual(mask(#"<p class="x">"password": "html"</p>"#), #"<p class="x">"password": "[redacted]"</p>"#)
        XCTAssertEqual(mask(#"{"note": "password", "tokens": "t", "password":"#), #"{"note": "password", "tokens": "t", "password":"#,
                       "a value named password and other keys are not masked")
    }

    func testKeepSparesKnownValuesForDryRun() {
        XCTAssertEqual(mask(#"{"password":"known","token":"other"}"#, keep: { $0 == "known" }), #"{"password":"known","token":"[redacted]"}"#)
    }

    func testTheJSONAndTextMasksAgree() throws {
        let body = #"{"a":{"Token":"t1","list":[{"PassWord":"p"},{"ok":"v"}]},"secret":{"k":"v"},"n":1}"#
        let viaJSON = JSONWriter.compact(SecretKeys.mask(try JSONParser.parse(Array(body.utf8))))
        XCTAssertEqual(mask(body), viaJSON)
    }
}

/// Passwords and other secrets never come from a flag value (docs/CONTRACT.md §3, §12.2).
final class SecretFlagTests: XCTestCase {
    func testASecretNamedKeyInAnyKeyValueFlagIsAUsageErrorAndNothingIsSent() {
        for args in [["accounts", "update", "1", "--set", "password=pw-in-argv"], ["accounts", "update", "1", "--set-string", "Token=pw-in-argv"],
                     ["api", "POST", "/x", "-f", "new_password=pw-in-argv"], ["api", "GET", "/x", "-F", "License_Key=pw-in-argv"],
                     ["api", "POST", "/x", "--field", "secret=pw-in-argv", "--dry-run"]] {
            let h = Harness()
            let r = h.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains("--password-stdin") && r.err.contains("--password-file") && r.err.contains("--input"), r.err)
            XCTAssertFalse(r.err.contains("pw-in-argv") || r.out.contains("pw-in-argv"), r.err)
            XCTAssertTrue(h.transport.requests.isEmpty)
        }
    }

    func testDryRunMasksSecretNamedKeysOfAnInputBodyButShowsKnownSecretsAsVariables() {
        let h = Harness()
        h.fs.put("/b.json", #"{"domain":"ok.example","Password":"in-file-pw","nested":{"token":"tok-unit-1234"}}"#)
        let r = h.run(["api", "POST", "/whm/accounts", "--input", "/b.json", "--dry-run"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains(#""Password":"[redacted]""#) && r.out.contains("ok.example"), r.out)
        XCTAssertTrue(r.out.contains(#""token":"'"$SOPORTE_API_TOKEN"'""#), "the run's own token keeps its variable: \(r.out)")
        XCTAssertFalse(r.out.contains("in-file-pw"))
        XCTAssertTrue(h.transport.requests.isEmpty)
    }
}

/// `--token-file` and `--password-file` that are not regular files are refused unread,
/// and their errors do not echo the path (docs/CONTRACT.md §12.2).
final class SecretFileKindTests: XCTestCase {
    func testOnlyRegularFilesAreRead() throws {
        let dir = "/tmp/soporte-unit-\(getpid())"
        mkdir(dir, 0o700)
        defer { _ = unlink(dir + "/fifo"); _ = unlink(dir + "/f"); rmdir(dir) }
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o600), 0)
        // A FIFO with no writer: reading it would block for ever; it is not opened for that.
        for (path, kind) in [(dir + "/fifo", "a FIFO"), (dir, "a directory"), ("/dev/zero", "a device")] {
            XCTAssertThrowsError(try Files.readRegular(path, limit: 1 << 20), path) { e in
                XCTAssertEqual((e as? SystemError)?.reason, "not a regular file (\(kind))")
            }
        }
        XCTAssertNil(try Files.readRegular(dir + "/missing", limit: 10))
        let fd = open(dir + "/f", O_WRONLY | O_CREAT, 0o640)
        _ = write(fd, "tok\n", 4)
        close(fd)
        XCTAssertEqual(try Files.readRegular(dir + "/f", limit: 10), RegularFile(bytes: Array("tok\n".utf8), mode: 0o640))
    }

    func testErrorsNameTheFlagNotThePath() {
        let h = Harness()
        h.env["SOPORTE_API_TOKEN"] = nil
        let r = h.run(["accounts", "get", "1", "--token-file", "sk_live_pasted_by_mistake"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.err.contains("--token-file: no such file"), r.err)
        XCTAssertFalse(r.err.contains("sk_live"), r.err)
        let create = ["accounts", "create", "--domain", "d.example", "--username", "dd", "--email", "e@d.example", "--package", "basic",
                      "--server-id", "1", "--password-file", "Pw-pasted-by-mistake"]
        let c = h.run(create)
        XCTAssertEqual(c.status, 2)
        XCTAssertTrue(c.err.contains("--password-file: no such file"), c.err)
        XCTAssertFalse(c.err.contains("pasted"), c.err)
        XCTAssertTrue(h.transport.requests.isEmpty)
    }
}

/// The percent-tolerant search against the plain definition: at each place from the
/// start, each secret spelt with any of its bytes as `%XX`. It must find every spelling
/// that holds a `%` (one without is a fixed form's): what it reports is a spelling, and
/// none holding a `%` starts before it. Random secrets and texts over a small alphabet
/// with `%` and hex digits, so that near misses, literal `%` in a secret and `%25` are
/// common.
final class PercentMatchTests: XCTestCase {
    func testThePercentSearchFindsWhatAPlainSearchFinds() {
        var rng = SplitMix64(seed: 29)
        let alphabet: [UInt8] = Array("%5fF_a2 +".utf8)
        func word(_ n: Int) -> [UInt8] { (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] } }
        func encode(_ t: [UInt8]) -> [UInt8] {
            t.flatMap { b -> [UInt8] in
                rng.next() % 2 == 0 ? [b] : Array(("%" + String(b, radix: 16, uppercase: rng.next() % 2 == 0)).utf8)
            }
        }
        for round in 0..<3000 {
            let targets = (0..<(1 + Int(rng.next() % 3))).map { _ in word(4 + Int(rng.next() % 4)) }
            var hay = word(Int(rng.next() % 30))
            if rng.next() % 2 == 0 { hay += encode(targets[0]) + word(Int(rng.next() % 5)) }
            let m = SecretMatcher(forms: [[0x01, 0x02, 0x03, 0x04]], encoded: targets)
            let start = hay.isEmpty ? 0 : Int(rng.next() % UInt64(hay.count))
            hay.withUnsafeBufferPointer { buf in
                let spellings = (start..<max(start, hay.count)).map { q in targets.compactMap { SecretMatcher.encodedLength(of: $0, in: buf, at: q) } }
                let firstWithPercent = spellings.indices.first { i in
                    spellings[i].contains { n in hay[(start + i)..<(start + i + n)].contains(0x25) }
                }.map { start + $0 }
                let got = m.firstEncodedMatch(in: buf, from: start, before: hay.count)
                let what = "round \(round): \(String(decoding: hay, as: UTF8.self)) targets \(targets.map { String(decoding: $0, as: UTF8.self) }) from \(start): \(String(describing: got)) vs \(String(describing: firstWithPercent))"
                if let (q, n) = got {
                    XCTAssertTrue(spellings[q - start].max() == n, what)
                    XCTAssertTrue(firstWithPercent.map { q <= $0 } ?? true, what)
                } else {
                    XCTAssertNil(firstWithPercent, what)
                }
            }
        }
    }
}
