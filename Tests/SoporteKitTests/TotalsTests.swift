import XCTest
@testable import SoporteKit
import SoporteJSON
import SoporteSystem

/// Exact sums (docs/CONTRACT.md §14.2): the decimal type alone, then the totals writer.
final class ExactDecimalTests: XCTestCase {
    func d(_ s: String) -> ExactDecimal { ExactDecimal(jsonNumber: Array(s.utf8))! }

    func testSumsAreExactAndKeepTheLargerScale() {
        XCTAssertEqual((d("100.10") + d("0.20")).description, "100.30")
        XCTAssertEqual((d("100.10") + d("0.2")).description, "100.30")
        XCTAssertEqual((d("0.1") + d("0.2")).description, "0.3")
        XCTAssertEqual((d("1") + d("2.500")).description, "3.500")
        XCTAssertEqual((d("-3.5") + d("1.25")).description, "-2.25")
        XCTAssertEqual((d("3.5") + d("-3.50")).description, "0.00")
        XCTAssertEqual((d("-0.5") + d("0.25")).description, "-0.25")
        XCTAssertEqual((d("999999999") + d("1")).description, "1000000000")
        XCTAssertEqual((d("9007199254740993") + d("0.000000001")).description, "9007199254740993.000000001")
        XCTAssertEqual((d("1000000000000000000000") + d("-1")).description, "999999999999999999999")
        XCTAssertEqual((d("0.000000000000000001") + d("-0.000000000000000002")).description, "-0.000000000000000001")
    }

    func testExponentsAreExact() {
        XCTAssertEqual(d("1e3").description, "1000")
        XCTAssertEqual(d("1E+3").description, "1000")
        XCTAssertEqual(d("2.5E-2").description, "0.025")
        XCTAssertEqual(d("1.50e1").description, "15.0")
        XCTAssertEqual(d("-0").description, "0")
        XCTAssertEqual(d("0e-3").description, "0.000")
        XCTAssertEqual(d("123e-12").description, "0.000000000123")
        XCTAssertEqual((d("1e20") + d("1e-20")).description, "100000000000000000000.00000000000000000001")
        XCTAssertNil(ExactDecimal(jsonNumber: Array("1e999999999".utf8)), "too many digits to spell out")
        XCTAssertNil(ExactDecimal(jsonNumber: Array("1e-99999999999999999999999".utf8)))
    }

    func testPlainDecimalStringsOnly() {
        XCTAssertEqual(ExactDecimal(plainDecimal: "100.10")?.description, "100.10")
        XCTAssertEqual(ExactDecimal(plainDecimal: "-3.5")?.description, "-3.5")
        for bad in ["", "-", "1e3", "+5", " 5", "5 ", "1,000", ".5", "5.", "0x10", "NaN", "1.2.3", "--1"] {
            XCTAssertNil(ExactDecimal(plainDecimal: bad), bad)
        }
    }

    func testCompareIsNumeric() {
        XCTAssertEqual(ExactDecimal.compare(d("1.0"), d("1")), 0)
        XCTAssertEqual(ExactDecimal.compare(d("2"), d("10")), -1)
        XCTAssertEqual(ExactDecimal.compare(d("-2"), d("-10")), 1)
        XCTAssertEqual(ExactDecimal.compare(d("-0.1"), d("0")), -1)
    }
}

final class TotalsWriterTests: XCTestCase {
    func run(_ spec: TotalsSpec, _ items: [String], maxGroups: Int = TotalsSpec.maxGroups) throws -> (String, String) {
        let out = BufferSink(), err = BufferSink()
        let io = IOStreams(out: out, err: err, facts: TerminalFacts())
        let w = TotalsWriter(spec: spec, io: io, maxGroups: maxGroups) { cols in
            DelimitedWriter(io: io, style: .csv, plan: ColumnPlan(requested: cols, defaults: nil), headers: true, csvSafe: false)
        }
        for i in items { try w.write(try JSONParser.parse(i)) }
        try w.finish(complete: true)
        return (out.text, err.text)
    }

