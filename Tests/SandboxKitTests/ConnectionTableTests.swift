import XCTest
@testable import SandboxKit

final class ConnectionTableTests: XCTestCase {
    func table() -> ConnectionTable { ConnectionTable(idleTimeout: 5, headTimeout: 10) }

    func feed(_ t: inout ConnectionTable, _ fd: Int32, _ text: String, at now: Double) {
        Array(text.utf8).withUnsafeBytes { t.received(fd, $0, now: now) }
    }

    func testEvictsTheLongestWaitingIdleConnectionFirstAndNeverABusyOne() {
        var t = table()
        _ = t.open(7, now: 0)   // fresh: sent nothing yet
        _ = t.open(8, now: 1)
        _ = t.open(9, now: 2)
        feed(&t, 8, "GET / HTTP/1.1\r\n\r\n", at: 3)
        guard case .request = t.takeRequest(8) else { return XCTFail("a request") }
        XCTAssertEqual(t.phase(of: t.tag(8)), .busy)
        XCTAssertEqual(t.evictionCandidate(), 7)
        _ = t.finished(8, now: 4)   // idle now: it goes first
        XCTAssertEqual(t.evictionCandidate(), 8)
        t.close(8)
        XCTAssertEqual(t.evictionCandidate(), 7)
        feed(&t, 7, "GET / HTTP/1.1\r\n\r\n", at: 5)
        _ = t.takeRequest(7)
        feed(&t, 9, "GET / HTTP/1.1\r\n\r\n", at: 5)
        _ = t.takeRequest(9)
        XCTAssertNil(t.evictionCandidate(), "every connection is busy")
        XCTAssertEqual(t.count, 2)
    }

    func testDeadlines() {
        var t = table()
        _ = t.open(3, now: 0)          // fresh: head deadline 10
        _ = t.open(4, now: 1)
        feed(&t, 4, "GET / HT", at: 2) // part of a head: deadline from the accept, 11
        _ = t.open(5, now: 0)
        feed(&t, 5, "GET / HTTP/1.1\r\n\r\n", at: 0)
        _ = t.takeRequest(5)
        _ = t.finished(5, now: 3)      // idle: deadline 8
        XCTAssertEqual(t.nextDeadline(), 8)
        XCTAssertTrue(t.expire(now: 7.9).isEmpty)
        XCTAssertEqual(t.expire(now: 8).map(\.fd), [5])
        XCTAssertEqual(t.nextDeadline(), 10)
        let gone = t.expire(now: 11)
        XCTAssertEqual(gone.map(\.fd), [3, 4])
        XCTAssertEqual(gone.map(\.midRequest), [false, true])
        XCTAssertNil(t.nextDeadline())
        XCTAssertEqual(t.count, 0)
    }

    func testAnIdleConnectionThatStartsARequestGetsTheHeadDeadline() {
        var t = table()
        _ = t.open(3, now: 0)
        feed(&t, 3, "GET / HTTP/1.1\r\n\r\n", at: 0)
        _ = t.takeRequest(3)
        _ = t.finished(3, now: 1)
        feed(&t, 3, "GET /", at: 4)
        XCTAssertEqual(t.nextDeadline(), 14)
        XCTAssertTrue(t.expire(now: 13).isEmpty)
    }

    func testAReusedDescriptorIsANewConnection() {
        var t = table()
        let old = t.open(6, now: 0)
        t.close(6)
        XCTAssertNil(t.phase(of: old))
        let new = t.open(6, now: 1)
        XCTAssertNotEqual(old, new)
        XCTAssertEqual(t.phase(of: new), .fresh)
        XCTAssertNil(t.phase(of: old))
        XCTAssertEqual(ConnectionTable.fd(of: new), 6)
    }

    func testPipelinedBytesStayAndTheBufferIsGivenBack() {
        var t = table()
        _ = t.open(3, now: 0)
        feed(&t, 3, "GET /a HTTP/1.1\r\n\r\nGET /b HT", at: 0)
        guard case .request(let r, _, _) = t.takeRequest(3) else { return XCTFail("first") }
        XCTAssertEqual(r.path, "/a")
        XCTAssertEqual(t.buffered(3), 9)
        XCTAssertTrue(t.finished(3, now: 1), "bytes of the next request are waiting")
        XCTAssertEqual(t.phase(of: t.tag(3)), .partial)
        feed(&t, 3, "TP/1.1\r\n\r\n", at: 1)
        guard case .request(let r2, _, _) = t.takeRequest(3) else { return XCTFail("second") }
        XCTAssertEqual(r2.path, "/b")
        XCTAssertEqual(t.buffered(3), 0)
        XCTAssertEqual(t.slots[3].buffer.capacity, 0, "an idle connection holds no buffer")
    }
}
