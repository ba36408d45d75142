import XCTest
@testable import SoporteKit

final class ParserTests: XCTestCase {
    let p = CommandTable.parser

    func message<T>(_ f: () throws -> T) -> String? {
        do { _ = try f(); return nil } catch let e as SoporteError { return e.message } catch { return "\(error)" }
    }

    func testTokenizeIsPureSyntax() {
        XCTAssertEqual(ArgumentParser.tokenize(["--a=b", "-ovalue", "-vv", "--", "-x", "-", "w"]),
                       [.long(name: "a", inline: "b"), .short("ovalue"), .short("vv"), .endOfOptions, .word("-x"), .word("-"), .word("w")])
    }

    func testInterspersedOptionsAndForms() throws {
        let c = try p.parse(["-ojson", "accounts", "--filter=status=active", "list", "--limit", "5", "-vv"])
        XCTAssertEqual(c.path, ["accounts", "list"])
        XCTAssertEqual(try Global.flags(c).output, .json)
        XCTAssertEqual(try c.options.values(ListKeys.filter).map(\.value), ["active"])
        XCTAssertEqual(try c.options.value(ListKeys.limit), 5)
        XCTAssertEqual(c.options.count(Global.verbose), 2)
    }

    func testAliasResolvesToTheCommand() throws {
        let c = try p.parse(["accounts", "ls", "--limit", "1"])
        XCTAssertEqual(c.path, ["accounts", "list"])
        XCTAssertEqual((c.spec.handler as? Handler)?.name, "accounts list")
    }

    func testDoubleDashEndsOptions() throws {
        XCTAssertEqual(try p.parse(["accounts", "delete", "--", "-5"]).arguments, ["-5"])
    }

    func testStdinDashIsAnArgument() throws {
        let c = try p.parse(["accounts", "suspend", "-", "--yes"])
        XCTAssertEqual(c.arguments, ["-"])
        XCTAssertTrue(c.options.isSet(Global.yes))
    }

    func testUnknownCommandAndOptionSuggest() {
        XCTAssertEqual(message { try self.p.parse(["acounts", "list"]) }, "unknown command 'acounts'; did you mean 'accounts'?")
        XCTAssertTrue(message { try self.p.parse(["accounts", "lst"]) }?.contains("did you mean 'list'?") ?? false)
        XCTAssertEqual(message { try self.p.parse(["accounts", "list", "--outptu", "json"]) }, "unknown option '--outptu'; did you mean '--output'?")
        XCTAssertEqual(message { try self.p.parse(["health", "--filter", "x=1"]) }, "option --filter is not valid for 'health'")
    }

    func testMissingValueFlagWithValueAndCounts() {
        XCTAssertNotNil(message { try self.p.parse(["accounts", "list", "--limit"]) })
        XCTAssertNotNil(message { try self.p.parse(["accounts", "list", "--yes=1"]) })
        XCTAssertNotNil(message { try self.p.parse(["accounts", "get"]) })
        XCTAssertNotNil(message { try self.p.parse(["accounts", "get", "1", "2"]) })
        XCTAssertNil(message { try self.p.parse(["accounts", "delete", "1", "2", "3"]) })
    }

    func testNumbersAreRangeCheckedWithTheRangeNamed() throws {
        let c = try p.parse(["accounts", "list", "--limit", "9223372036854775807", "--per-page", "500"])
        XCTAssertEqual(message { try c.options.value(ListKeys.limit) }, "--limit must be a whole number from 1 to 1000000000, not '9223372036854775807'")
        XCTAssertEqual(message { try c.options.value(ListKeys.perPage) }, "--per-page must be a whole number from 1 to 100, not '500'")
        let t = try p.parse(["health", "--timeout", "1e999", "--retries", "-1"])
        XCTAssertEqual(message { try t.options.value(Global.timeout) }, "--timeout must be a number from 0.001 to 86400, not '1e999'")
        XCTAssertNotNil(message { try t.options.value(Global.retries) })
    }

    func testHeaderValuesRefuseLineBreaks() throws {
        let c = try p.parse(["health", "--request-id", "abc\r\nX-Evil: 1"])
        XCTAssertEqual(message { try c.options.value(Global.requestID) }, "--request-id must not contain CR, LF or NUL")
    }

    func testMonitoringFormatsAreForHealthOnly() throws {
        XCTAssertEqual(try Global.flags(try p.parse(["health", "-o", "nagios"])).output, .nagios)
        XCTAssertTrue(message { try Global.flags(try self.p.parse(["accounts", "list", "-o", "prometheus"])) }?.contains("for 'soporte health' only") ?? false)
    }

    func testHelpEverywhere() throws {
        XCTAssertTrue(try p.parse(["accounts", "list", "-h"]).wantsHelp)
        let h = try p.parse(["help", "accounts", "get"])
        XCTAssertEqual(h.path, ["accounts", "get"])
        XCTAssertTrue(h.wantsHelp)
        XCTAssertTrue(try p.parse([]).wantsHelp)
        XCTAssertEqual(try p.parse(["--version"]).path, ["version"])
    }

