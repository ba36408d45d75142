import XCTest
@testable import SoporteKit

final class ParserTests: XCTestCase {
    let p = ArgumentParser()

    func testInterspersedOptionsAndForms() throws {
        let c = try p.parse(["-ojson", "accounts", "--filter=status=active", "list", "--limit", "5", "-vv"])
        XCTAssertEqual(c.path, ["accounts", "list"])
        XCTAssertEqual(c.options.last("output"), "json")
        XCTAssertEqual(c.options.all("filter"), ["status=active"])
        XCTAssertEqual(c.options.last("limit"), "5")
        XCTAssertEqual(c.options.count("verbose"), 2)
    }

    func testDoubleDashEndsOptions() throws {
        let c = try p.parse(["accounts", "delete", "--", "-5"])
        XCTAssertEqual(c.arguments, ["-5"])
    }

    func testStdinDashIsAnArgument() throws {
        let c = try p.parse(["accounts", "suspend", "-", "--yes"])
        XCTAssertEqual(c.arguments, ["-"])
        XCTAssertTrue(c.options.has("yes"))
    }

    func testUnknownCommandSuggests() {
        XCTAssertThrowsError(try p.parse(["acounts", "list"])) { e in
            XCTAssertEqual((e as? UsageError)?.message, "unknown command 'acounts'; did you mean 'accounts'?")
        }
        XCTAssertThrowsError(try p.parse(["accounts", "lst"])) { e in
            XCTAssertTrue((e as? UsageError)?.message.contains("did you mean 'list'?") ?? false)
        }
    }

    func testUnknownOptionSuggests() {
        XCTAssertThrowsError(try p.parse(["accounts", "list", "--outptu", "json"])) { e in
            XCTAssertEqual((e as? UsageError)?.message, "unknown option '--outptu'; did you mean '--output'?")
        }
    }

    func testOptionNotValidForCommand() {
        XCTAssertThrowsError(try p.parse(["health", "--filter", "x=1"])) { e in
            XCTAssertEqual((e as? UsageError)?.message, "option --filter is not valid for 'health'")
        }
    }

    func testMissingValueAndFlagWithValue() {
        XCTAssertThrowsError(try p.parse(["accounts", "list", "--limit"]))
        XCTAssertThrowsError(try p.parse(["accounts", "list", "--yes=1"]))
    }

    func testArgumentCounts() {
        XCTAssertThrowsError(try p.parse(["accounts", "get"]))
        XCTAssertThrowsError(try p.parse(["accounts", "get", "1", "2"]))
        XCTAssertNoThrow(try p.parse(["accounts", "delete", "1", "2", "3"]))
    }

    func testHelpEverywhere() throws {
        XCTAssertTrue(try p.parse(["accounts", "list", "-h"]).wantsHelp)
        let h = try p.parse(["help", "accounts", "get"])
        XCTAssertEqual(h.path, ["accounts", "get"])
        XCTAssertTrue(h.wantsHelp)
        XCTAssertTrue(try p.parse([]).wantsHelp)
        XCTAssertEqual(try p.parse(["--version"]).path, ["version"])
    }

    func testEveryLeafHasHelpWithAnExample() {
        for (path, spec) in Completion.paths(CommandTable.root) where !path.isEmpty && spec.subcommands.isEmpty && path != ["help"] {
            XCTAssertFalse(spec.examples.isEmpty, "no example for \(path)")
            let text = HelpRenderer.render(path: path, spec: spec)
            XCTAssertTrue(text.contains("Usage:") && text.contains("Examples:"), "help for \(path)")
        }
    }

    func testShortOptionsAreUnique() {
        var seen: [Character: String] = [:]
        for o in CommandTable.root.allOptions() {
            if let s = o.short {
                XCTAssertNil(seen[s], "-\(s) used by --\(o.long) and --\(seen[s] ?? "")")
                seen[s] = o.long
            }
        }
    }
}
