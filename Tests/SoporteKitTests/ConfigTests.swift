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

    func flags(_ args: [String]) throws -> GlobalFlags { try Global.flags(try CommandTable.parser.parse(args)) }

    func testParseAndPrecedence() throws {
        let f = try INIFile.parse(text, path: "cfg")
        var s = try Settings.resolve(flags: try flags(["health"]), env: [:], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL.text, "https://a.example/v1")
        XCTAssertEqual(s.tokenSources, [.command("pass show x")])

        s = try Settings.resolve(flags: try flags(["health"]), env: ["SOPORTE_PROFILE": "sandbox"], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL.text, "https://api-sandbox.soporteclientes.net/v1")
        XCTAssertEqual(s.output, .csv)
        XCTAssertEqual(s.tokenSources, [.configValue])

        s = try Settings.resolve(flags: try flags(["health"]), env: ["SOPORTE_PROFILE": "sandbox", "SOPORTE_API_URL": "https://env/v1", "SOPORTE_API_TOKEN": "t"], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL.text, "https://env/v1")
        XCTAssertEqual(s.tokenSources, [.environment, .configValue])

        s = try Settings.resolve(flags: try flags(["health", "--api-url", "https://flag/v1", "--token-file", "/tf", "-o", "json"]),
                                 env: ["SOPORTE_API_URL": "https://env/v1", "SOPORTE_API_TOKEN": "t", "SOPORTE_OUTPUT": "tsv"], file: f, configPath: "cfg")
        XCTAssertEqual(s.apiURL.text, "https://flag/v1")
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

    func testUnknownKeyWarnsAndMissingProfileFailsUnlessLenient() throws {
        let f = try INIFile.parse("[default]\ncolour = never\n", path: "c")
        let s = try Settings.resolve(flags: GlobalFlags(), env: [:], file: f, configPath: "c")
        XCTAssertEqual(s.warnings, ["c:2: unknown key 'colour' (ignored); did you mean 'color'?"])
        XCTAssertThrowsError(try Settings.resolve(flags: GlobalFlags(), env: ["SOPORTE_PROFILE": "nope"], file: f, configPath: "c"))
        let lenient = try Settings.resolve(flags: GlobalFlags(), env: ["SOPORTE_PROFILE": "nope"], file: f, configPath: "c", strictness: .lenient)
        XCTAssertFalse(lenient.profileExists)
    }

    func testABadValueIsExit3WithFileLineAndKeyButNotForTheConfigCommands() throws {
        for (key, value) in [("output", "jsno"), ("timeout", "abc"), ("concurrency", "1000"), ("api_url", "not-a-url"), ("color", "blue"),
                             ("history", "maybe"), ("max_wait", "-1"), ("license_key", "a\u{0}b")] {
            let f = try INIFile.parse("[default]\n\(key) = \(value)\n", path: "c")
            XCTAssertThrowsError(try Settings.resolve(flags: GlobalFlags(), env: [:], file: f, configPath: "c"), key) { e in
                XCTAssertEqual((e as? SoporteError)?.status, .config)
                XCTAssertTrue((e as? SoporteError)?.message.hasPrefix("c:2: \(key) ") ?? false, (e as? SoporteError)?.message ?? "")
            }
            let lenient = try Settings.resolve(flags: GlobalFlags(), env: [:], file: f, configPath: "c", strictness: .lenient)
            XCTAssertEqual(lenient.warnings.count, 1, key)
            // `config set` uses the same check
            XCTAssertNotNil(ConfigKey.named(key)?.problem(value), key)
        }
        for (key, value) in [("output", "ndjson"), ("timeout", "0.5"), ("concurrency", "16"), ("api_url", "http://127.0.0.1:8/v1"), ("history", "off")] {
            XCTAssertNil(ConfigKey.named(key)?.problem(value), key)
        }
    }

    func testBadEnvironmentValuesAreConfigErrors() {
        XCTAssertThrowsError(try Settings.resolve(flags: GlobalFlags(), env: ["SOPORTE_OUTPUT": "jsno"], file: nil, configPath: "c")) { e in
            XCTAssertEqual((e as? SoporteError)?.status, .config)
        }
        XCTAssertThrowsError(try Settings.resolve(flags: GlobalFlags(), env: ["SOPORTE_LICENSE_KEY": "a\r\nX: 1"], file: nil, configPath: "c"))
    }

    func testSetAndRemoveKeepOtherLines() {
        let out = INIFile.setting("token", to: "NEW", in: ProfileName("sandbox")!, text: text)
        XCTAssertTrue(out.contains("token = NEW"))
        XCTAssertFalse(out.contains("sk_test_abc123xyz"))
        XCTAssertTrue(out.contains("# comment\n[default]"))
        XCTAssertTrue(out.contains("; another comment"))
        XCTAssertTrue(INIFile.setting("retries", to: "5", in: ProfileName("prod")!, text: text).hasSuffix("[prod]\nretries = 5\n"))
        XCTAssertTrue(INIFile.setting("retries", to: "1", in: ProfileName("default")!, text: text).contains("token_command = pass show x\nretries = 1\n"))
        XCTAssertEqual(INIFile.setting("api_url", to: "u", in: ProfileName("default")!, text: ""), "[default]\napi_url = u\n")
        let removed = INIFile.removing("token", in: ProfileName("sandbox")!, text: text)
        XCTAssertFalse(removed.contains("sk_test_abc123xyz"))
        XCTAssertTrue(removed.contains("token_command = pass show x") && removed.contains("; another comment"))
        XCTAssertEqual(INIFile.removing("token_command", in: ProfileName("sandbox")!, text: text), text + "\n", "a key of another section stays")
    }

    func testCRLFFiles() throws {
        let f = try INIFile.parse("[default]\r\napi_url = https://crlf/v1\r\n", path: "c")
        XCTAssertEqual(f.value("api_url", in: "default"), "https://crlf/v1")
        XCTAssertEqual(INIFile.setting("retries", to: "2", in: ProfileName("default")!, text: "[default]\r\napi_url = u\r\n"),
                       "[default]\r\napi_url = u\r\nretries = 2\r\n")
    }

    func testLoopbackRule() {
        for ok in ["http://127.0.0.1:8080/v1", "http://localhost/v1", "http://[::1]:9/v1", "https://api.soporteclientes.net/v1"] {
            XCTAssertNil(APIURL.problem(ok), ok)
        }
        for bad in ["http://example.com/v1", "http://127.0.0.1.evil.com/v1", "ftp://x/v1", "not-a-url", "https://a b/v1", "https://x:99999/v1"] {
            XCTAssertNotNil(APIURL.problem(bad), bad)
        }
    }

    func testConfigCommandsThroughTheHarness() {
        let h = Harness()
        h.env["SOPORTE_CONFIG"] = "/c/config"
        h.fs.put("/c/config", "[default]\noutput = jsno\n")
        XCTAssertEqual(h.run(["health"]).status, 3, "a bad value stops other commands")
        let fix = h.run(["config", "set", "output", "json"])
        XCTAssertEqual(fix.status, 0, fix.err)
        XCTAssertEqual(h.fs.text("/c/config"), "[default]\noutput = json\n")
        let bad = h.run(["config", "set", "output", "jsno"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(h.fs.text("/c/config"), "[default]\noutput = json\n", "a refused value leaves the file as it was")
        XCTAssertEqual(h.run(["--profile", "prod", "config", "set", "retries", "5"]).status, 0)
        XCTAssertTrue(h.fs.text("/c/config")?.hasSuffix("[prod]\nretries = 5\n") ?? false)
        XCTAssertEqual(h.run(["config", "profiles", "--profile", "prod"]).out, "  default\n* prod\n")
        XCTAssertEqual(h.run(["--profile", "prod", "config", "unset", "retries"]).status, 0)
        XCTAssertFalse(h.fs.text("/c/config")?.contains("retries") ?? true)
        let def = h.run(["config", "get", "timeout"])
        XCTAssertEqual(def.out, "30\n")
        XCTAssertTrue(def.err.contains("is the default"))
    }
}
