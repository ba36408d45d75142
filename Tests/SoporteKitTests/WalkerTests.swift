import XCTest
@testable import SoporteKit
import SoporteJSON
import SoporteSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Page walks through the stub registry.
final class WalkerTests: XCTestCase {
    func ids(_ ndjson: String) -> [Int] {
        ndjson.split(separator: "\n").compactMap { (try? JSONParser.parse(String($0)))?["id"]?.intValue }
    }

    func stubPages(_ h: Harness, last: Int, perPage: Int, total: Int, skip: Set<Int> = []) {
        for p in 1...last where !skip.contains(p) {
            let first = (p - 1) * perPage + 1
            h.transport.json("GET", "/v1/whm/accounts", query: ["page": "\(p)"],
                             Harness.page(p, of: last, perPage: perPage, total: total, ids: first...min(total, first + perPage - 1)))
        }
    }

    /// A secret spelt with escapes that no form of it covers (so the raw body shows none)
    /// is found once the page's strings with escapes are decoded, on the first page and on
    /// later ones, in a value, a nested value and a key, in every format; an item without
    /// one is written by the rule of JSON output (strings decoded, docs/CONTRACT.md §12.1).
    func testASecretSpeltWithEscapesIsReplacedOnEveryPageInEveryFormat() throws {
        let spelt = #"tok-unit-\u00312\u0033\u0034"#   // tok-unit-1234
        for fmt in ["ndjson", "json", "csv", "tsv", "table"] {
            let h = Harness()
            h.facts = TerminalFacts(width: 400)
            for p in 1...2 {
                let items = [#"{"id":\#(p * 10 + 1),"domain":"a\"b","notes":"x \#(spelt) y","deep":{"k":["\#(spelt)"]}}"#,
                             #"{"id":\#(p * 10 + 2),"domain":"q\/r","notes":"plain","deep":{"\#(spelt)":[1]}}"#,
                             #"{"id":\#(p * 10 + 3),"domain":"s\tt","notes":"n","deep":{"k":[2]}}"#]
                let body = #"{"data":[\#(items.joined(separator: ","))],"meta":{"current_page":\#(p),"last_page":2,"per_page":3,"total":6}}"#
                h.transport.json("GET", "/v1/whm/accounts", query: ["page": "\(p)"], body)
            }
            let r = h.run(["accounts", "list", "--per-page", "3", "-o", fmt])
            XCTAssertEqual(r.status, 0, "\(fmt): \(r.err)")
            XCTAssertFalse(r.out.contains("1234") || r.out.contains(#"\u0031"#), "\(fmt): \(r.out)")
            XCTAssertGreaterThanOrEqual(r.out.components(separatedBy: "[redacted]").count - 1, fmt == "table" ? 0 : ["csv", "tsv"].contains(fmt) ? 4 : 6, "\(fmt): \(r.out)")
            if fmt == "ndjson" {
                let lines = r.out.split(separator: "\n")
                XCTAssertEqual(lines.count, 6)
                XCTAssertEqual(String(lines[2]), #"{"id":13,"domain":"s\tt","notes":"n","deep":{"k":[2]}}"#, "the escapes JSON needs")
            }
        }
    }

    func testAWalkWritesEveryPageInOrderWithFourInFlight() {
        let h = Harness()
        // Pages 2-5 block until the test opens the gate: all four must be in flight at once.
        for p in 1...9 {
            let body = Harness.page(p, of: 9, perPage: 10, total: 90, ids: (p - 1) * 10 + 1...p * 10)
            let gate = h.transport.gate
            h.transport.stub("GET", "/v1/whm/accounts", query: ["page": "\(p)"]) { _ in
                if (2...5).contains(p) { _ = gate.wait { $0 ? true : nil } }
                return .success(HTTPResponse(status: 200, headers: [], body: Array(body.utf8)))
            }
        }
        Threads.start { [transport = h.transport] in
            // Opened after 10 s at the latest: fewer in flight fails the test instead of hanging it.
            let deadline = SystemClock.monotonic() + 10
            while transport.maxInFlight < 4 && SystemClock.monotonic() < deadline { SystemClock.sleep(0.001) }
            transport.gate.withLock { $0 = true }
        }
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(ids(r.out), Array(1...90))
        XCTAssertEqual(h.transport.maxInFlight, 4)
        h.transport.verify()
    }

    func testAPageWithoutRoomIsAskedForAgainInItsTurnAndThatIsNoRetry() {
        let h = Harness()
        let rooms = Gate<[BodyRoom]>([])
        let big = 40 << 20  // over the 32 MiB that pages read ahead may hold
        for p in [1, 4] {
            h.transport.json("GET", "/v1/whm/accounts", query: ["page": "\(p)"],
                             Harness.page(p, of: 4, perPage: 10, total: 40, ids: (p - 1) * 10 + 1...p * 10))
        }
        // Page 2 (the one being written) is answered only once page 3 found no room.
        let page2 = Harness.page(2, of: 4, perPage: 10, total: 40, ids: 11...20)
        h.transport.stub("GET", "/v1/whm/accounts", query: ["page": "2"]) { _ in
            rooms.wait { $0.isEmpty ? nil : () }
            return .success(HTTPResponse(status: 200, headers: [], body: Array(page2.utf8)))
        }
        // Page 3: first as a transport that finds no room ahead of the writer, then in its turn.
        h.transport.stub("GET", "/v1/whm/accounts", query: ["page": "3"]) { req in
            let room = req.allowance?.take(big) ?? .refused
            rooms.withLock { $0.append(room) }
            return .failure(TransportError(.noRoom, "no room", requestSent: true))
        }
        let page3 = Harness.page(3, of: 4, perPage: 10, total: 40, ids: 21...30)
        h.transport.stub("GET", "/v1/whm/accounts", query: ["page": "3"]) { req in
            let room = req.allowance?.take(big) ?? .refused
            rooms.withLock { $0.append(room) }
            return .success(HTTPResponse(status: 200, headers: [], body: Array(page3.utf8)))
        }
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson", "--retries", "0"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(ids(r.out), Array(1...40))
        XCTAssertEqual(rooms.withLock { $0 }, [.full, .taken])
        XCTAssertEqual(h.clock.slept, [], "no backoff: asking again in its turn is not a retry")
        h.transport.verify()
    }

    func testAShortPageIsFetchedAgainThenFailsTheWalkWithExit8() {
        let h = Harness()
        h.expectUnused()  // pages past the failure may or may not be asked for, in flight
        stubPages(h, last: 4, perPage: 10, total: 40, skip: [3])
        let short = Array(Harness.page(3, of: 4, perPage: 10, total: 40, ids: 21...25).utf8)
        for _ in 0..<2 {
            h.transport.stub("GET", "/v1/whm/accounts", query: ["page": "3"]) { [transport = h.transport] _ in
                // Page 4 is asked for with page 3 (4 in flight); page 3 answers once it was, so that
                // the walk cannot fail before page 4's stub is used (10 s at most: never a hang).
                let deadline = SystemClock.monotonic() + 10
                while !transport.requests.contains(where: { StubTransport.split($0.url).1["page"] == "4" })
                        && SystemClock.monotonic() < deadline { SystemClock.sleep(0.001) }
                return .success(HTTPResponse(status: 200, headers: [], body: short))
            }
        }
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson", "--filter", "status=active"])
        XCTAssertEqual(r.status, 8)
        XCTAssertEqual(ids(r.out), Array(1...20), "what came before the short page is written, nothing after")
        XCTAssertTrue(r.err.contains("page 3 had 5 of 10 items twice"), r.err)
        XCTAssertTrue(r.err.contains("resume with: soporte accounts list --per-page 10 --output ndjson --filter status=active --from-page 3"), r.err)
        h.transport.verify()
    }

    func testAShortPageThatComesBackWholeIsFine() {
        let h = Harness()
        stubPages(h, last: 3, perPage: 10, total: 30, skip: [2])
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "2"], Harness.page(2, of: 3, perPage: 10, total: 30, ids: 11...14))
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "2"], Harness.page(2, of: 3, perPage: 10, total: 30, ids: 11...20))
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(ids(r.out), Array(1...30))
        h.transport.verify()
    }

