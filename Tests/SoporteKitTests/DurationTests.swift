import XCTest
@testable import SoporteKit

/// The one duration parser (docs/CONTRACT.md §13.2) and the `config use` writer (docs/CONTRACT.md §14.4).
final class DurationTests: XCTestCase {
    func testSpellingsFromOneSecondToADay() {
        let good: [(String, Double)] = [("30", 30), ("1.5", 1.5), ("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400),
                                        ("2m30s", 150), ("1h0m1s", 3601), ("24h", 86_400), ("1", 1), ("86400", 86_400), ("90s", 90)]
        for (t, s) in good { XCTAssertEqual(TimeSpan(t)?.seconds, s, t) }
        for t in ["", "0", "0.5", "0s", "24h1s", "25h", "86401", "1d", "1m1h", "1s1s", "h", "1h30", "-5", "+5", "1e3", " 5",
                  "5 m", "0x10", "1H", "1.5m", "9999999h", "inf"] {
            XCTAssertNil(TimeSpan(t), t)
        }
    }

    func testErrorsNameTheSpellingsAndTheStatusOfTheirSource() {
        XCTAssertThrowsError(try TimeSpan.parse("2d", source: "--deadline")) { e in
            let err = e as? SoporteError
            XCTAssertEqual(err?.status, .usage)
            XCTAssertEqual(err?.message, "--deadline must be a duration from 1 s to 24 h (30, 30s, 5m, 1h, 1h30m), not '2d'")
        }
        XCTAssertThrowsError(try TimeSpan.parse("2d", source: "deadline", status: .config)) { e in
            XCTAssertEqual((e as? SoporteError)?.status, .config)
        }
        XCTAssertEqual(TimeSpan("5400")?.description, "1h30m")
        XCTAssertEqual(TimeSpan("61")?.description, "1m1s")
    }

    func testHistorySinceDates() {
        XCTAssertEqual(UTCDateTime.seconds("1970-01-01"), 0)
        XCTAssertEqual(UTCDateTime.seconds("2024-03-05T10:30:00Z"), 1_709_634_600)
        XCTAssertEqual(UTCDateTime.seconds("2024-03-05 10:30"), 1_709_634_600)
        XCTAssertEqual(UTCDateTime.seconds("2024-02-29"), 1_709_164_800)
        for t in ["2023-02-29", "2024-13-01", "2024-03-05T24:00", "2024-3-5", "2024-03-05T10:30:00+02:00", "yesterday"] {
            XCTAssertNil(UTCDateTime.seconds(t), t)
        }
    }

    func testConfigUseWritesOneLineAtTheTopAndKeepsTheRest() throws {
        let text = "# mine\n[sandbox]\ntoken = x\n"
        let used = INIFile.settingDefaultProfile(ProfileName("sandbox")!, text: text)
        XCTAssertEqual(used, "# mine\ndefault_profile = sandbox\n\n[sandbox]\ntoken = x\n")
        XCTAssertEqual(try INIFile.parse(used, path: "c").value("default_profile", in: "default"), "sandbox")
        let again = INIFile.settingDefaultProfile(ProfileName("prod")!, text: used)
        XCTAssertEqual(again, "# mine\ndefault_profile = prod\n\n[sandbox]\ntoken = x\n")
        XCTAssertEqual(INIFile.settingDefaultProfile(ProfileName("a")!, text: ""), "default_profile = a\n")
        let s = try Settings.resolve(flags: GlobalFlags(), env: [:], file: INIFile.parse(again + "[prod]\n", path: "c"), configPath: "c")
        XCTAssertEqual(s.profile.name, "prod")
        XCTAssertEqual(s.profileSource, .configUse(line: 2))
        var f = GlobalFlags()
        f.profile = ProfileName("sandbox")
        XCTAssertEqual(try Settings.resolve(flags: f, env: ["SOPORTE_PROFILE": "prod"], file: INIFile.parse(again + "[prod]\n", path: "c"), configPath: "c").profile.name, "sandbox")
        XCTAssertEqual(try Settings.resolve(flags: GlobalFlags(), env: ["SOPORTE_PROFILE": "sandbox"], file: INIFile.parse(again + "[prod]\n", path: "c"), configPath: "c").profile.name, "sandbox")
    }
}
