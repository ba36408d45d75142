import XCTest
@testable import SoporteKit

/// Flag > environment > the profile's config > default (docs/CONTRACT.md §4), setting by setting.
final class PrecedenceTests: XCTestCase {
    let profile = """
    [default]
    api_url = https://profile.example/v1
    output = csv
    ca_bundle = /profile.pem
    license_key = LIC-PROFILE
    signing_secret = sig-profile
    timeout = 5
    retries = 7
    max_wait = 9
    """
    let env = ["SOPORTE_API_URL": "https://env.example/v1", "SOPORTE_OUTPUT": "tsv", "SOPORTE_CA_BUNDLE": "/env.pem",
               "SOPORTE_LICENSE_KEY": "LIC-ENV", "SOPORTE_SIGNING_SECRET": "sig-env"]

    func resolve(_ args: [String], env: [String: String], file: String?) throws -> Settings {
        try Settings.resolve(flags: try Global.flags(try CommandTable.parser.parse(["health"] + args)), env: env,
                             file: try file.map { try INIFile.parse($0, path: "c") }, configPath: "c")
    }

    func testAFlagBeatsTheEnvironmentAndTheProfile() throws {
        let s = try resolve(["--api-url", "https://flag.example/v1", "-o", "json", "--ca-bundle", "/flag.pem",
                             "--timeout", "6", "--retries", "8", "--max-wait", "10"], env: env, file: profile)
        XCTAssertEqual(s.apiURL.text, "https://flag.example/v1")
        XCTAssertEqual(s.output, .json)
        XCTAssertEqual(s.caBundle, "/flag.pem")
        XCTAssertEqual([s.timeout, Double(s.retries), s.maxWait], [6, 8, 10])
    }

    func testTheEnvironmentBeatsTheProfile() throws {
        let s = try resolve([], env: env, file: profile)
        XCTAssertEqual(s.apiURL.text, "https://env.example/v1")
        XCTAssertEqual(s.output, .tsv)
        XCTAssertEqual(s.caBundle, "/env.pem")
        XCTAssertEqual(s.licenseKey, "LIC-ENV")
        XCTAssertEqual(s.signingSecret, "sig-env")
    }

    func testTheProfileBeatsTheDefaults() throws {
        let s = try resolve([], env: [:], file: profile)
        XCTAssertEqual(s.apiURL.text, "https://profile.example/v1")
        XCTAssertEqual(s.output, .csv)
        XCTAssertEqual(s.caBundle, "/profile.pem")
        XCTAssertEqual(s.licenseKey, "LIC-PROFILE")
        XCTAssertEqual(s.signingSecret, "sig-profile")
        XCTAssertEqual([s.timeout, Double(s.retries), s.maxWait], [5, 7, 9])
        let d = try resolve([], env: [:], file: nil)
        XCTAssertEqual(d.apiURL.text, Settings.productionURL)
        XCTAssertEqual(d.output, .table)
        XCTAssertNil(d.caBundle)
        XCTAssertEqual([d.timeout, Double(d.retries), d.maxWait], [30, 3, 60])
    }
}