    func testHelpShowsOwnOptionsThenGlobalsCompactlyAndWraps() {
        let spec = CommandTable.root.subcommand("accounts")!.subcommand("create")!
        let text = HelpRenderer.render(path: ["accounts", "create"], spec: spec, globals: Global.specs, width: 60)
        XCTAssertTrue(text.contains("--domain DOMAIN"))
        XCTAssertTrue(text.contains("(required)"))
        XCTAssertLessThan(text.range(of: "Options:")!.lowerBound, text.range(of: "Global options:")!.lowerBound)
        XCTAssertFalse(text.contains("Config profile to use"), "global options are listed compactly, without their help")
        for line in text.split(separator: "\n") where !line.hasPrefix("  $ ") {
            XCTAssertLessThanOrEqual(line.count, 60, String(line))
        }
        let top = HelpRenderer.render(path: [], spec: CommandTable.root, globals: Global.specs, width: 80)
        XCTAssertTrue(top.contains("Config profile to use"), "the top page explains the global options")
    }

    /// What makes reading a line before its command is known sound (ArgumentParser.option).
    func testEveryOptionNameTakesAValueEverywhereOrNowhere() {
        var byLong: [String: Bool] = [:]
        var byShort: [Character: String] = [:]
        for o in Global.specs + CommandTable.root.allOptions() {
            if let seen = byLong[o.long] { XCTAssertEqual(seen, o.takesValue, "--\(o.long) takes a value in one command and not in another") }
            byLong[o.long] = o.takesValue
            if let c = o.short {
                if let seen = byShort[c] { XCTAssertEqual(seen, o.long, "-\(c) means --\(seen) in one command and --\(o.long) in another") }
                byShort[c] = o.long
            }
        }
        XCTAssertGreaterThan(byLong.count, 30)
    }

    func testScanReadsThePathAndValuesWhereverOptionsStand() {
        for line in [["--profile", "staging", "health", "-o", "nagios"], ["-onagios", "--api-url", "http://x/v1", "health"],
                     ["--timeout=3", "health", "--output", "nagios", "--bogus"], ["health", "-qo", "nagios"]] {
            let s = p.scan(line)
            XCTAssertEqual(s.path, ["health"], "\(line)")
            XCTAssertEqual(s.values["output"], "nagios", "\(line)")
        }
        XCTAssertEqual(p.scan(["--profile", "health"]).path, [], "health is the profile's value here")
        XCTAssertEqual(p.scan(["health", "-o"]).values["output"], nil)
    }
}

/// The command tree: one handler per leaf, wired to the path it sits at.
final class CommandTreeTests: XCTestCase {
    func testEveryLeafHasExactlyOneHandlerNamedForItsPath() {
        var names: [String] = []
        for (path, spec) in CommandTable.root.paths() where !path.isEmpty {
            if spec.subcommands.isEmpty {
                guard let h = spec.handler as? Handler else { XCTFail("no handler for \(path)"); continue }
                XCTAssertEqual(h.name, path.joined(separator: " "), "the handler at \(path) is \(h.name)")
                names.append(h.name)
            } else {
                XCTAssertNil(spec.handler, "the group \(path) has a handler")
            }
        }
        XCTAssertEqual(names.count, Set(names).count, "a handler serves two paths")
        XCTAssertNil(CommandTable.root.handler)
    }

    func testEveryResourceHasListAndGet() {
        for r in Resource.all {
            let g = CommandTable.root.subcommand(r.name)
            XCTAssertNotNil(g?.subcommand("list"), r.name)
            XCTAssertNotNil(g?.subcommand("ls"), r.name)
            XCTAssertNotNil(g?.subcommand("get"), r.name)
        }
    }

    func testEveryLeafHasHelpWithAnExample() {
        for (path, spec) in CommandTable.root.paths() where !path.isEmpty && spec.subcommands.isEmpty {
            XCTAssertFalse(spec.examples.isEmpty, "no example for \(path)")
            let text = HelpRenderer.render(path: path, spec: spec, globals: Global.specs)
            XCTAssertTrue(text.contains("Usage:") && text.contains("Examples:"), "help for \(path)")
        }
    }

    func testShortOptionsAreUnique() {
        var seen: [Character: String] = [:]
        for o in Global.specs + CommandTable.root.allOptions() {
            if let s = o.short {
                XCTAssertTrue(seen[s] == nil || seen[s] == o.long, "-\(s) used by --\(o.long) and --\(seen[s] ?? "")")
                seen[s] = o.long
            }
        }
    }

    func testOutputFormatListsComeFromTheEnum() {
        XCTAssertEqual(Global.output.spec.completion, .choices(OutputFormat.dataFormats.map(\.rawValue)))
        XCTAssertEqual(OutputFormat.allCases.filter(\.isMonitoring), [.nagios, .prometheus])
    }
}
