import XCTest
@testable import SoporteKit

/// The API URL is parsed once where it comes in (docs/CONTRACT.md §8, §12.2): no user information,
/// plain http only to a loopback address decided on the parsed host.
final class APIURLTests: XCTestCase {
    func testLoopbackIsDecidedOnTheParsedAddress() {
        for host in ["localhost", "127.0.0.1", "127.255.255.254", "127.0.0.0", "[::1]"] {
            XCTAssertTrue(APIURL.isLoopback(host: host), host)
        }
        for host in ["127..0.0.1", "127.0.0.1.", ".127.0.0.1", "127.1", "0x7f.0.0.1", "0x7f.1", "127.0.0.01", "0177.0.0.1",
                     "127.0.0.256", "127.0.0.1.5", "128.0.0.1", "127.0.0.+1", "127.0.0.1x", "localhost.", "[::2]", "", "127.0.0.١"] {
            XCTAssertFalse(APIURL.isLoopback(host: host), host)
        }
    }

    func testPlainHTTPOnlyToLoopback() throws {
        XCTAssertEqual(try APIURL("http://127.0.0.1:8080/v1/").text, "http://127.0.0.1:8080/v1")
        XCTAssertEqual(try APIURL("http://LOCALHOST:9/v1").host, "localhost")
        XCTAssertEqual(try APIURL("https://Api.Example:8443/v1").origin, "https://api.example:8443")
        for bad in ["http://127..0.0.1:9/v1", "http://127.0.0.1.:9/v1", "http://0x7f.1/v1", "http://127.1/v1", "http://api.example/v1"] {
            XCTAssertThrowsError(try APIURL(bad), bad) { XCTAssertTrue("\($0)".hasPrefix("plain http:// to"), "\($0)") }
        }
    }

    func testUserInformationIsRefusedWithoutBeingShown() {
        for bad in ["https://user:Pw-9x@api.example/v1", "http://user:Pw-9x@127.0.0.1:9/v1", "https://Pw-9x@api.example", "https://@api.example/v1",
                    "ftp://user:Pw-9x@h/v1", "htps://user:Pw-9x@h"] {
            XCTAssertThrowsError(try APIURL(bad), bad) { e in
                XCTAssertEqual(e as? APIURL.Problem, .userInformation, bad)
                XCTAssertFalse("\(e)".contains("Pw-9x"), "\(e)")
            }
            XCTAssertFalse(APIURL.problem(bad)?.contains("Pw-9x") ?? true)
        }
        XCTAssertEqual(APIURL.hidingUserInformation("https://u:Pw-9x@h.example/v1"), "https://[redacted]@h.example/v1")
        XCTAssertEqual(APIURL.hidingUserInformation("https://h.example/v1?a=@b"), "https://h.example/v1?a=@b")
    }

    func testOtherShapesAreRefused() {
        XCTAssertEqual(APIURL.problem("htps://h/v1"), "is not an http(s) URL: 'htps://h/v1'")
        XCTAssertEqual(APIURL.problem("mailto:a@b"), "is not an http(s) URL", "a text with @ is not echoed")
        XCTAssertNotNil(APIURL.problem("https://h/v1?x=1"))
        XCTAssertNotNil(APIURL.problem("https://h/v1#f"))
        XCTAssertNotNil(APIURL.problem("https://h\\@evil.example/v1"))
        XCTAssertNotNil(APIURL.problem("https://h%2e/v1"))
    }

    func testAFlagWithUserInformationIsAConfigurationError() {
        let h = Harness()
        let r = h.run(["--api-url", "https://user:Pw-9x@api.test/v1", "accounts", "get", "1", "-v"])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("--api-url must not hold user information"), r.err)
        XCTAssertFalse((r.out + r.err).contains("Pw-9x"))
        XCTAssertTrue(h.transport.requests.isEmpty)
    }
}
