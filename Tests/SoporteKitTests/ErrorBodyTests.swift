import XCTest
@testable import SoporteKit
import SoporteJSON

/// Error answers that are not the API's envelope (docs/CONTRACT.md §12.1): what stock Laravel 8, a
/// proxy or a maintenance page sends, read for its message and field errors.
final class ErrorBodyTests: XCTestCase {
    func read(_ body: String, _ contentType: String? = nil) -> ErrorBody? {
        let bytes = Array(body.utf8)
        return ErrorBody.read(bytes, json: try? JSONParser.parse(bytes), contentType: contentType)
    }

    func testLaravelsJSONBodies() throws {
        let v = try XCTUnwrap(read(#"{"message":"The given data was invalid.","errors":{"password":["The password must be at least 8 characters."],"email":["a","b"]}}"#))
        XCTAssertEqual(v.message, "The given data was invalid.")
        XCTAssertEqual(v.details, try JSONParser.parse(#"{"password":["The password must be at least 8 characters."],"email":["a","b"]}"#))
        XCTAssertEqual(read(#"{"message":"No query results for model [App\\Models\\Account] 999999"}"#),
                       ErrorBody(message: #"No query results for model [App\Models\Account] 999999"#, details: nil))
        XCTAssertEqual(read(#"{"message":"Unauthenticated."}"#)?.message, "Unauthenticated.")
        XCTAssertEqual(read(#"{"message":"Server Error","exception":"RuntimeException","file":"\/var\/www\/x.php","line":3}"#)?.message, "Server Error")
        XCTAssertEqual(read(#"{"error":"invalid_request"}"#)?.message, "invalid_request")
        XCTAssertEqual(read(#""Service Unavailable""#)?.message, "Service Unavailable")
        XCTAssertEqual(read(#"{"message":"","errors":{"a":["b"]}}"#)?.message, "The answer lists field errors.", "field errors without a message")
    }

    func testPlainTextIsItsMessageOnOneLineCutToALength() throws {
        XCTAssertEqual(read("Conflict: busy\r\n  try later\n", "text/plain")?.message, "Conflict: busy try later")
        XCTAssertEqual(read("Bad Gateway")?.message, "Bad Gateway", "no content type")
        let long = try XCTUnwrap(read(String(repeating: "word ", count: 2000), "text/plain")?.message)
        XCTAssertEqual(long.count, ErrorBody.maxTextCharacters + 1)
        XCTAssertTrue(long.hasPrefix("word word") && long.hasSuffix("…"), long)
        XCTAssertEqual(read(#"{"message": "Server Er"#)?.message, #"{"message": "Server Er"#, "cut JSON is text")
    }

    func testAnHTMLPageIsItsTitle() {
        let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<TITLE>\n  Service\n Unavailable </title>\n</head><body><div>503</div></body></html>"
        XCTAssertEqual(read(page, "text/html; charset=UTF-8")?.message, "Service Unavailable")
        XCTAssertEqual(read("<html><head><title>502 Bad Gateway &amp; &lt;more&gt; &#233;&#x41;&quot;</title></head></html>")?.message, "502 Bad Gateway & <more> éA\"")
        XCTAssertNil(read("<html><body><h1>x</h1></body></html>", "text/html"), "no title: nothing to say")
        XCTAssertNil(read("<html><head><title> </title></head></html>", "text/html"))
    }

    func testNothingReadable() {
        for body in ["", "   \n", "{}", "[1,2]", #"{"message":5}"#, #"{"message":"  "}"#, "null", "42", "\u{0}\u{1}\u{2}", "a\u{0}b", "---"] {
            XCTAssertNil(read(body), body.debugDescription)
        }
        XCTAssertNil(ErrorBody.read([0x22, 0xFF, 0xFE, 0x22], json: nil, contentType: nil), "not UTF-8")
    }

    /// The error the client makes of such answers: the message as the envelope's is shown,
    /// the detail lines, the JSON line's details, and the exit status of the HTTP status.
    func testTheClientShowsThemAsTheEnvelopesAre() {
        let reader = AnswerReader(secrets: Secrets())
        let call = APICall("GET", "/whm/accounts/9")
        func error(_ status: Int, _ body: String, _ ct: String? = nil) -> SoporteError {
            reader.error(from: HTTPResponse(status: status, headers: ct.map { [("Content-Type", $0)] } ?? [], body: Array(body.utf8)),
                         call: call, requestID: "req_1")
        }
        let e = error(422, #"{"message":"The given data was invalid.","errors":{"password":["Too short \u001b[2J."],"n":"x"}}"#)
        XCTAssertEqual(e.status, .rejected)
        XCTAssertEqual(e.message, "The given data was invalid. (HTTP 422)")
        XCTAssertEqual(e.details, ["password: Too short \\x1b[2J.", "n: x"])
        XCTAssertEqual(e.jsonLine["error"]?["details"], try? JSONParser.parse(#"{"password":["Too short \u001b[2J."],"n":"x"}"#))
        XCTAssertEqual(e.code, "REJECTED")
        XCTAssertEqual(e.requestID, "req_1")
        for (status, want) in [(401, ExitStatus.auth), (403, .auth), (404, .notFound), (409, .rejected), (429, .rateLimited), (500, .server), (503, .server), (302, .server)] {
            XCTAssertEqual(error(status, #"{"message":"m"}"#).status, want, "\(status)")
            XCTAssertEqual(error(status, #"{"message":"m"}"#).message, "m (HTTP \(status))")
        }
        XCTAssertEqual(error(500, "oops \u{1B}[31m\u{202E}", "text/plain").message, "oops \\x1b[31m\\u202e (HTTP 500)")
        XCTAssertEqual(error(404, "{}").message, "unexpected answer to GET /whm/accounts/9: HTTP 404 with a body that is not the API's JSON (no content type)")
        XCTAssertEqual(error(404, "{}").status, .notFound)
        XCTAssertEqual(error(404, "").message, "unexpected answer to GET /whm/accounts/9: HTTP 404 with an empty body")
    }

    /// docs/CONTRACT.md §12.1: a request id is kept as the server sent it; the text form escapes it for
    /// the terminal, the JSON forms carry it as it is (JSON has its own escaping).
    func testARequestIDIsKeptAsSentAndEscapedOnlyAsText() {
        let reader = AnswerReader(secrets: Secrets())
        let e = reader.error(from: HTTPResponse(status: 404, headers: [],
                                                body: Array(#"{"error":{"code":"RESOURCE_NOT_FOUND","message":"gone","request_id":"req_\u001b[2J\u202ex"}}"#.utf8)),
                             call: APICall("GET", "/whm/accounts/9"), requestID: "ours")
        XCTAssertEqual(e.requestID, "req_\u{1B}[2J\u{202E}x")
        XCTAssertEqual(e.jsonLine["error"]?["request_id"], .string("req_\u{1B}[2J\u{202E}x"))
        XCTAssertTrue(e.rendered.hasSuffix("\nrequest id: req_\\x1b[2J\\u202ex"), e.rendered)
        XCTAssertEqual(Bulk.Outcome(given: .id(ResourceID(9)!), id: ResourceID(9), kind: .failed, error: e, httpStatus: 404, requestID: e.requestID).requestID, e.requestID)
        XCTAssertEqual(ResultPrinter.json(Bulk.Outcome(given: .id(ResourceID(9)!), id: ResourceID(9), kind: .failed, error: e, httpStatus: 404, requestID: e.requestID),
                                          action: .suspend)["request_id"], .string("req_\u{1B}[2J\u{202E}x"))
    }
}
