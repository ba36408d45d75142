import XCTest
@testable import SoporteKit
import SoporteSystem

/// docs/CONTRACT.md §13.3 and §13.6 without a network: the bulk tally's words, the read-only refusal
/// in the client (the stub transport fails on any request it was not told of), and the
/// systemd credentials as token, license key and signing secret sources.
final class UnattendedTests: XCTestCase {
    // MARK: - Bulk tally

    func testTheTallySaysWhereARunStands() {
        var t = BulkTally(action: .suspend, total: 625, journal: false)
        t.started = 124
        for _ in 0..<118 { t.add(Bulk.Outcome(given: .id(ResourceID(1)!), id: nil, kind: .done)) }
        for _ in 0..<2 { t.add(Bulk.Outcome(given: .id(ResourceID(1)!), id: nil, kind: .failed)) }
        XCTAssertEqual(t.progressLine, "suspend: 120/625, 2 failed")
        XCTAssertEqual(t.summary, "interrupted after 120 of 625: 118 done, 2 failed, 4 in flight (outcome not known), 501 not sent")
        XCTAssertTrue(t.howToGoOn.contains("--journal FILE"))
        t.started = 120
        XCTAssertEqual(t.summary, "interrupted after 120 of 625: 118 done, 2 failed, 505 not sent")
        let j = BulkTally(action: .delete, total: 3, journal: true)
        XCTAssertEqual(j.progressLine, "delete: 0/3")
        XCTAssertTrue(j.howToGoOn.hasPrefix("run the same command again"))
        let note = String(decoding: j.signalNote(json: true), as: UTF8.self)
        XCTAssertTrue(note.hasPrefix(#"{"warning":{"code":"BULK_INTERRUPTED","message":"interrupted after 0 of 3: "#), note)
        XCTAssertTrue(note.hasSuffix("\"}}\n"), note)
    }

    func testABulkRunPublishesItsSummaryAndClearsItAtTheEnd() {
        let h = Harness()
        h.transport.json("POST", "/v1/whm/accounts/1/unsuspend", #"{"data":{"id":1}}"#)
        let r = h.run(["accounts", "unsuspend", "1"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(SignalNote.text(), [], "a finished run leaves no note for a signal")
        h.transport.verify()
    }

    func testAllowEmpty() {
        let h = Harness()
        h.stdin = Array("\n# nothing\n".utf8)
        let r = h.run(["accounts", "suspend", "-", "--yes", "--allow-empty"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.err, "soporte: nothing to do: no IDs given\n")
        XCTAssertEqual(h.run(["accounts", "suspend", "-", "--yes"]).status, 2)
        h.transport.verify()
    }

    // MARK: - Read-only

    func testReadOnlyRefusesAllButGetBeforeSending() {
        for (flags, env, source) in [(["--read-only"], [:], "(--read-only)"),
                                     ([], ["SOPORTE_READ_ONLY": "1"], "(SOPORTE_READ_ONLY=1 in the environment)")] {
            let h = Harness()
            h.env.merge(env) { $1 }
            let r = h.run(["accounts", "delete", "5", "--yes"] + flags)
            XCTAssertEqual(r.status, 4, r.err)
            XCTAssertTrue(r.err.contains("read-only \(source): DELETE /whm/accounts/5 was refused and not sent"), r.err)
            XCTAssertEqual(h.run(["api", "PATCH", "/whm/accounts/5", "-f", "email=a@b.example"] + flags).status, 4)
            h.transport.json("GET", "/v1/whm/accounts/5", #"{"data":{"id":5}}"#)
            XCTAssertEqual(h.run(["accounts", "get", "5", "-o", "json"] + flags).status, 0)
            XCTAssertEqual(h.run(["accounts", "delete", "5", "--dry-run"] + flags).status, 0)
            h.transport.verify()
        }
    }

    func testReadOnlyFromTheProfileNamesTheFileAndLine() throws {
        let h = Harness()
        h.env["SOPORTE_CONFIG"] = "/c"
        h.fs.put("/c", "[default]\n# monitoring box\nread_only = true\n")
        let r = h.run(["accounts", "suspend", "5", "--yes"])
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.err.contains("read_only = true in profile 'default' at /c:3"), r.err)
        h.fs.put("/c", "[default]\nread_only = false\n")
        h.env["SOPORTE_READ_ONLY"] = "1"
        XCTAssertTrue(h.run(["accounts", "suspend", "5", "--yes"]).err.contains("SOPORTE_READ_ONLY=1"))
        h.env["SOPORTE_READ_ONLY"] = "perhaps"
        XCTAssertEqual(h.run(["accounts", "suspend", "5", "--yes"]).status, 3)
        h.transport.verify()
    }

    // MARK: - systemd credentials

    func testCredentialsComeRightAfterTheTokenFile() throws {
        let fs = MemoryFileSystem()
        fs.put("/run/credentials/x.service/soporte-token", "tok-cred-5678\n", mode: 0o640)
        fs.put("/run/credentials/x.service/soporte-license-key", "LIC-CRED\n", mode: 0o440)
        let env = ["CREDENTIALS_DIRECTORY": "/run/credentials/x.service/", "SOPORTE_API_TOKEN": "tok-env", "SOPORTE_LICENSE_KEY": "LIC-ENV"]
        let c = try SystemdCredentials.load(env: env, fs: fs)
        XCTAssertEqual(c.directory, "/run/credentials/x.service")
        XCTAssertEqual(c.licenseKey, "LIC-CRED")
        XCTAssertNil(c.signingSecret)
        let flags = try Global.flags(try CommandTable.parser.parse(["health"]))
        let s = try Settings.resolve(flags: flags, env: env, file: nil, configPath: "c", credentials: c)
        XCTAssertEqual(s.tokenSources, [.credential("/run/credentials/x.service/soporte-token"), .environment])
        XCTAssertEqual(s.licenseKey, "LIC-CRED")
        let r = try TokenResolver(fs: fs, runner: NoProcesses(), env: env).resolve(s)
        XCTAssertEqual(r.token, "tok-cred-5678", "group bits inside the directory are no refusal")
        XCTAssertTrue(c.contains("/run/credentials/x.service/other"))
        XCTAssertFalse(c.contains("/run/credentials/x.service/../y/token"))
        XCTAssertFalse(c.contains("/run/credentials/x.servicey/token"))
        XCTAssertEqual(try SystemdCredentials.load(env: ["CREDENTIALS_DIRECTORY": "relative"], fs: fs), SystemdCredentials())
    }
}
