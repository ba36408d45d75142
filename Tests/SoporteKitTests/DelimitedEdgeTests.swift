import XCTest
@testable import SoporteKit
import SoporteJSON

/// CSV and TSV cells that hold one special character only, so that each rule of the
/// quoting and escaping is seen alone (docs/CONTRACT.md §6).
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

/// A walk writes CSV and TSV rows from the page's tape when an item's keys are laid out as
/// the columns expect, and through decoded values otherwise: for any item, both ways must
/// write the same row.
final class DelimitedTapeTests: XCTestCase {
    func rows(_ style: DelimitedWriter.Style, _ items: [String], tape: Bool) throws -> String {
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts())
        let w = DelimitedWriter(io: io, style: style, plan: ColumnPlan(requested: nil, defaults: nil), headers: true, csvSafe: true)
        var t = JSONTape()
        try t.parse(Array(("[" + items.joined(separator: ",") + "]").utf8))
        for i in t.elements(0) {
            if tape { try w.write(t, i, escapedString: nil) } else { try w.write(t.value(at: i)) }
        }
        try w.finish(complete: true)
        return out.text
    }

    func testEveryItemShapeWritesTheSameRowEitherWay() throws {
        let first = #"{"id":1,"d":"a,b","limits":{"e":20,"db":{"x":1,"y":"=2"}},"tags":["v"],"empty":{},"n":null}"#
        let others = [
            #"{"id":2,"d":"c\"d","limits":{"e":21,"db":{"x":3,"y":"z"}},"tags":[],"empty":{},"n":1.50}"#,   // the same layout
            #"{"id":3,"d":"e","limits":{"e":22,"db":{"x":4}},"tags":[],"empty":{},"n":null}"#,            // a nested key fewer
            #"{"id":4,"d":"f","limits":{"db":{"x":5,"y":"w"},"e":23},"tags":[],"empty":{},"n":null}"#,    // another order
            #"{"id":5,"d":"g","limits":{"e":24,"db":{"x":6,"y":"v"}},"tags":[],"empty":{"k":1},"n":null}"#, // an object where a cell was
            #"{"id":6,"d":"h","limits":{"e":25,"db":7},"tags":[],"empty":{},"n":null}"#,                  // a cell where an object was
            #"{"id":7,"d":"i","limits":{"e":26,"db":{"x":8,"y":"u"}},"tags":[],"empty":{},"n":null,"extra":1}"#,
            #"{"i\u0064":8,"d":"\u00e9\n","limits":{"e":27,"db":{"x":9,"y":"t"}},"tags":{"a":[1]},"empty":{},"n":true}"#,
            #"{"id":11,"dd":"k","limits":{"e":29,"db":{"x":2,"y":"r"}},"tags":[],"empty":{},"n":null}"#,  // another key, same shape
            #"{"id":12,"d":"l","limits":{"f":30,"db":{"x":3,"y":"q"}},"tags":[],"empty":{},"n":null}"#,   // another nested key
            #"{"d":"m","id":13,"limits":{"e":31,"db":{"x":4,"y":"p"}},"tags":[],"empty":{},"n":null}"#,   // two cells swapped
            #"{"id":9}"#, #"[1,2]"#, #""text""#, #"{}"#,
            #"{"id":10,"d":"j","limits.e":28,"limits":{"db":{"x":1,"y":"s"}},"tags":[],"empty":{},"n":null}"#,
            // Laravel's escapes, in cells and in containers that are cells (docs/CONTRACT.md §12.1)
            #"{"id":14,"d":"\u2014","limits":{"e":32,"db":{"x":5,"y":"\/"}},"tags":["\u00e9\/x",{"k":"\u2014"}],"empty":{},"n":null}"#,
            // duplicate keys: the last wins, in the item and in a container that is a cell
            #"{"id":15,"d":"n","limits":{"e":33,"db":{"x":6,"y":"o"}},"tags":[{"k":1,"k":2}],"empty":{},"n":null,"d":"last"}"#,
        ]
        for style in [DelimitedWriter.Style.csv, .tsv] {
            for other in others {
                let viaTape = try rows(style, [first, other, first], tape: true)
                XCTAssertEqual(viaTape, try rows(style, [first, other, first], tape: false), "\(style) \(other)")
                XCTAssertTrue(viaTape.hasPrefix("id\(style == .csv ? "," : "\t")d"), "\(style) \(other)")
            }
        }
        XCTAssertEqual(try rows(.csv, [first, others[others.count - 2], others[others.count - 1]], tape: true).split(separator: "\n").dropFirst(2),
                       ["14,\u{2014},32,5,/,\"[\"\"\u{e9}/x\"\",{\"\"k\"\":\"\"\u{2014}\"\"}]\",{},",
                        "15,last,33,6,o,\"[{\"\"k\"\":2}]\",{},"])
        XCTAssertEqual(try rows(.csv, [first, others[0]], tape: true),
                       "id,d,limits.e,limits.db.x,limits.db.y,tags,empty,n\n1,\"a,b\",20,1,'=2,\"[\"\"v\"\"]\",{},\n2,\"c\"\"d\",21,3,z,[],{},1.50\n")
    }
}
