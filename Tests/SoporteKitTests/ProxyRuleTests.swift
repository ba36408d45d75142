import XCTest
@testable import SoporteKit

/// libcurl's choice of proxy from the environment, and the /v1 hint (docs/CONTRACT.md §14.7).
final class ProxyRuleTests: XCTestCase {
    func rule(_ url: String, _ env: [String: String]) -> ProxyRule? { ProxyRule.forURL(url) { env[$0] } }

    func testTheVariablesInLibcurlsOrder() {
        XCTAssertEqual(rule("https://api.x/v1", ["https_proxy": "http://u:p@proxy:3128/"])?.address, "proxy:3128")
        XCTAssertEqual(rule("https://api.x/v1", ["HTTPS_PROXY": "proxy:8080"])?.variable, "HTTPS_PROXY")
        XCTAssertEqual(rule("https://api.x/v1", ["https_proxy": "a:1", "all_proxy": "b:2"])?.address, "a:1")
        XCTAssertEqual(rule("https://api.x/v1", ["ALL_PROXY": "b"])?.address, "b:1080")
        XCTAssertEqual(rule("http://127.0.0.1:5/v1", ["http_proxy": "[::1]:9"])?.address, "[::1]:9")
        XCTAssertNil(rule("http://127.0.0.1:5/v1", ["HTTP_PROXY": "p:1"]))
        XCTAssertNil(rule("https://api.x/v1", ["http_proxy": "p:1"]))
        XCTAssertNil(rule("https://api.x/v1", ["https_proxy": "p:1", "no_proxy": "*"]))
        XCTAssertNil(rule("https://api.x/v1", ["https_proxy": "p:1", "NO_PROXY": "other, .x"]))
        XCTAssertNotNil(rule("https://api.x/v1", ["https_proxy": "p:1", "no_proxy": "pi.x"]))
        XCTAssertNil(rule("https://api.x/v1", ["https_proxy": "p:notaport"]))
    }

    func testTheV1Hint() {
        XCTAssertEqual(VersionHint.line(apiURL: "https://api.x", path: "/whm/accounts")?.contains("did you mean https://api.x/v1?"), true)
        XCTAssertEqual(VersionHint.line(apiURL: "https://api.x/api", path: "/whm/accounts")?.contains("https://api.x/api/v1?"), true)
        XCTAssertNil(VersionHint.line(apiURL: "https://api.x/v1", path: "/whm/accounts"))
        XCTAssertNil(VersionHint.line(apiURL: "https://api.x/v2", path: "/whm/accounts"))
        XCTAssertNil(VersionHint.line(apiURL: "https://api.x", path: "/v1/whm/accounts"))
    }
}
