import XCTest
@testable import SoporteKit
@testable import SoporteSystem

/// The small text helpers every request goes through: URL pieces, percent-encoding and
/// request ids.
final class CoreTextTests: XCTestCase {
    func testURLPartsReadsHTTPURLsAndNothingElse() throws {
        let u = try XCTUnwrap(URLParts("HTTPS://Example.COM:8443/v1/x?y=1#f"))
        XCTAssertEqual([u.scheme, u.host, u.path], ["https", "example.com", "/v1/x"])
        XCTAssertEqual(u.port, 8443)
        XCTAssertEqual(u.origin, "https://example.com:8443")
        XCTAssertEqual(URLParts("http://[::1]:9/p")?.origin, "http://[::1]:9")
        XCTAssertEqual(URLParts("http://user:pw@h/p")?.origin, "http://h:80")
        XCTAssertEqual(URLParts("https://h")?.origin, "https://h:443")
        XCTAssertEqual(URLParts("http://h?a=/b")?.path, "", "the authority ends at a query")
        XCTAssertEqual(URLParts("http://h#/x")?.origin, "http://h:80")
        XCTAssertEqual(URLParts("http://h/ñ/é?x=/#y")?.path, "/ñ/é", "non-ASCII paths end at the query")
        XCTAssertNil(URLParts("http://h/a\u{7F}"), "DEL anywhere")
        XCTAssertNil(URLParts("http://h/a\tb"), "a tab anywhere")
        // A '/' with a combining mark after it is one Character but still ends the
        // authority (libcurl cuts the host there): the origin is evil.example's.
        XCTAssertEqual(URLParts("https://evil.example/\u{301}@api.example.com/v1")?.origin, "https://evil.example:443")
        for bad in ["ftp://x/", "http:/x", "http//x", "a:b://x", "http://h:0/", "http://h:65536/", "http:///p", "http://h x/", "", "://x", "http:"] {
            XCTAssertNil(URLParts(bad), bad)
        }
    }

    func testPercentEncodingKeepsOnlyUnreservedBytesAndKeyBrackets() {
        XCTAssertEqual(Percent.encode("a b&c=d/é[]~-._+#%"), "a%20b%26c%3Dd%2F%C3%A9%5B%5D~-._%2B%23%25")
        XCTAssertEqual(Percent.encodeKey("filter[amount][gte]"), "filter[amount][gte]")
        XCTAssertEqual(Percent.encodeKey("a%5Bb c"), "a%255Bb%20c")
        XCTAssertEqual(Query([("filter[status]", "in:a,b"), ("q", "ñ&")]).encoded, "filter[status]=in%3Aa%2Cb&q=%C3%B1%26")
    }

    func testRequestIDsAreVersion4UUIDsAndNeverRepeat() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let id = Random.uuid()
            let b = Array(id.utf8)
            XCTAssertEqual(b.count, 36, id)
            for (i, c) in b.enumerated() {
                if [8, 13, 18, 23].contains(i) { XCTAssertEqual(c, UInt8(ascii: "-"), id); continue }
                XCTAssertTrue((0x30...0x39).contains(c) || (0x61...0x66).contains(c), id)
            }
            XCTAssertEqual(b[14], UInt8(ascii: "4"), id)
            XCTAssertTrue("89ab".utf8.contains(b[19]), id)
            XCTAssertTrue(seen.insert(id).inserted, "repeated: \(id)")
        }
    }
}
