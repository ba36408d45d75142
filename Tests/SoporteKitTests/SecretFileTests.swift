import XCTest
@testable import SoporteKit

/// Files that hold a secret and that group or others can read are refused, with the
/// chmod that fixes them, before anything is sent (docs/CONTRACT.md §4, §10.1); a value that
/// would break the config into more lines is never written (docs/CONTRACT.md §10.4).
final class SecretFileTests: XCTestCase {
    let account = #"{"data":{"id":1}}"#

    func testAConfigWithATokenThatGroupOrOthersCanReadIsRefused() {
        for mode: UInt32 in [0o640, 0o620, 0o604, 0o602, 0o644] {
            let h = Harness()
            h.env["SOPORTE_API_TOKEN"] = nil
            h.env["SOPORTE_CONFIG"] = "/c/config"
            h.fs.put("/c/config", "[default]\ntoken = sk_cfg_5678\n", mode: mode)
            let r = h.run(["accounts", "get", "1"])
            XCTAssertEqual(r.status, 3, String(mode, radix: 8))
            XCTAssertTrue(r.err.contains("fix it with: chmod 600 /c/config"), r.err)
            XCTAssertTrue(h.transport.requests.isEmpty)
        }
        for mode: UInt32 in [0o600, 0o400] {
            let h = Harness()
            h.env["SOPORTE_API_TOKEN"] = nil
            h.env["SOPORTE_CONFIG"] = "/c/config"
            h.fs.put("/c/config", "[default]\ntoken = sk_cfg_5678\n", mode: mode)
            h.transport.json("GET", "/v1/whm/accounts/1", account)
            XCTAssertEqual(h.run(["accounts", "get", "1"]).status, 0, String(mode, radix: 8))
            XCTAssertEqual(h.transport.requests.first?.header("Authorization"), "Bearer sk_cfg_5678")
        }
    }

    func testATokenFileThatGroupOrOthersCanReadIsRefused() {
        for mode: UInt32 in [0o640, 0o620, 0o604] {
            let h = Harness()
            h.env["SOPORTE_API_TOKEN"] = nil
            h.fs.put("/t", "tok-file-5678\n", mode: mode)
            let r = h.run(["accounts", "get", "1", "--token-file", "/t"])
            XCTAssertEqual(r.status, 3, String(mode, radix: 8))
            XCTAssertTrue(r.err.contains("fix it with: chmod 600 /t"), r.err)
            XCTAssertTrue(h.transport.requests.isEmpty)
        }
        let h = Harness()
        h.env["SOPORTE_API_TOKEN"] = nil
        h.fs.put("/t", "tok-file-5678\n", mode: 0o600)
        h.transport.json("GET", "/v1/whm/accounts/1", account)
        XCTAssertEqual(h.run(["accounts", "get", "1", "--token-file", "/t"]).status, 0)
        XCTAssertEqual(h.transport.requests.first?.header("Authorization"), "Bearer tok-file-5678")
    }

    func testConfigSetRefusesAValueThatWouldBeTwoLines() {
        let h = Harness()
        h.env["SOPORTE_CONFIG"] = "/c/config"
        let before = "[default]\noutput = json\n"
        h.fs.put("/c/config", before)
        for value in ["pass show x\ntoken = planted", "pass show x\rtoken = planted", "pass show x\u{0C}token = planted",
                      "pass show x\u{2028}token = planted"] {
            let r = h.run(["config", "set", "token_command", value])
            XCTAssertEqual(r.status, 2, value.debugDescription)
            XCTAssertTrue(r.err.contains("must be a single line"), r.err)
            XCTAssertEqual(h.fs.text("/c/config"), before, value.debugDescription)
        }
        h.stdin = Array("pass show x\ntoken = planted\n".utf8)
        XCTAssertEqual(h.run(["config", "set", "token_command", "-"]).status, 2, "a value on stdin too")
        XCTAssertEqual(h.fs.text("/c/config"), before)
    }
}
