import XCTest
@testable import SoporteKit
import SoporteJSON

/// CSV and TSV cells that hold one special character only, so that each rule of the
/// quoting and escaping is seen alone (SPEC §6).
final class DelimitedEdgeTests: XCTestCase {
    func write(_ style: DelimitedWriter.Style, csvSafe: Bool = false, _ json: String) throws -> String {
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts())
        let w = DelimitedWriter(io: io, style: style, plan: ColumnPlan(requested: nil, defaults: nil), headers: false, csvSafe: csvSafe)
        try w.write(try JSONParser.parse(json))
        try w.finish(complete: true)
        return out.text
    }

    func testCSVQuotesACellForEachCharacterAlone() throws {
        XCTAssertEqual(try write(.csv, #"{"a":"x,y","b":"plain"}"#), "\"x,y\",plain\n")
        XCTAssertEqual(try write(.csv, #"{"a":"x\"y"}"#), "\"x\"\"y\"\n")
        XCTAssertEqual(try write(.csv, #"{"a":"x\ny"}"#), "\"x\ny\"\n")
        XCTAssertEqual(try write(.csv, #"{"a":"x\ry"}"#), "\"x\ry\"\n")
        XCTAssertEqual(try write(.csv, #"{"a":"x\ty"}"#), "x\ty\n", "a tab needs no quotes in CSV")
    }

    func testCSVSafePrefixesEveryFormulaStartAndNoNumber() throws {
        for start in ["=", "+", "-", "@", "\t"] {
            let cell = JSONWriter.compact(.string(start + "SUM(A1)"))
            XCTAssertEqual(try write(.csv, csvSafe: true, #"{"a":\#(cell)}"#), "'\(start)SUM(A1)\n", start.debugDescription)
        }
        XCTAssertEqual(try write(.csv, csvSafe: true, #"{"a":"\rSUM(A1)"}"#), "\"'\rSUM(A1)\"\n")
        XCTAssertEqual(try write(.csv, csvSafe: true, #"{"a":-5,"b":"a=1"}"#), "-5,a=1\n")
    }

    func testTSVEscapesEachCharacterAlone() throws {
        XCTAssertEqual(try write(.tsv, #"{"a":"x\ty"}"#), "x\\ty\n")
        XCTAssertEqual(try write(.tsv, #"{"a":"x\ny"}"#), "x\\ny\n")
        XCTAssertEqual(try write(.tsv, #"{"a":"x\ry"}"#), "x\\ry\n")
        XCTAssertEqual(try write(.tsv, #"{"a":"x\\y"}"#), "x\\\\y\n")
        XCTAssertEqual(try write(.tsv, #"{"a":"x,\"y"}"#), "x,\"y\n", "no CSV quoting in TSV")
    }
}