    func testGroupsSortedInJQOrderWithCountsSumsAndSkipped() throws {
        let (out, err) = try run(TotalsSpec(countBy: ["k"], sums: ["amount"]), [
            #"{"k":"b","amount":"100.10"}"#, #"{"k":10,"amount":0.2}"#, #"{"k":2,"amount":1e1}"#, #"{"k":null,"amount":null}"#,
            #"{"k":"b","amount":0.20}"#, #"{"k":"a","amount":"n/a"}"#, #"{"k":true,"amount":true}"#, #"{"amount":5}"#,
        ])
        XCTAssertEqual(out, """
        k,count,sum_amount,skipped
        ,2,5,1
        true,1,,1
        2,1,10,0
        10,1,0.2,0
        a,1,,1
        b,2,100.30,0

        """)
        XCTAssertTrue(err.contains(#"--sum amount: 3 values were not a number (the first: null); counted in 'skipped'"#), err)
    }

    func testEqualNumbersAreOneGroupShownAsFirstSeen() throws {
        let (out, _) = try run(TotalsSpec(countBy: ["k"], sums: []), [#"{"k":1.0}"#, #"{"k":1}"#, #"{"k":1e0}"#, #"{"k":"1"}"#, #"{"k":-0.0}"#, #"{"k":0}"#])
        XCTAssertEqual(out, "k,count\n-0.0,2\n1.0,3\n1,1\n")
        XCTAssertEqual(ExactDecimal(jsonNumber: Array("1.50".utf8))?.canonical, "1.5")
        XCTAssertEqual(ExactDecimal(jsonNumber: Array("100".utf8))?.canonical, "100")
    }

    func testOnlySumsMakeOneRowAndNoSkippedColumnWhenAllAreNumbers() throws {
        let (out, err) = try run(TotalsSpec(countBy: [], sums: ["a", "b.c"]), [#"{"a":1.5,"b":{"c":"2"}}"#, #"{"a":"-0.25","b":{"c":3}}"#])
        XCTAssertEqual(out, "count,sum_a,sum_b.c\n2,1.25,5\n")
        XCTAssertEqual(err, "")
        XCTAssertEqual(try run(TotalsSpec(countBy: [], sums: ["a"]), []).0, "count,sum_a\n0,\n")
    }

    func testMoreGroupsThanTheLimitIsAUsageError() throws {
        XCTAssertThrowsError(try run(TotalsSpec(countBy: ["id"], sums: []), [#"{"id":1}"#, #"{"id":2}"#, #"{"id":3}"#], maxGroups: 2)) { e in
            let err = e as? SoporteError
            XCTAssertEqual(err?.status, .usage)
            XCTAssertTrue(err?.message.contains("--count-by id makes more than 2 groups") == true, "\(String(describing: err))")
        }
        XCTAssertNoThrow(try run(TotalsSpec(countBy: ["id"], sums: []), [#"{"id":1}"#, #"{"id":2}"#, #"{"id":1}"#], maxGroups: 2))
    }

    /// The walk hands pages over as tapes: only the cells asked for are read, with the
    /// same answers as from decoded values (dotted paths, a literal dotted key first).
    func testTapeItemsGiveTheSameTotalsAsValues() throws {
        let items = [#"{"s":"a","m":{"n":"1.5"},"m.n":9,"lines":[{"x":1}]}"#, #"{"s":"a","m":{"n":2.25}}"#, #"{"s":"b\u00e9","m":{"n":"x"}}"#, "7"]
        let spec = TotalsSpec(countBy: ["s"], sums: ["m.n"])
        let (fromValues, _) = try run(spec, items)
        let out = BufferSink(), err = BufferSink()
        let io = IOStreams(out: out, err: err, facts: TerminalFacts())
        let w = TotalsWriter(spec: spec, io: io) { cols in
            DelimitedWriter(io: io, style: .csv, plan: ColumnPlan(requested: cols, defaults: nil), headers: true, csvSafe: false)
        }
        for i in items {
            var t = JSONTape()
            try t.parse(Array(i.utf8))
            try w.write(t, 0, escapedString: nil)
        }
        try w.finish(complete: true)
        XCTAssertEqual(out.text, fromValues)
        XCTAssertEqual(out.text, "s,count,sum_m.n,skipped\n,1,,1\na,2,11.25,0\nbé,1,,1\n")
    }

    func testAnUnfinishedWalkPrintsNoTotals() throws {
        let out = BufferSink(), err = BufferSink()
        let io = IOStreams(out: out, err: err, facts: TerminalFacts())
        let w = TotalsWriter(spec: TotalsSpec(countBy: [], sums: ["a"]), io: io) { _ in NDJSONWriter(io: io) }
        try w.write(try JSONParser.parse(#"{"a":1}"#))
        try w.finish(complete: false)
        XCTAssertEqual(out.text, "")
    }
}
