import XCTest
@testable import SoporteKit
import SoporteJSON

final class TapeTests: XCTestCase {
    func tape(_ s: String) throws -> JSONTape {
        var t = JSONTape()
        try t.parse(Array(s.utf8))
        return t
    }

    func write(_ t: JSONTape, _ i: Int = 0, indent: Int? = nil, hook: ((String) -> String?)? = nil) -> String {
        var out: [UInt8] = []
        JSONWriter.write(t, i, into: &out, indent: indent, level: 0, escapedString: hook)
        return String(decoding: out, as: UTF8.self)
    }

    func testCopiesBytesDropsSpaceKeepsLiteralsDecodesEscapes() throws {
        let t = try tape(#" { "id" : 9007199254740993 , "amount": 100.10, "s": "a\u00e9\/b", "n": null, "l": [ true,false ] } "#)
        XCTAssertEqual(write(t), #"{"id":9007199254740993,"amount":100.10,"s":"aé/b","n":null,"l":[true,false]}"#)
        XCTAssertEqual(write(t, indent: 2), JSONWriter.pretty(try JSONParser.parse(write(t))))
        XCTAssertEqual(t.value(at: 0), try JSONParser.parse(write(t)))
    }

    /// docs/CONTRACT.md §12.1: one rule for escapes in JSON output, list (the tape) and get (values)
    /// alike: strings are written decoded, as UTF-8, with only the escapes JSON needs and
    /// the safety escapes of §10.2, whatever escapes the server used (Laravel escapes every
    /// non-ASCII character and '/'), compact and pretty, keys and values, at any depth.
    func testEscapesAreWrittenAsTheValuePathWritesThem() throws {
        let docs = [
            #"{"plan":"Hosting \u2014 plan anual","url":"https:\/\/x.es\/a","owner":"Jos\u00e9 \ud83d\ude80"}"#,
            #"{"k\u00e9y":["\u00f1",{"n":"\u00fc\/"}],"plain":"x","c":"\u0007\u001B\u007f\u009b\u202e\u2028\u2029\u2066"}"#,
            #"{"q":"\"\\\/\b\f\n\r\t","u":"\u0022\u005c\u000a\u0000","upper":"\u00C9\u20AC"}"#,
            #"[{"a":"\u00e9"},{"a":"\u00e9"},"\/",["\u2014"]]"#,
        ]
        for doc in docs {
            let t = try tape(doc)
            let v = try JSONParser.parse(doc)
            XCTAssertEqual(write(t), JSONWriter.compact(v), doc)
            XCTAssertEqual(write(t, indent: 2), JSONWriter.pretty(v), doc)
            XCTAssertEqual(t.scalarText(0), v.scalarText, doc)
            XCTAssertFalse(t[0].verbatim, "a container with escapes is not copied whole: \(doc)")
        }
        // The escapes output writes itself are kept (the container is copied whole); each
        // one it writes otherwise makes the container go value by value, and is decoded.
        let own = #"["\"\\\b\f\n\r\t\u0000\u001b\u007f\u009b\u2028\u2029\u202a\u202e\u2066\u2069"]"#
        XCTAssertTrue(try tape(own)[0].verbatim)
        XCTAssertEqual(write(try tape(own)), own)
        XCTAssertEqual(write(try tape(own)), JSONWriter.compact(try JSONParser.parse(own)))
        for other in [#"\/"#, #"\u00e9"#, #"\u000a"#, #"\u0022"#, #"\u005c"#, #"\u001B"#, #"\ud83d\ude80"#, #"\u0041"#, #"\u2030"#, #"\u00a0"#, #"\u202F"#] {
            let doc = "[\"a" + other + "\"]"
            let t = try tape(doc)
            XCTAssertFalse(t[0].verbatim, other)
            XCTAssertTrue(t[1].recode, other)
            XCTAssertEqual(write(t), JSONWriter.compact(try JSONParser.parse(doc)), other)
        }
        XCTAssertEqual(write(try tape(#"["\u00e9\/\u2014"]"#)), #"["é/—"]"#)
        XCTAssertEqual(write(try tape(#"["\u001B\u009B"]"#)), #"["\u001b\u009b"]"#)
    }

    /// docs/CONTRACT.md §12.1: duplicate keys, the last wins at the first one's place, on the tape as
    /// in the parser: its values, its output (compact and pretty), member lookups, and the
    /// flags that keep such an object (and what holds it) from being copied whole.
    func testDuplicateKeysLastWinsOnTheTapeAsInTheParser() throws {
        let docs = [
            #"{"a":1,"b":2,"a":3}"#,
            #"{"x":{"k":1,"k":[1],"j":0,"k":{"k":1,"k":2}}}"#,
            #"{"a":1,"\u0061":2,"\u0062":3,"b":4}"#,
            #"[{"a":1,"a":2},{"a":3,"a":4},{"a":5}]"#,
            #"[{"a":1,"b":2},{"a":1,"b":2,"a":5},{"a":1,"b":2},{"a":1}]"#,
            #"{"data":[{"id":1,"s":"a"},{"id":1,"s":"b","id":2}]}"#,
            "{" + (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + #","k3":"last"}"#,
            // Laid out as the object before: by signature (length, first eight bytes) the
            // same keys, but one spelt with escapes, or the template's signatures alike.
            #"[{"abcdefghXY":1,"abcdefghZZZZZZ":2},{"abcdefghé":1,"abcdefgh\u00e9":2}]"#,
            #"[{"abcdefgh1":1,"abcdefgh2":2},{"abcdefgh1":1,"abcdefgh1":2}]"#,
            #"[{"a":1,"b":2,"c":3},{"a":1,"b":2},{"a":1,"b":2,"a":3}]"#,
        ]
        for doc in docs {
            let t = try tape(doc)
            let v = try JSONParser.parse(doc)
            XCTAssertEqual(t.value(at: 0), v, doc)
            XCTAssertEqual(write(t), JSONWriter.compact(v), doc)
            XCTAssertEqual(write(t, indent: 2), JSONWriter.pretty(v), doc)
            XCTAssertFalse(t[0].verbatim, doc)
        }
        let t = try tape(#"{"data":[{"id":1,"s":"a"},{"id":1,"s":"b","id":2}],"id":7}"#)
        let items = Array(t.elements(try XCTUnwrap(t.member(0, "data"))))
        XCTAssertEqual(items.map { t[$0].duplicates }, [false, true])
        XCTAssertEqual(items.map { t[$0].verbatim }, [true, false])
        XCTAssertFalse(t[0].duplicates, "only the object that has them")
        XCTAssertEqual(t.int(try XCTUnwrap(t.member(items[1], "id"))), 2, "a lookup finds the last")
        XCTAssertEqual(Array(t.members(items[1])).count, 2)
        // Objects alike in layout are checked once (a template per depth); one that differs
        // is checked on its own.
        let same = try tape("[" + Array(repeating: #"{"a":1,"b":{"c":2,"d":3}}"#, count: 5).joined(separator: ",") + #",{"a":1,"b":{"c":2,"c":3}}]"#)
        XCTAssertEqual(Array(same.elements(0)).map { same[$0].duplicates }, [false, false, false, false, false, false])
        XCTAssertEqual(Array(same.elements(0)).map { same[$0].verbatim }, [true, true, true, true, true, false])
    }

    func testRawUnsafeCharactersAreEscapedOnOutput() throws {
        let t = try tape("{\"x\":\"a\u{9B}b\u{2028}c\u{202E}d\u{2066}e\u{7F}f\u{202F}\"}")
        XCTAssertEqual(write(t), "{\"x\":\"a\\u009bb\\u2028c\\u202ed\\u2066e\\u007ff\u{202F}\"}")
    }

    /// A compact container with nothing to re-encode is copied whole; whitespace, a byte
    /// to escape or an escape that output writes otherwise (decoded) anywhere inside, at
    /// any depth, makes it go value by value. The escapes output writes itself (`\n`,
    /// `\"`) are kept, so a container with only those is copied whole too, once no
    /// string with escapes in it has a secret to replace.
    func testOnlyContainersWithNothingToChangeAreCopiedWhole() throws {
        let t = try tape("[{\"a\":[1,{\"b\":\"x\"}]}, {\"a\":[1, 2]}, {\"a\":{\"b\":\"\u{9B}\"}}, {\"a\":[\"\\n\"]}]")
        let items = Array(t.elements(0))
        XCTAssertEqual(items.map { t[$0].verbatim }, [true, false, false, true])
        XCTAssertEqual(items.map { t[$0].escaped }, [false, false, false, true], "a container with a string with escapes, at any depth")
        XCTAssertFalse(t[0].verbatim, "whitespace between the items")
        XCTAssertEqual(items.map { write(t, $0) }, [#"{"a":[1,{"b":"x"}]}"#, #"{"a":[1,2]}"#, #"{"a":{"b":"\u009b"}}"#, #"{"a":["\n"]}"#])
        XCTAssertEqual(write(t, items[0], indent: 2), "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x\"\n    }\n  ]\n}", "pretty output never copies")
    }

    func testTheSameInputsAreRefusedAsByTheParser() {
        for bad in ["{\"a\":1,}", "[01]", "\"\\u12\"", "\"\\ud800\"", "\"a\u{01}\"", "[1 2]", "{\"a\" 1}", "tru", "1.", "-", "\"\\x\""] {
            var t = JSONTape()
            XCTAssertThrowsError(try t.parse(Array(bad.utf8)), bad)
            XCTAssertThrowsError(try JSONParser.parse(bad), bad)
        }
        for bytes: [UInt8] in [[0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            var t = JSONTape()
            XCTAssertThrowsError(try t.parse(bytes), "\(bytes)")
            XCTAssertThrowsError(try JSONParser.parse(bytes), "\(bytes)")
        }
    }

    /// The scanner jumps eight bytes at a time to the first byte of a string that needs a
    /// look: each such byte, at every offset of strings from 0 to 19 bytes, must end the
    /// string where it ends, flag it as it must, or be refused, as the parser decides.
    func testEveryByteThatNeedsALookIsSeenAtEveryOffset() throws {
        let specials: [[UInt8]] = [[0x22], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x7F], [0xC2, 0x9B], [0xC3, 0xA9],
                                   [0xE2, 0x80, 0xAE], [0xF0, 0x9F, 0x98, 0x80], [0x01], [0x1F], [0x80], [0xFF], [0x20], [0x21], [0x5B]]
        for length in 0..<20 {
            for at in 0...length {
                for sp in specials {
                    var body = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    body.insert(contentsOf: sp, at: at)
                    let doc: [UInt8] = Array(#"{"k":""#.utf8) + body + Array(#"","z":1}"#.utf8)
                    var t = JSONTape()
                    let parsed = try? JSONParser.parse(doc)
                    do {
                        try t.parse(doc)
                    } catch {
                        XCTAssertNil(parsed, "the tape refused what the parser reads: \(doc)")
                        continue
                    }
                    let v = try XCTUnwrap(parsed, "the tape read what the parser refuses: \(doc)")
                    XCTAssertEqual(t.value(at: 0), v, "\(doc)")
                    XCTAssertEqual(try JSONParser.parse(write(t)), v, "\(doc)")
                    XCTAssertEqual(write(t), JSONWriter.compact(v), "\(doc)")
                    let k = try XCTUnwrap(t.member(0, "k"))
                    XCTAssertEqual(t[k].escaped, sp.first == 0x5C, "\(doc)")
                    XCTAssertEqual(t[k].unsafe, sp == [0x7F] || sp == [0xC2, 0x9B] || sp == [0xE2, 0x80, 0xAE], "\(doc)")
                    XCTAssertNotNil(t.member(0, "z"), "\(doc)")
                }
            }
        }
    }

    /// Escaped strings decode as the parser decodes them: every short escape, `\u` in
    /// both cases of hex, surrogate pairs, and escapes at both ends.
    func testEscapedStringsDecodeAsTheParserDecodesThem() throws {
        let texts = [#"\"a\\b\/c\bd\fe\nf\rg\th"#, #"\u00e9\u00C9x\u20AC"#, #"\ud83d\ude00 y \uD83D\uDE00"#, #"\u0000\u001b[0m\u2028"#,
                     #"\n"#, #"x\u0041"#, #"\u0041x"#, #"plain ñ \\"#]
        for text in texts {
            let doc = Array("[\"\(text)\"]".utf8)
            var t = JSONTape()
            try t.parse(doc)
            XCTAssertEqual(t.decodedString(1), try JSONParser.parse(doc).arrayValue?.first?.stringValue, text)
        }
    }

    /// The tokens' first room is a token per 8 bytes; documents denser than that (the
    /// densest JSON there is) are scanned again with room for the most there can be, and
    /// read the same.
    func testDenseDocumentsGetRoomForEveryToken() throws {
        let ones = "[" + Array(repeating: "1", count: 1000).joined(separator: ",") + "]"
        let members = "{" + (0..<300).map { _ in #""":0"# }.joined(separator: ",") + "}"
        let nested = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        let mixed = "[" + Array(repeating: #"{"":[0,[],{}]}"#, count: 200).joined(separator: ",") + "]"
        for doc in [ones, members, nested, mixed, "1", "[]", #""""#, "[0]"] {
            var t = JSONTape()
            try t.parse(Array(doc.utf8))
            XCTAssertEqual(t.value(at: 0), try JSONParser.parse(doc), String(doc.prefix(40)))
            XCTAssertEqual(write(t), JSONWriter.compact(try JSONParser.parse(doc)), String(doc.prefix(40)))  // (300 keys "": one)
            XCTAssertLessThanOrEqual(t.tokens.count, doc.utf8.count / 2 + 1)
        }
        var t = JSONTape()
        XCTAssertThrowsError(try t.parse(Array(ones.utf8), maxValues: 500), "the value cap holds") { e in
            XCTAssertEqual((e as? JSONParseError)?.message, "more than 500 values")
        }
        // The room is capped by the value cap (a token is a value or a key): a document
        // at the cap, dense or with a key per value, still fits.
        try t.parse(Array(ones.utf8), maxValues: 1001)
        XCTAssertEqual(t.tokens.count, 1001)
        try t.parse(Array(members.utf8), maxValues: 301)
        XCTAssertEqual(t.tokens.count, 601)
        // Documents that are not JSON and outrun any room for valid ones get their own
        // error, as the parser gives it.
        for bad in [String(repeating: "[", count: 1000), String(repeating: "[", count: 300), String(repeating: "[1,", count: 400), "[" + String(repeating: "{\"a\":[", count: 200)] {
            var tapeError: String?, parserError: String?
            do { try t.parse(Array(bad.utf8)) } catch { tapeError = (error as? JSONParseError)?.message }
            do { _ = try JSONParser.parse(bad) } catch { parserError = (error as? JSONParseError)?.message }
            XCTAssertNotNil(tapeError, String(bad.prefix(12)))
            XCTAssertEqual(tapeError, parserError, String(bad.prefix(12)))
        }
    }

    func testMembersAndTheEscapedStringHook() throws {
        let t = try tape(#"{"data":[{"id":1,"k\u0065y":"s\u0065cret-123"},{"id":2}],"meta":{"total":2}}"#)
        let data = try XCTUnwrap(t.member(0, "data"))
        XCTAssertEqual(t[data].count, 2)
        XCTAssertEqual(t.int(try XCTUnwrap(t.member(try XCTUnwrap(t.member(0, "meta")), "total"))), 2)
        XCTAssertNotNil(t.member(data + 1, "key"), "an escaped key matches its decoded text")
        let secrets = Secrets()
        secrets.add("secret-123", placeholder: "$X")
        let hook = AnswerReader(secrets: secrets).escapedStrings
        XCTAssertEqual(write(t, data + 1, hook: hook), #"{"id":1,"key":"[redacted]"}"#)
    }

    /// Every secret spelt with escapes is replaced, at any depth, also in a container
    /// copied whole, and strings with escapes but no secret are written decoded (the
    /// escapes JSON output writes itself are kept as they are).
    func testEscapedSecretsAreReplacedAtAnyDepth() throws {
        let secrets = Secrets()
        secrets.add("secret-123", placeholder: "$X")
        let hook = AnswerReader(secrets: secrets).escapedStrings
        let deep = try tape(#"[{"a":{"b":["x","s\u0065cret-123"]},"c":"q\"d"},{"a":"tab\tand \"quotes\"","n":[1.50,-0]}]"#)
        let items = Array(deep.elements(0))
        XCTAssertEqual(items.map { deep[$0].escaped }, [true, true])
        XCTAssertEqual(items.map { deep[$0].verbatim }, [false, true], "\\u0065 is written decoded; \\t and \\\" as they are")
        XCTAssertEqual(write(deep, items[0], hook: hook), #"{"a":{"b":["x","[redacted]"]},"c":"q\"d"}"#)
        XCTAssertEqual(write(deep, items[1], hook: hook), #"{"a":"tab\tand \"quotes\"","n":[1.50,-0]}"#)
        XCTAssertEqual(write(deep, items[0]), #"{"a":{"b":["x","secret-123"]},"c":"q\"d"}"#, "no hook: no secret known")
    }

    /// Every string with escapes, keys too, at any depth, decoded in document order; the
    /// containers without one are stepped over, never those with one.
    func testEscapedStringsAreAllDecodedForOneSearch() throws {
        let t = try tape(#"{"a":[1,{"b":"x"}],"k\u0065y":{"c":["p",{"d":"\"q\""}],"e":"plain"},"f":"\/r","g":[[],{}],"h":"s\tt"}"#)
        XCTAssertEqual(t.escapedStringsDecoded(), Array("key\0\"q\"\0/r\0s\tt\0".utf8))
        XCTAssertEqual(try tape(#"[{"a":"b"},[1,2],"c"]"#).escapedStringsDecoded(), [])
        XCTAssertEqual(try tape(#""\u00e9""#).escapedStringsDecoded(), Array("é\0".utf8))
    }
}
