import XCTest
@testable import SoporteKit
import SoporteJSON
import SoporteSystem

final class OutputTests: XCTestCase {
    func io(tty: Bool = false, width: Int? = nil, secrets: Secrets = Secrets()) -> (IOStreams, BufferSink, BufferSink) {
        let out = BufferSink(), err = BufferSink()
        return (IOStreams(out: out, err: err, facts: TerminalFacts(stdoutIsTTY: tty, stderrIsTTY: tty, width: width), secrets: secrets), out, err)
    }

    func testTableIsAlignedByDisplayWidthWithTwoSpacesAndKeepsEmptyCells() throws {
        let (io, out, _) = io()
        let w = TableWriter(io: io, plan: ColumnPlan(requested: nil, defaults: nil), headers: true)
        for i in [#"{"id":1,"name":"山田","note":""}"#, #"{"id":22,"name":"x","note":"a\u001bb"}"#, #"{"id":3,"name":null,"note":"zz"}"#] {
            try w.write(try JSONParser.parse(i))
        }
        try w.finish(complete: true)
        XCTAssertEqual(out.text, """
        ID  NAME  NOTE
        1   山田
        22  x     a\\x1bb
        3         zz

        """)
    }

    func testNarrowTerminalDropsColumnsByPriorityNotTheIdAndSaysSo() throws {
        let (io, out, err) = io(tty: true, width: 40)
        let w = TableWriter(io: io, plan: ColumnPlan(requested: nil, defaults: Resource.accounts.defaultColumns), headers: true,
                            dropOrder: Resource.accounts.dropOrder)
        try w.write(try JSONParser.parse(#"{"id":1,"domain":"tienda-online1.example","username":"tienda1","status":"active","package":"professional","server_id":3,"created_at":"2024-01-01T03:35:36Z"}"#))
        try w.finish(complete: true)
        XCTAssertEqual(out.text, "ID  DOMAIN                  STATUS\n1   tienda-online1.example  active\n")
        XCTAssertEqual(w.dropped, ["username", "package", "server_id", "created_at"])
        XCTAssertTrue(err.text.contains("4 columns left out to fit 40 columns: username, package, server_id, created_at; choose columns with --fields"))
    }

    func testColumnsNamedWithFieldsAreCutNeverDropped() throws {
        let (io, out, _) = io(tty: true, width: 20)
        let w = TableWriter(io: io, plan: ColumnPlan(requested: ["id", "domain", "created_at"], defaults: nil), headers: true,
                            dropOrder: Resource.accounts.dropOrder)
        try w.write(try JSONParser.parse(#"{"id":1,"domain":"tienda-online1.example","created_at":"2024-01-01T03:35:36Z"}"#))
        try w.finish(complete: true)
        for line in out.text.split(separator: "\n") { XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 20) }
        XCTAssertTrue(out.text.hasPrefix("ID  DOMAIN"))
        XCTAssertTrue(out.text.contains("CREATED") || out.text.contains("CREA"), out.text)
        XCTAssertTrue(out.text.contains("…"))
    }

    func testGetWrapsLongValuesInsteadOfCuttingThem() throws {
        let (io, out, _) = io(tty: true, width: 30)
        try TableWriter.vertical(try JSONParser.parse(#"{"id":1,"notes":"a long note that will not fit in thirty columns"}"#), io: io, fields: nil)
        // 30 columns less KEY and the gap leaves 23 cells for values
        XCTAssertEqual(out.text, "ID     1\nNOTES  a long note that will\n       not fit in thirty\n       columns\n")
    }

    func testEmptyTableKeepsItsHeaderAndSaysNoResultsOnATerminal() throws {
        let (io, out, err) = io(tty: true, width: 80)
        let w = TableWriter(io: io, plan: ColumnPlan(requested: nil, defaults: ["id", "domain"]), headers: true)
        try w.finish(complete: true)
        XCTAssertEqual(out.text, "ID  DOMAIN\n")
        XCTAssertEqual(err.text, "soporte: no results\n")
    }

    func testCSVAndTSVStayExactData() throws {
        let (io, out, _) = io(tty: true)
        let w = DelimitedWriter(io: io, style: .csv, plan: ColumnPlan(requested: nil, defaults: nil), headers: true, csvSafe: true)
        try w.write(try JSONParser.parse(#"{"id":1,"n":"a,\"b\"\nc","s":{"x":"=1"},"t":[1],"z":null,"m":-5,"e":"\u001b[31m"}"#))
        try w.finish(complete: true)
        XCTAssertEqual(out.text, "id,n,s.x,t,z,m,e\n1,\"a,\"\"b\"\"\nc\",'=1,[1],,-5,\u{1B}[31m\n")

        let (io2, out2, _) = self.io()
        let t = DelimitedWriter(io: io2, style: .tsv, plan: ColumnPlan(requested: ["n"], defaults: nil), headers: false, csvSafe: false)
        try t.write(try JSONParser.parse(#"{"n":"a\tb\nc\\d"}"#))
        try t.finish(complete: true)
        XCTAssertEqual(out2.text, "a\\tb\\nc\\\\d\n")

        let (io3, out3, _) = self.io()
        let empty = DelimitedWriter(io: io3, style: .csv, plan: ColumnPlan(requested: nil, defaults: ["id", "domain"]), headers: true, csvSafe: false)
        try empty.finish(complete: true)
        XCTAssertEqual(out3.text, "id,domain\n", "no items: still the header")
    }

    func testJSONEscapesWhatIsUnsafeOnATerminal() throws {
        let v = JSONValue.string("a\u{9B}b\u{2028}c\u{2029}d\u{202E}e\u{2066}f\u{202F}g\u{1B}h\u{7F}é")
        XCTAssertEqual(JSONWriter.compact(v), #""a\u009bb\u2028c\u2029d\u202ee\u2066f"# + "\u{202F}" + #"g\u001bh\u007fé""#)
        XCTAssertEqual(try JSONParser.parse(JSONWriter.compact(v)), v, "the same value after a round trip")
    }

    func testFieldsSelectKeepsNestingAndOrder() throws {
        let v = try JSONParser.parse(#"{"id":1,"domain":"d","server":{"name":"s","ip":"1"}}"#)
        XCTAssertEqual(JSONWriter.compact(Fields.select(["domain", "server.name", "id"], from: v)), #"{"domain":"d","server":{"name":"s"},"id":1}"#)
        let missing = Fields.missing(["Domain", "id", "nonexistent", "server.name"], in: [v])
        XCTAssertEqual(missing.map(\.name), ["Domain", "nonexistent"])
        XCTAssertEqual(missing.first?.suggestion, "domain")
    }

    /// docs/CONTRACT.md §12.1: a server that ignores `fields=` (Laravel) still gives JSON and NDJSON
    /// only the fields asked for, in --fields order, from the tape (list) as from a value
    /// (get), dotted names as elsewhere (a literal key with a dot wins).
    func testJSONWritersKeepOnlyTheFieldsAskedFor() throws {
        let doc = #"[{"id":1,"domain":"d","server":{"name":"s","ip":"1"},"a.b":7,"a":{"b":8},"x":"é"},"text",{"id":2,"id":3}]"#
        let fields = ["x", "server.name", "id", "a.b", "nope", "server.ip"]
        var t = JSONTape()
        try t.parse(Array(doc.utf8))
        for pretty in [false, true] {
            var outs: [String] = []
            for tape in [true, false] {
                let (io, out, _) = io()
                let w: any ItemWriter = pretty ? JSONArrayWriter(io: io, pretty: true, fields: fields) : NDJSONWriter(io: io, fields: fields)
                for i in t.elements(0) {
                    if tape { try w.write(t, i, escapedString: nil) } else { try w.write(t.value(at: i)) }
                }
                try w.finish(complete: true)
                outs.append(out.text)
            }
            XCTAssertEqual(outs[0], outs[1], "tape and value alike")
            if !pretty {
                XCTAssertEqual(outs[0], #"{"x":"é","server":{"name":"s","ip":"1"},"id":1,"a.b":7}"# + "\n" + #""text""# + "\n" + #"{"id":3}"# + "\n")
            }
        }
    }
}

final class SecretsTests: XCTestCase {
    func testEveryEscapedFormIsRedacted() {
        let s = Secrets()
        let secret = #"sk_"q'u\ö/x"#
        s.add(secret, placeholder: "$SOPORTE_API_TOKEN")
        let forms = [
            secret,
            #"sk_\"q'u\\ö/x"#,                      // JSON
            #"sk_\"q'u\\\u00f6\/x"#,                // JSON, ASCII only, escaped slash
            #"sk_\"q'u\\\u00F6/x"#,                 // upper-case hex
            #"sk_\\\"q'u\\\\ö/x"#,                  // JSON inside JSON
            #"sk_"q'\''u\ö/x"#,                     // shell single quotes
            "sk_%22q%27u%5C%C3%B6%2Fx",             // URL
            "sk_%22q%27u%5c%c3%b6%2fx",
            #"sk_""q'u\ö/x"#,                       // CSV
            #"sk_"q'u\\ö/x"#,                       // TSV
        ]
        for f in forms {
            XCTAssertEqual(s.redact("<\(f)>"), "<[redacted]>", f)
        }
        let decoded = s.redact(try! JSONParser.parse(#"{"msg":"token sk_\"q'u\\\u00f6\/x bad","k":["sk_\"q'u\\ö/x"]}"#))
        XCTAssertEqual(JSONWriter.compact(decoded), #"{"msg":"token [redacted] bad","k":["[redacted]"]}"#)
    }

    /// The matcher against the plain definition: the earliest position where any form
    /// starts, the longest form there. Random forms and texts over a small alphabet, so
    /// that prefixes, overlaps and near misses are common; forms of one first byte that
    /// share 1 to 4 bytes; matches at both ends of the text.
    func testTheMatcherFindsWhatAPlainSearchFinds() {
        var rng = SplitMix64(seed: 17)
        let alphabet: [UInt8] = Array("sk_ab\"'%".utf8)
        func word(_ n: Int) -> [UInt8] { (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] } }
        for round in 0..<3000 {
            var forms: [[UInt8]] = []
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                var f = word(4 + Int(rng.next() % 6))
                if let base = forms.first, rng.next() % 2 == 0 {
                    let keep = 1 + Int(rng.next() % 4)
                    f.replaceSubrange(0..<keep, with: base.prefix(keep))
                }
                forms.append(f)
            }
            let hay = word(Int(rng.next() % 60))
            let m = SecretMatcher(forms: forms)
            let start = hay.isEmpty ? 0 : Int(rng.next() % UInt64(hay.count))
            var expected: (Int, Int)?
            search: for at in start..<max(start, hay.count) {
                for f in forms.sorted(by: { $0.count > $1.count }) where at + f.count <= hay.count && Array(hay[at..<(at + f.count)]) == f {
                    expected = (at, f.count)
                    break search
                }
            }
            let got = m.firstMatch(in: hay, from: start)
            XCTAssertTrue(got?.0 == expected?.0 && got?.1 == expected?.1, "round \(round): \(String(decoding: hay, as: UTF8.self)) forms \(forms.map { String(decoding: $0, as: UTF8.self) }) from \(start): \(String(describing: got)) vs \(String(describing: expected))")
        }
    }

    func testEveryStringOfADocumentIsRedacted() {
        let s = Secrets()
        s.add("tok_abc123", placeholder: "$T")
        let v = JSONValue.object(JSONObject([("note tok_abc123", .array([.string("a tok_abc123 b"), .string("ñ tok_abc12")]))]))
        XCTAssertEqual(JSONWriter.compact(s.redact(v)), #"{"note [redacted]":["a [redacted] b","ñ tok_abc12"]}"#)
    }

    func testAStreamNeverShowsASecretCutAcrossChunks() throws {
        let secrets = Secrets()
        secrets.add("sk_live_0123456789", placeholder: "$T")
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts(), secrets: secrets)
        let filler = [UInt8](repeating: 0x61, count: IOStreams.chunk - 5)
        try io.out(filler)
        try io.out(Array("sk_live_0123456789 tail".utf8))  // straddles the first flush
        try io.flush()
        XCTAssertEqual(out.text, String(repeating: "a", count: IOStreams.chunk - 5) + "[redacted] tail")
    }

    func testStderrIsEscapedAndRedacted() {
        let secrets = Secrets()
        secrets.add("LICENSE-1234-ÄÖ", placeholder: "$SOPORTE_LICENSE_KEY")
        let err = BufferSink()
        let io = IOStreams(out: BufferSink(), err: err, facts: TerminalFacts(), secrets: secrets)
        io.line("soporte: request id: \u{1B}]0;pwned\u{7} LICENSE-1234-ÄÖ")
        XCTAssertEqual(err.text, "soporte: request id: \\x1b]0;pwned\\x07 [redacted]\n")
    }

    func testDryRunPlaceholdersWhateverTheCharacters() {
        let pw = #"p'w"d\ñ"#
        let line = ShellQuote.quote(#"{"password":"p'w\"d\\ñ"}"#, substituting: [Secrets.Entry(value: pw, placeholder: "$SOPORTE_PASSWORD")])
        XCTAssertEqual(line, #"'{"password":"'"$SOPORTE_PASSWORD"'"}'"#)
    }
}
