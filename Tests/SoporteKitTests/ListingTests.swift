import XCTest
@testable import SoporteKit
import SoporteJSON

final class ListingTests: XCTestCase {
    func testFilterForms() throws {
        XCTAssertEqual(try Filter.parse("status=active").queryKey, "filter[status]")
        XCTAssertEqual(try Filter.parse("amount:gte=10").queryKey, "filter[amount][gte]")
        let sugar: [(String, String)] = [("a!=1", "ne"), ("a>=1", "gte"), ("a<=1", "lte"), ("a>1", "gt"), ("a<1", "lt"), ("a~x", "like")]
        for (e, op) in sugar { XCTAssertEqual(try Filter.parse(e).op, op, e) }
        XCTAssertEqual(try Filter.parse("note=a=b").value, "a=b")
        XCTAssertThrowsError(try Filter.parse("amount:gtx=1")) { e in
            XCTAssertTrue((e as! SoporteError).message.contains("did you mean 'gt'"))
        }
        XCTAssertThrowsError(try Filter.parse("nofilter"))
        XCTAssertThrowsError(try Filter.parse("=x"))
    }

    func testPercentEncoding() {
        var q = Query()
        q.add("filter[domain][like]", "a b&c+d#e=f/ñ")
        XCTAssertEqual(q.encoded, "filter[domain][like]=a%20b%26c%2Bd%23e%3Df%2F%C3%B1")
    }

