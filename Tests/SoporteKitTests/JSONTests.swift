import XCTest
@testable import SoporteJSON

final class JSONTests: XCTestCase {
    func roundTrip(_ s: String) throws -> String { JSONWriter.compact(try JSONParser.parse(s)) }

    func testKeepsOrderAndNumberLiterals() throws {
        let src = #"{"z":1,"a":100.10,"big":9007199254740993,"e":1e2,"neg":-0.0,"E":2E-3,"arr":[true,false,null]}"#
        XCTAssertEqual(try roundTrip(src), src)
    }

    func testStringsAndEscapes() throws {
        XCTAssertEqual(try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude80""#), .string("a\"b\\c/d\n\té🚀"))
        XCTAssertEqual(try roundTrip(#"["\u001b[31m","日本","e\u0301"]"#), "[\"\\u001b[31m\",\"日本\",\"é\"]")
        XCTAssertEqual(JSONWriter.compact(.string("tab\tnl\n\u{7f}")), #""tab\tnl\n\u007f""#)
    }

    func testInvalidInputGivesOffset() {
        let cases: [(String, Int)] = [("{\"a\":}", 5), ("[1,]", 3), ("01", 1), ("1.", 2), ("\"abc", 4), ("tru", 0), ("{\"a\" 1}", 5), ("[1] x", 4),
                                      (#""\ud800""#, 7), ("\"a\u{01}b\"", 2), ("-", 1), ("", 0)]
        for (s, off) in cases {
            XCTAssertThrowsError(try JSONParser.parse(s), s) { e in
                XCTAssertEqual((e as? JSONParseError)?.offset, off, "offset for \(s)")
            }
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xFF, 0x22]))  // invalid UTF-8
    }

    func testDepthLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        XCTAssertThrowsError(try JSONParser.parse(deep))
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertNoThrow(try JSONParser.parse(ok))
    }

    func testPretty() throws {
        let v = try JSONParser.parse(#"{"a":[1,{"b":null}],"c":{}}"#)
        XCTAssertEqual(JSONWriter.pretty(v), "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {}\n}")
    }

    /// docs/CONTRACT.md §12.1: the last of duplicate keys wins, at the place of the first (as
    /// JavaScript's JSON.parse and jq do), at any depth, whether the keys are spelt alike
    /// or one with escapes, in objects that share their layout and in those that do not.
    func testDuplicateKeysLastWinsAtTheFirstPlace() throws {
        let cases = [
            (#"{"a":1,"b":2,"a":3}"#, #"{"a":3,"b":2}"#),
            (#"{"a":1,"a":2}"#, #"{"a":2}"#),
            (#"{"x":{"k":1,"k":[1],"j":0,"k":{"k":1,"k":2}}}"#, #"{"x":{"k":{"k":2},"j":0}}"#),
            (#"{"a":1,"\u0061":2,"\u0062":3,"b":4}"#, #"{"a":2,"b":4}"#),
            (#"[{"a":1,"a":2},{"a":3,"a":4},{"a":5}]"#, #"[{"a":2},{"a":4},{"a":5}]"#),
            (#"[{"a":1,"b":2},{"a":1,"b":2,"a":5},{"a":1,"b":2},{"a":1}]"#, #"[{"a":1,"b":2},{"a":5,"b":2},{"a":1,"b":2},{"a":1}]"#),
            (#"[{"a":1,"b":2,"c":3},{"a":1,"b":2}]"#, #"[{"a":1,"b":2,"c":3},{"a":1,"b":2}]"#),
        ]
        for (doc, want) in cases { XCTAssertEqual(try roundTrip(doc), want, doc) }
        // A large object (a set finds the duplicate, not pairs).
        let many = (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        XCTAssertEqual(try roundTrip("{" + many + #","k3":"last"}"#), "{" + many.replacingOccurrences(of: #""k3":3"#, with: #""k3":"last""#) + "}")
        XCTAssertEqual(try JSONParser.parse(#"{"a":1,"a":2}"#)["a"], .int(2))
    }
}