    func testAFailedPageGivesTheCompleteResumeCommandAndJSONStaysOpen() {
        let h = Harness()
        h.expectUnused()  // pages past the failure may or may not be asked for, in flight
        stubPages(h, last: 3, perPage: 100, total: 250, skip: [2, 3])
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "2"], status: 500, #"{"error":{"code":"SERVER_ERROR","message":"boom"}}"#)
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "3"], Harness.page(3, of: 3, perPage: 100, total: 250, ids: 201...250))
        // Page 3 is asked for or not, as the workers' start goes against page 2's failure.
        h.expectUnused()
        let r = h.run(["accounts", "list", "-o", "json", "--sort", "-id", "--search", "a b", "--limit", "240"])
        XCTAssertEqual(r.status, 8)
        XCTAssertFalse(r.out.hasSuffix("]\n"), "partial JSON is left unclosed")
        let lines = r.err.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        XCTAssertEqual(lines.last?["error"]?["exit_status"]?.intValue, 8)
        let stopped = lines.first { $0["warning"]?["code"]?.stringValue == "WALK_STOPPED" }?["warning"]?["message"]?.stringValue ?? ""
        XCTAssertTrue(stopped.hasSuffix("resume with: soporte accounts list --output json --sort -id --search 'a b' --from-page 2 --limit 140"), stopped)
    }

    /// Standard output fills up part-way through page 3: the walk resumes from page 3
    /// (some of its items may come twice), never from page 4, and --limit is lowered by the
    /// pages before it only; the two runs together hold every item up to the limit.
    func testAnOutputThatFillsUpMidPageResumesFromThatPage() throws {
        // Pages past the failure (or past --limit) may or may not be asked for, in flight.
        let h = Harness()
        h.expectUnused()
        stubPages(h, last: 5, perPage: 10, total: 50)
        // Room for items 1 to 25, as the stub writes them (items are copied as they are).
        h.stdoutRoom = (1...25).map { "{\"id\":\($0),\"domain\":\"d\($0).example\",\"status\":\"active\"}\n".utf8.count }.reduce(0, +)
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson", "--limit", "35"])
        XCTAssertEqual(r.status, 1, r.err)
        let lines = r.err.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        let stopped = try XCTUnwrap(lines.first { $0["warning"]?["code"]?.stringValue == "WALK_STOPPED" }?["warning"]?["message"]?.stringValue)
        XCTAssertTrue(stopped.contains("walk stopped while writing page 3; 20 items were written before page 3"), stopped)
        XCTAssertEqual(lines.last?["error"]?["exit_status"]?.intValue, 1)
        XCTAssertTrue(lines.last?["error"]?["message"]?.stringValue?.contains("walk stopped while writing page 3 of 5") == true, r.err)
        let words = stopped.components(separatedBy: "resume with: soporte ")[1].split(separator: " ").map(String.init)
        XCTAssertEqual(words, ["accounts", "list", "--per-page", "10", "--output", "ndjson", "--from-page", "3", "--limit", "15"])
        let again = Harness()
        again.expectUnused()
        stubPages(again, last: 5, perPage: 10, total: 50)
        let rest = again.run(words)
        XCTAssertEqual(rest.status, 0, rest.err)
        let got = Set(ids(r.out) + ids(rest.out))
        XCTAssertEqual(got, Set(1...35), "nothing lost between the two runs")
        XCTAssertGreaterThan(ids(r.out).count, 20, "part of page 3 was out before the failure")

        // In text (here TSV) the resume command is among the error's details, and the
        // failed flush at the end must not take them away. With --limit reached inside
        // page 3 and the output full before its last item, that page's flush fails, and
        // the walk says so and how to resume (it used to end with a bare "cannot write to
        // standard output").
        for (fits, limit, resume) in [(25, 35, "--from-page 3 --limit 15"), (22, 25, "--from-page 3 --limit 5")] {
            let t = Harness()
            t.expectUnused()
            stubPages(t, last: 5, perPage: 10, total: 50)
            t.stdoutRoom = "id\n".utf8.count + (1...fits).map { "\($0)\n".utf8.count }.reduce(0, +)
            let text = t.run(["accounts", "list", "--per-page", "10", "-o", "tsv", "--fields", "id", "--limit", "\(limit)"])
            XCTAssertEqual(text.status, 1, text.err)
            XCTAssertTrue(text.err.contains("walk stopped while writing page 3"), text.err)
            XCTAssertTrue(text.err.contains("resume with: soporte accounts list --per-page 10 --output tsv --fields id " + resume), text.err)
        }
    }

    /// The notes a signal prints are assembled from parts escaped once: they must read
    /// exactly as the whole message escaped at once would, in both styles, with a label and
    /// words that need escaping and quoting, with and without --limit.
    func testResumeNotesReadAsTheWholeMessageWould() throws {
        for limit in [nil, 25] as [Int?] {
            let hint = ResumeHint(words: ["accounts", "list", "--search", #"a "b" \ ñ"#, "--filter", "x=\u{1B}y"], limit: limit)
            for json in [false, true] {
                for (page, written, writing) in [(1, 0, true), (2, 10, false), (7, 60, true), (12, 110, false)] {
                    let label = #"accounts "x" \ é"#
                    let cmd = hint.command(fromPage: page, written: written)
                    let message = writing
                        ? "\(label): walk stopped while writing page \(page); \(written) items were written before it (some of page \(page)'s may have been written too and will come again); resume with: \(cmd)"
                        : "\(label): walk stopped before page \(page); \(written) items were written; resume with: \(cmd)"
                    var want: [UInt8]
                    if json {
                        want = Array(#"{"warning":{"code":"WALK_STOPPED","message":"#.utf8)
                        JSONWriter.writeString(message, into: &want)
                        want += Array("}}\n".utf8)
                    } else {
                        want = Array(("\nsoporte: " + message + "\n").utf8)
                    }
                    var notes = ResumeNotes(label: label, resume: hint, json: json)
                    notes.publish(page: page, written: written, writing: writing)
                    XCTAssertEqual(String(decoding: SignalNote.text(), as: UTF8.self), String(decoding: want, as: UTF8.self))
                }
            }
        }
        SignalNote.clear()
    }

    /// What a Ctrl-C would print at the moment each page's items reach stdout: the page
    /// is being written, so the count is of the pages before it and some of its items
    /// may come again on resume (it used to claim the count was exact).
    func testTheSignalNoteSaysAPageIsBeingWrittenWhileItIs() throws {
        let h = Harness()
        stubPages(h, last: 3, perPage: 10, total: 30)
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)  // no note reads as nothing, not a hang
        defer { close(fds[0]); close(fds[1]) }
        let notes = Mutex<[String]>([])
        let (r, w) = (fds[0], fds[1])
        h.watchOut = { _ in
            SignalNote.write(to: w)
            var buf = [UInt8](repeating: 0, count: 8192)
            let n = read(r, &buf, buf.count)
            notes.withLock { $0.append(String(decoding: buf.prefix(max(0, n)), as: UTF8.self)) }
        }
        let run = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson"])
        XCTAssertEqual(run.status, 0, run.err)
        let seen = notes.withLock { $0 }
        XCTAssertEqual(seen.count, 3, "one flush per page")
        for (i, note) in seen.enumerated() {
            XCTAssertTrue(note.contains("while writing page \(i + 1); \(i * 10) items were written before it"), note)
            XCTAssertTrue(note.contains("--from-page \(i + 1)\"}}"), note)
        }
    }

    func testOutOfOrderPagesEndTheWalk() {
        let h = Harness()
        h.expectUnused()  // pages past the failure may or may not be asked for, in flight
        stubPages(h, last: 3, perPage: 10, total: 30, skip: [2, 3])
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "2"], Harness.page(1, of: 3, perPage: 10, total: 30, ids: 1...10))
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "3"], Harness.page(3, of: 3, perPage: 10, total: 30, ids: 21...30))
        // Page 3 is asked for or not, as the workers' start goes against page 2's answer.
        h.expectUnused()
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson"])
        XCTAssertEqual(r.status, 8)
        XCTAssertTrue(r.err.contains("asked for page 2 and got page 1"))
    }

    func testMissingFieldsSortAndIncludesAreSaidOnce() {
        let h = Harness()
        stubPages(h, last: 1, perPage: 10, total: 3)
        // `email` and `created_at` are known fields the answer lacks: warnings, exit 0.
        let r = h.run(["accounts", "list", "--fields", "id,email,email", "--sort", "-created_at", "--include", "server", "-o", "csv"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("--fields 'email' is not in the answer"), r.err)
        XCTAssertTrue(r.err.contains("--sort 'created_at' is not in the answer"), r.err)
        XCTAssertTrue(r.err.contains("--include 'server' is not in the answer"), r.err)
        XCTAssertEqual(r.err.components(separatedBy: "--fields 'email'").count, 2, "once: \(r.err)")
    }

    /// docs/CONTRACT.md §14.3: a --fields name neither in the answer nor known is exit 2 before any item
    /// is printed; a --sort name that is not known is exit 2 before anything is sent.
    func testUnknownFieldsAndSortNamesAreUsageErrors() {
        let h = Harness()
        stubPages(h, last: 1, perPage: 10, total: 3)
        var r = h.run(["accounts", "list", "--fields", "id,Domain,nonexistent", "-o", "csv"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.out, "")
        XCTAssertTrue(r.err.contains("--fields 'Domain' is not in the answer nor a field of accounts; did you mean 'domain'?"), r.err)
        r = h.run(["accounts", "list", "--sort", "-creatd_at"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("--sort 'creatd_at' is not a field of accounts; did you mean 'created_at'?"), r.err)
        h.transport.verify()
    }

    /// docs/CONTRACT.md §14.3: an empty CSV has the columns its items would have had.
    func testAnEmptyCSVHasTheKnownFieldsWithNestedObjectsDotted() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "1"], #"{"data":[],"meta":{"current_page":1,"last_page":1,"per_page":100,"total":0}}"#)
        let r = h.run(["accounts", "list", "-o", "csv"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.out, Resource.accounts.flatFields.joined(separator: ",") + "\n")
        XCTAssertTrue(r.out.contains(",limits.email_accounts,limits.databases,"), r.out)
    }

    func testLimitFetchesNoPageBeyondIt() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "1", "per_page": "2"], Harness.page(1, of: 50, perPage: 2, total: 100, ids: 1...2))
        let r = h.run(["accounts", "list", "--limit", "2", "-o", "ndjson"])
        XCTAssertEqual(ids(r.out), [1, 2])
        h.transport.verify()
    }
}

