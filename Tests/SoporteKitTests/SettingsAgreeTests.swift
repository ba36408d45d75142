import XCTest
@testable import SoporteKit

/// One setting, one default: what `--help` says, what `config get` says when the key is
/// not set, and what a run resolves to with nothing given must be the same (issue 24).
final class SettingsAgreeTests: XCTestCase {
    func testHelpConfigAndResolvedDefaultsAgree() throws {
        let resolved = try Settings.resolve(flags: GlobalFlags(), env: [:], file: nil, configPath: "/none")
        let asResolved: [String: String] = [
            "api_url": resolved.apiURL.text, "output": resolved.output.rawValue, "color": resolved.color.rawValue,
            "timeout": NumberRange.format(resolved.timeout), "retries": String(resolved.retries),
            "max_wait": NumberRange.format(resolved.maxWait), "concurrency": String(resolved.concurrency),
            "history": resolved.history ? "on" : "off",
        ]
        var checked = 0
        for key in ConfigKey.all {
            let flag = Global.specs.first { $0.long == key.name.replacingAll("_", with: "-") }
            if let f = flag, let helpDefault = f.defaultText, let configDefault = key.defaultText {
                XCTAssertEqual(helpDefault, configDefault, "--\(f.long) and config \(key.name) disagree on the default")
            }
            if let configDefault = key.defaultText, let r = asResolved[key.name] {
                XCTAssertEqual(r, configDefault, "config \(key.name) says \(configDefault) but a run resolves \(r)")
                checked += 1
            }
            if flag != nil && key.defaultText == nil { XCTAssertNil(flag?.defaultText, "--\(key.name) has a default the config does not") }
        }
        XCTAssertGreaterThanOrEqual(checked, 8)
        XCTAssertEqual(HTTPRequest(method: "GET", url: "x").timeout, resolved.timeout, "the transport's own default")
    }
}
