import XCTest
@testable import SoporteKit

final class ConfigTests: XCTestCase {
    let text = """
    # comment
    [default]
    api_url = https://a.example/v1
    token_command = pass show x
    ; another comment

    [sandbox]
    api_url = https://api-sandbox.soporteclientes.net/v1
    token = sk_test_abc123xyz
    output = csv
    """

    func testParseAndPrecedence() throws {
        let f = try INIFile.parse(text, path: "cfg")
        var o = try ArgumentParser().parse(["health"]).options
        var s = try Settings.resolve(options: o, env: [:], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL, "https://a.example/v1")
        XCTAssertEqual(s.tokenSources, [.command("pass show x")])

        s = try Settings.resolve(options: o, env: ["SOPORTE_PROFILE": "sandbox"], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL, "https://api-sandbox.soporteclientes.net/v1")
        XCTAssertEqual(s.output, .csv)
        XCTAssertEqual(s.tokenSources, [.configValue])

        s = try Settings.resolve(options: o, env: ["SOPORTE_PROFILE": "sandbox", "SOPORTE_API_URL": "https://env/v1", "SOPORTE_API_TOKEN": "t"], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL, "https://env/v1")
        XCTAssertEqual(s.tokenSources, [.environment, .configValue])

        o = try ArgumentParser().parse(["health", "--api-url", "https://flag/v1", "--token-file", "/tf", "-o", "json"]).options
        s = try Settings.resolve(options: o, env: ["SOPORTE_API_URL": "https://env/v1", "SOPORTE_API_TOKEN": "t", "SOPORTE_OUTPUT": "tsv"], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL, "https://flag/v1")
        XCTAssertEqual(s.tokenSources, [.tokenFile("/tf"), .environment, .command("pass show x")])
        XCTAssertEqual(s.output, .json)
    }

    func testSyntaxErrorHasFileAndLine() {
        XCTAssertThrowsError(try INIFile.parse("[default]\napi_url = x\nthis is wrong\n", path: "/etc/c")) { e in
            XCTAssertEqual((e as? SoporteError)?.status, .config)
            XCTAssertTrue((e as? SoporteError)?.message.hasPrefix("/etc/c:3:") ?? false)
        }
        XCTAssertThrowsError(try INIFile.parse("[unclosed\n", path: "c"))
    }

    func testUnknownKeyWarnsAndMissingProfileFails() throws {
        let f = try INIFile.parse("[default]\ncolour = never\n", path: "c")
        let s = try Settings.resolve(options: OptionValues(), env: [:], file: f, configPath: "c")
        XCTAssertEqual(s.warnings, ["c:2: unknown key 'colour' (ignored)"])
        XCTAssertThrowsError(try Settings.resolve(options: OptionValues(), env: ["SOPORTE_PROFILE": "nope"], file: f, configPath: "c"))
    }

    func testSetKeepsOtherLines() {
        let out = INIFile.setting("token", to: "NEW", in: "sandbox", text: text)
        XCTAssertTrue(out.contains("token = NEW"))
        XCTAssertFalse(out.contains("sk_test_abc123xyz"))
        XCTAssertTrue(out.contains("# comment\n[default]"))
        XCTAssertTrue(out.contains("; another comment"))
        let added = INIFile.setting("retries", to: "5", in: "prod", text: text)
        XCTAssertTrue(added.hasSuffix("[prod]\nretries = 5\n"))
        let inserted = INIFile.setting("retries", to: "1", in: "default", text: text)
        XCTAssertTrue(inserted.contains("token_command = pass show x\nretries = 1\n"))
        XCTAssertEqual(INIFile.setting("api_url", to: "u", in: "default", text: ""), "[default]\napi_url = u\n")
    }

    func testCRLFFiles() throws {
        let f = try INIFile.parse("[default]\r\napi_url = https://crlf/v1\r\n", path: "c")
        XCTAssertEqual(f.value("api_url", in: "default"), "https://crlf/v1")
        XCTAssertEqual(INIFile.setting("retries", to: "2", in: "default", text: "[default]\r\napi_url = u\r\n"),
                       "[default]\r\napi_url = u\r\nretries = 2\r\n")
    }

    func testBadNumbers() throws {
        let o = try ArgumentParser().parse(["health", "--timeout", "abc"]).options
        XCTAssertThrowsError(try Settings.resolve(options: o, env: [:], file: nil, configPath: "c")) { e in
            XCTAssertEqual((e as? SoporteError)?.status, .usage)
        }
    }

    func testLoopbackRule() {
        XCTAssertNoThrow(try APIClient.checkBaseURL("http://127.0.0.1:8080/v1"))
        XCTAssertNoThrow(try APIClient.checkBaseURL("http://localhost/v1"))
        XCTAssertNoThrow(try APIClient.checkBaseURL("http://[::1]:9/v1"))
        XCTAssertNoThrow(try APIClient.checkBaseURL("https://api.soporteclientes.net/v1"))
        XCTAssertThrowsError(try APIClient.checkBaseURL("http://example.com/v1"))
        XCTAssertThrowsError(try APIClient.checkBaseURL("http://127.0.0.1.evil.com/v1"))
        XCTAssertThrowsError(try APIClient.checkBaseURL("ftp://x/v1"))
    }
}