/// Bulk commands through the stub registry.
final class BulkTests: XCTestCase {
    let ok = #"{"data":{"id":1}}"#

    func testResultsInInputOrderAsAJSONArrayWithNumericIDs() throws {
        let h = Harness()
        for id in ["10", "11", "12"] { h.transport.json("POST", "/v1/whm/accounts/\(id)/unsuspend", ok) }
        h.transport.json("POST", "/v1/whm/accounts/99/unsuspend", status: 404, #"{"error":{"code":"RESOURCE_NOT_FOUND","message":"Account 99 not found."}}"#)
        let r = h.run(["accounts", "unsuspend", "10", "99", "11", "12", "-o", "json"])
        XCTAssertEqual(r.status, 5)
        let arr = try JSONParser.parse(r.out).arrayValue ?? []
        XCTAssertEqual(arr.map { $0["id"]?.scalarText ?? "" }, ["10", "99", "11", "12"])
        XCTAssertEqual(arr.map { $0["outcome"]?.stringValue ?? "" }, ["unsuspended", "failed", "unsuspended", "unsuspended"])
        XCTAssertEqual(arr[0]["id"], .number("10"), "a numeric id is a JSON number")
        XCTAssertEqual(arr[1]["error"]?["code"]?.stringValue, "RESOURCE_NOT_FOUND")
        h.transport.verify()
    }

    func testADeleteRetriedAfterALostAnswerThatFindsNothingIsDone() {
        let h = Harness()
        h.transport.stub("DELETE", "/v1/whm/accounts/23") { _ in .failure(TransportError(.receive, "reset", requestSent: true)) }
        h.transport.json("DELETE", "/v1/whm/accounts/23", status: 404, #"{"error":{"code":"RESOURCE_NOT_FOUND","message":"gone"}}"#)
        let r = h.run(["accounts", "delete", "23", "--yes"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "deleted 23 (already gone: the first answer was lost)\n")
        h.transport.verify()
    }

    func testCancellingAnAlreadyCancelledSubscriptionIsDone() {
        let h = Harness()
        h.transport.json("POST", "/v1/billing/subscriptions/2/cancel", status: 409, #"{"error":{"code":"CONFLICT","message":"already cancelled"}}"#)
        h.transport.json("GET", "/v1/billing/subscriptions/2", #"{"data":{"id":2,"status":"cancelled"}}"#)
        let r = h.run(["subscriptions", "cancel", "2", "--yes"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.out, "cancelled 2 (already cancelled)\n")
        h.transport.verify()
    }

    func testNamesAreResolvedWithOneFilteredRequest() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/accounts", query: ["filter[domain]": "shop3.com"], #"{"data":[{"id":33,"domain":"shop3.com"}]}"#)
        h.transport.json("POST", "/v1/whm/accounts/33/suspend", ok)
        h.transport.json("GET", "/v1/whm/accounts", query: ["filter[username]": "tienda2"], #"{"data":[]}"#)
        h.stdin = Array("shop3.com\ntienda2\n".utf8)
        let r = h.run(["accounts", "suspend", "-", "--yes"])
        XCTAssertEqual(r.status, 5)
        XCTAssertEqual(r.out, "suspended shop3.com\nfailed tienda2: no account named tienda2\n")
        h.transport.verify()
    }

    func testSeveralMatchesIsExit2ListingThem() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/packages", query: ["filter[name]": "basic"], #"{"data":[{"id":1,"name":"basic"},{"id":7,"name":"basic"}]}"#)
        let r = h.run(["packages", "get", "basic"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("'basic' names 2 packages") && r.err.contains("1 (basic)") && r.err.contains("7 (basic)"), r.err)
    }

    func testStdinThatIsNotUTF8IsRefusedBeforeSending() {
        let h = Harness()
        h.stdin = [0x31, 0x0A, 0x32, 0xFF, 0x0A]
        let r = h.run(["accounts", "suspend", "-", "--yes"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("line 2 of stdin is not valid UTF-8"))
        XCTAssertTrue(h.transport.requests.isEmpty)
    }

    func testTheJournalSkipsDoneIDsAndChecksUnknownOnes() {
        let h = Harness()
        h.fs.put("/j", """
        {"id":1,"action":"suspend","outcome":"done","http_status":200,"request_id":"a","at":"x"}
        {"id":2,"action":"suspend","outcome":"failed","http_status":500,"request_id":"b","at":"x"}
        {"id":3,"action":"suspend","outcome":"unknown","http_status":null,"request_id":"c","at":"x"}
        {"id":4,"action":"susp
        """)
        h.transport.json("POST", "/v1/whm/accounts/2/suspend", ok)
        h.transport.json("GET", "/v1/whm/accounts/3", #"{"data":{"id":3,"status":"suspended"}}"#)
        h.transport.json("POST", "/v1/whm/accounts/4/suspend", ok)
        let r = h.run(["accounts", "suspend", "1", "2", "3", "4", "--yes", "--journal", "/j"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "skipped 1 (done, journal)\nsuspended 2\nsuspended 3 (checked: done by an earlier run)\nsuspended 4\n")
        let added = (h.fs.text("/j") ?? "").split(separator: "\n").dropFirst(4).compactMap { try? JSONParser.parse(String($0)) }
        func outcomes(_ id: Int) -> [String] { added.filter { $0["id"]?.intValue == id }.compactMap { $0["outcome"]?.stringValue } }
        XCTAssertEqual(outcomes(2), ["sending", "done"])
        XCTAssertEqual(outcomes(3), ["done"], "checked, not sent: no sending line")
        XCTAssertEqual(outcomes(4), ["sending", "done"])
        XCTAssertEqual(outcomes(1), [])
        h.transport.verify()
    }

    /// Ids compare as text over the current and the previous page: "7" and 7 are one id,
    /// "07", "-7" and "7.0" are others; an id two pages back may come again.
    func testRecentIDsCompareTextOverTwoPages() {
        var r = RecentIDs()
        XCTAssertTrue(r.insert("7"))
        XCTAssertFalse(r.insert("7"))
        for other in ["07", "-7", "7.0", "x7", "", "0", "123456789012345678901234"] { XCTAssertTrue(r.insert(other), other) }
        XCTAssertFalse(r.insert("07"))
        XCTAssertFalse(r.insert("123456789012345678901234"))
        r.endPage()
        XCTAssertFalse(r.insert("7"), "the previous page's")
        XCTAssertFalse(r.insert("07"), "the previous page's")
        XCTAssertTrue(r.insert("8"))
        r.endPage()
        r.endPage()
        XCTAssertTrue(r.insert("7"), "two pages back is not remembered")
        XCTAssertTrue(r.insert("07"))
    }
}
