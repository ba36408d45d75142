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

    func testDuplicateKeysKeptAsSent() throws {
        XCTAssertEqual(try roundTrip(#"{"a":1,"a":2}"#), #"{"a":1,"a":2}"#)
    }
}
