import XCTest
@testable import SandboxKit

final class HTTPParserTests: XCTestCase {
    func frame(_ text: String) -> HTTPParser.Framed { HTTPParser.frame(Array(text.utf8)) }

    func rejection(_ text: String) -> APIFailure? {
        if case .reject(let f) = frame(text) { return f }
        return nil
    }

    func testRepeatedOrConflictingContentLengthIsRejected() {
        for heads in ["Content-Length: 5\r\nContent-Length: 5", "Content-Length: 5\r\nContent-Length: 6",
                      "Content-Length: 5, 5", "content-length: 5\r\nCONTENT-LENGTH: 5"] {
            let f = rejection("POST /v1/whm/accounts HTTP/1.1\r\nHost: x\r\n\(heads)\r\n\r\nhello")
            XCTAssertEqual(f?.status, 400, heads)
        }
    }

    func testContentLengthBesideTransferEncodingIsRejected() {
        let f = rejection("POST /v1/x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello")
        XCTAssertEqual(f?.status, 400)
        XCTAssertTrue(f?.message.contains("both") ?? false)
        XCTAssertEqual(rejection("POST /v1/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")?.status, 400)
    }

    func testContentLengthMustBeDigitsAndSmallEnough() {
        for bad in ["+5", "-4", "5.0", "0x5", "", "5 5"] {
            XCTAssertEqual(rejection("POST /v1/x HTTP/1.1\r\nContent-Length: \(bad)\r\n\r\n")?.status, 400, bad)
        }
        for big in ["2000000", "99999999999999999999999999"] {
            XCTAssertEqual(rejection("POST /v1/x HTTP/1.1\r\nContent-Length: \(big)\r\n\r\n")?.status, 413, big)
        }
        let text = "POST /v1/x HTTP/1.1\r\nContent-Length: 005\r\n\r\nhello"
        guard case .request(let r, _, let length) = frame(text + "GET") else { return XCTFail("leading zeros are a number") }
        XCTAssertEqual(r.body, Array("hello".utf8))
        XCTAssertEqual(length, text.utf8.count)
    }

    func testUTF8HeaderValuesArriveIntact() {
        let token = "sk_\"q'u\\ö漢"
        let head = HTTPParser.parseHead(Array("GET /v1/x HTTP/1.1\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8))
        XCTAssertEqual(head?.header("authorization"), "Bearer \(token)")
    }

    func testControlCharactersFoldsAndBrokenUTF8AreMalformed() {
        for bad in ["GET /v1/x HTTP/1.1\r\nX: a\u{0}b\r\n\r\n", "GET /v1/x HTTP/1.1\r\nX: a\rb\r\n\r\n",
                    "GET /v1/x HTTP/1.1\r\nX: a\nY: b\r\n\r\n", "GET /v1/x HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
                    "GET /v1/x HTTP/1.1\r\nX Y: a\r\n\r\n", "GET /v1/x HTTP/1.1\r\n: a\r\n\r\n",
                    "GET /v 1 HTTP/1.1\r\n\r\n", "get /v1 HTTP/1.1\r\n\r\n", "GET v1 HTTP/1.1\r\n\r\n"] {
            XCTAssertNil(HTTPParser.parseHead(Array(bad.utf8)), bad.debugDescription)
        }
        XCTAssertNil(HTTPParser.parseHead(Array("GET /v1/x HTTP/1.1\r\nX: ".utf8) + [0xFF, 0xFE] + Array("\r\n\r\n".utf8)))
    }

    func testAWholeRequestLeavesTheNextInTheBuffer() {
        let two = "GET /v1/a HTTP/1.1\r\n\r\nGET /v1/b HTTP/1.1\r\n\r\n"
        guard case .request(let r, let keepAlive, let length) = frame(two) else { return XCTFail("one request") }
        XCTAssertEqual(r.path, "/v1/a")
        XCTAssertTrue(keepAlive)
        XCTAssertEqual(length, 22)
    }

    func testIncompleteUntilTheBodyIsThere() {
        guard case .incomplete(let scanned) = frame("POST /v1/x HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello") else {
            return XCTFail("half a body")
        }
        // The head's end must still be found from there next time.
        XCTAssertLessThanOrEqual(scanned, 39)
        guard case .request = HTTPParser.frame(Array("POST /v1/x HTTP/1.1\r\nContent-Length: 10\r\n\r\nhelloworld".utf8), scanned: scanned) else {
            return XCTFail("whole now")
        }
    }

    func testAHeadArrivingByteByByteIsFound() {
        let text = Array("GET /v1/whm/accounts?page=2 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        var buffer: [UInt8] = []
        var scanned = 0
        for (i, b) in text.enumerated() {
            buffer.append(b)
            switch HTTPParser.frame(buffer, scanned: scanned) {
            case .incomplete(let s): scanned = s
            case .request(let r, _, _):
                XCTAssertEqual(i, text.count - 1)
                XCTAssertEqual(r.rawQuery, "page=2")
            case .reject: XCTFail("rejected at byte \(i)")
            }
        }
    }

    func testTooLargeHead() {
        XCTAssertEqual(rejection("GET /v1/x HTTP/1.1\r\nX: " + String(repeating: "a", count: 70_000))?.status, 431)
    }
}
