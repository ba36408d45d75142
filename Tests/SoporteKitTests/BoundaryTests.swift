import XCTest
@testable import SoporteKit
import SoporteJSON

/// The typed values made where outside text enters (docs/BOUNDARIES.md).
final class BoundaryTests: XCTestCase {
    func testResourceIDFromTheServerIsAnIntegerOrDigitsWithoutLeadingZeros() throws {
        for ok in [#"7"#, #""7""#, #"9223372036854775807"#, #""9223372036854775807""#] {
            XCTAssertNotNil(ResourceID(server: try JSONParser.parse(ok)), ok)
        }
        for bad in ["\"..\"", #""1,\"x\":1""#, #"-3"#, #"1.5"#, #"7.0"#, #"7e0"#, #"0"#, #""007""#, #""""#, #"null"#, #"true"#,
                    #"9223372036854775808"#, #""9223372036854775808""#, #"[7]"#, #"{"id":7}"#, #"" 7""#, #""7 ""#, #""+7""#] {
            let v = try JSONParser.parse(bad)
            XCTAssertNil(ResourceID(server: v), bad)
            XCTAssertThrowsError(try ResourceID.fromServer(v, what: "the account", requestID: nil), bad) { e in
                XCTAssertEqual((e as? SoporteError)?.status, .server)
            }
        }
        XCTAssertThrowsError(try ResourceID.fromServer(.string("\u{1B}[31m.."), what: "x", requestID: nil)) { e in
            XCTAssertFalse((e as! SoporteError).message.contains("\u{1B}"), "the value is shown escaped")
        }
    }

    func testResourceIDFromTheUserAllowsLeadingZeros() throws {
        XCTAssertEqual(try ResourceID.typed("007")?.description, "7")
        XCTAssertEqual(try ResourceID.typed("007")?.json, .number("7"))
        XCTAssertEqual(try ResourceID.typed("00000000000000000000042")?.value, 42)
        XCTAssertNil(try ResourceID.typed("shop.com"))
        XCTAssertNil(try ResourceID.typed("+5"))
        XCTAssertNil(try ResourceID.typed("0x10"))
        for bad in ["0", "000", "9223372036854775808", "99999999999999999999999"] {
            XCTAssertThrowsError(try ResourceID.typed(bad), bad) { e in XCTAssertEqual((e as? SoporteError)?.status, .usage) }
        }
    }

    func testAGivenWordIsAnIdOrAName() throws {
        XCTAssertEqual(try IDs.word(" 010 "), .id(ResourceID(10)!))
        XCTAssertEqual(try IDs.word("example.com"), .name("example.com"))
        XCTAssertThrowsError(try IDs.word("42,43")) { e in
            XCTAssertTrue((e as! SoporteError).message.contains("separated by spaces"), (e as! SoporteError).message)
        }
        XCTAssertEqual(try IDs.word(".."), .name(".."), "a name: looked up, and the answer's id must be an id")
        XCTAssertThrowsError(try IDs.word("a/b"))
    }

    func testNamesCompareAsTheirFieldDoes() {
        XCTAssertTrue(IDs.same("Example.COM", "example.com", field: "domain"))
        XCTAssertTrue(IDs.same("H1.Example.com", "h1.example.com", field: "hostname"))
        XCTAssertFalse(IDs.same("Ex", "ex", field: "username"))
        XCTAssertFalse(IDs.same("victim-other.com", "example.com", field: "domain"))
        XCTAssertFalse(IDs.same("exämple.com", "EXÄMPLE.com", field: "domain"), "only ASCII is folded, as DNS does")
    }
}