    func testWalkPlanLimit() {
        var p = WalkPlan(startPage: 1, limit: 250)
        p.first(meta: try? JSONParser.parse(#"{"last_page":10,"per_page":100,"total":937}"#), itemCount: 100)
        XCTAssertEqual(p.lastPageNeeded, 3)
        var q = WalkPlan(startPage: 4, limit: 100)
        q.first(meta: try? JSONParser.parse(#"{"last_page":10,"per_page":100}"#), itemCount: 100)
        XCTAssertEqual(q.lastPageNeeded, 4)
        var all = WalkPlan(startPage: 1, limit: nil)
        all.first(meta: try? JSONParser.parse(#"{"last_page":7,"per_page":15}"#), itemCount: 15)
        XCTAssertEqual(all.lastPageNeeded, 7)
    }

    func testWalkPlanChecks() {
        var p = WalkPlan(startPage: 1, limit: nil)
        p.first(meta: try? JSONParser.parse(#"{"last_page":3,"per_page":2,"total":6}"#), itemCount: 2)
        XCTAssertEqual(p.check(page: 2, meta: try? JSONParser.parse(#"{"current_page":2,"total":6}"#)), .ok)
        XCTAssertEqual(p.check(page: 3, meta: try? JSONParser.parse(#"{"current_page":2,"total":6}"#)), .outOfOrder(got: 2))
        XCTAssertEqual(p.check(page: 3, meta: try? JSONParser.parse(#"{"current_page":3,"total":5}"#)), .drift(from: 6, to: 5))
    }

    func testRetryPolicy() {
        let p = RetryPolicy(maxRetries: 3)
        let half = { 0.5 }
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: 503, retryAfter: nil), random: half), .retry(after: 0.25))
        XCTAssertEqual(p.decide(method: "GET", attempt: 2, outcome: .response(status: 503, retryAfter: nil), random: half), .retry(after: 1.0))
        XCTAssertEqual(p.decide(method: "GET", attempt: 3, outcome: .response(status: 503, retryAfter: nil), random: half), .stop)
        XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .response(status: 503, retryAfter: nil), random: half), .stop)
        XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .response(status: 429, retryAfter: 2), random: half), .retry(after: 2))
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: 500, retryAfter: nil), random: half), .stop)
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: 404, retryAfter: nil), random: half), .stop)
        let sent = TransportError(.receive, "x", requestSent: true)
        let notSent = TransportError(.connect, "x", requestSent: false)
        XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .transport(sent), random: half), .stop)
        XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .transport(notSent), random: half), .retry(after: 0.25))
        XCTAssertEqual(p.decide(method: "DELETE", attempt: 0, outcome: .transport(sent), random: half), .retry(after: 0.25))
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .transport(TransportError(.tls, "x", requestSent: false)), random: half), .stop)
        XCTAssertEqual(p.backoff(20, { 0.999999 }), 30, accuracy: 0.001)
    }

    func testPacerSpacesRequestsOnceTheBudgetIsLow() {
        let p = RatePacer(reserve: 2)
        XCTAssertEqual(p.delay(now: 0), 0)  // nothing known yet
        p.observe(limit: "60", remaining: "10", reset: nil)
        XCTAssertEqual(p.delay(now: 0), 0)
        p.observe(limit: "60", remaining: "2", reset: nil)
        let a = p.delay(now: 0), b = p.delay(now: 0), c = p.delay(now: 0)
        XCTAssertEqual(a, 0, accuracy: 0.001)
        XCTAssertEqual(b, 1.15, accuracy: 0.001)       // one slot per refill interval
        XCTAssertEqual(c, 1.15 * 3, accuracy: 0.001)   // budget spent: its slot plus a refill
    }

    func testRetryAfterParsing() {
        XCTAssertEqual(RetryPolicy.parseRetryAfter("7", now: 0), 7)
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_770), 7)
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon", now: 0))
    }

    func testDisplayWidth() {
        XCTAssertEqual(DisplayWidth.of("abc"), 3)
        XCTAssertEqual(DisplayWidth.of("山田太郎"), 8)
        XCTAssertEqual(DisplayWidth.of("e\u{301}te\u{301}"), 3)
        XCTAssertEqual(DisplayWidth.of("🚀"), 2)
        XCTAssertEqual(DisplayWidth.truncate("山田太郎", to: 5), "山田…")
        XCTAssertEqual(DisplayWidth.pad("山", to: 4), "山  ")
    }

    func testSanitizer() {
        XCTAssertEqual(Sanitizer.forTerminal("\u{1B}[31mred\u{1B}[0m\nx\ty"), "\\e[31mred\\e[0m\\nx\\ty")
        XCTAssertEqual(Sanitizer.forTerminal("a\u{202E}b"), "a\\u{202e}b")
        XCTAssertEqual(Sanitizer.forTerminal("José 山田"), "José 山田")
    }

    func testTableFitsWidth() {
        let out = TableLayout.render(header: ["ID", "NAME"], rows: [["1", "山田太郎山田太郎山田太郎"]], width: 12, color: false)
        for line in out.split(separator: "\n") { XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 12) }
        XCTAssertTrue(out.contains("…"))
    }

    func testCSVAndTSV() throws {
        let io = IOStreams(out: BufferSink(), err: BufferSink(), stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, terminalWidth: nil, colorEnabled: false)
        let w = DelimitedWriter(io: io, style: .csv, plan: ColumnPlan(requested: nil, defaults: nil), headers: true, csvSafe: true)
        try w.write(try JSONParser.parse(#"{"id":1,"n":"a,\"b\"\nc","s":{"x":"=1"},"t":[1],"z":null,"m":-5}"#))
        try w.finish(complete: true)
        XCTAssertEqual((io.outSink as! BufferSink).text, "id,n,s.x,t,z,m\n1,\"a,\"\"b\"\"\nc\",'=1,[1],,-5\n")

        let io2 = IOStreams(out: BufferSink(), err: BufferSink(), stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, terminalWidth: nil, colorEnabled: false)
        let t = DelimitedWriter(io: io2, style: .tsv, plan: ColumnPlan(requested: ["n"], defaults: nil), headers: false, csvSafe: false)
        try t.write(try JSONParser.parse(#"{"n":"a\tb\nc\\d"}"#))
        try t.finish(complete: true)
        XCTAssertEqual((io2.outSink as! BufferSink).text, "a\\tb\\nc\\\\d\n")
    }

    func testTableWriterMatchesLayoutAndKeepsEmptyCells() throws {
        let items = [#"{"id":1,"name":"山田","note":""}"#, #"{"id":22,"name":"x","note":"a\u001bb"}"#, #"{"id":3,"name":null,"note":"zz"}"#]
        for (tty, width) in [(false, nil), (true, 9)] as [(Bool, Int?)] {
            let io = IOStreams(out: BufferSink(), err: BufferSink(), stdoutIsTTY: tty, stderrIsTTY: false, stdinIsTTY: false, terminalWidth: width, colorEnabled: false)
            let w = TableWriter(io: io, plan: ColumnPlan(requested: nil, defaults: nil), headers: true)
            for i in items { try w.write(try JSONParser.parse(i)) }
            try w.finish(complete: true)
            let expected = TableLayout.render(header: ["ID", "NAME", "NOTE"],
                                              rows: [["1", "山田", ""], ["22", "x", Sanitizer.forTerminal("a\u{1B}b")], ["3", "", "zz"]],
                                              width: width, color: false)
            XCTAssertEqual((io.outSink as! BufferSink).text, expected)
        }
    }
}
