import Synchronization
import XCTest
@testable import SoporteKit
import SoporteJSON
import SoporteSystem

/// A transport whose stubs must each be used exactly once, in any order among those
/// that match; a request no stub matches fails the test (gh's httpmock, in spirit).
final class StubTransport: HTTPTransport {
    struct Stub: Sendable {
        let method: String
        let path: String
        /// Query items that must be present (key=value), if any.
        let query: [String: String]
        let reply: @Sendable (HTTPRequest) -> Result<HTTPResponse, TransportError>
    }

    private let state = Mutex<(stubs: [Stub], seen: [HTTPRequest], unexpected: [String], inFlight: Int, maxInFlight: Int)>(([], [], [], 0, 0))
    /// Held by a stub that should block until the test opens it.
    let gate = Gate(false)

    func stub(_ method: String, _ path: String, query: [String: String] = [:],
              _ reply: @escaping @Sendable (HTTPRequest) -> Result<HTTPResponse, TransportError>) {
        state.withLock { $0.stubs.append(Stub(method: method, path: path, query: query, reply: reply)) }
    }

    /// A JSON answer.
    func json(_ method: String, _ path: String, query: [String: String] = [:], status: Int = 200,
              headers: [(String, String)] = [], _ body: String) {
        stub(method, path, query: query) { _ in .success(HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(body.utf8))) }
    }

    func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        let (path, query) = StubTransport.split(request.url)
        let stub: Stub? = state.withLock { s in
            s.seen.append(request)
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            guard let i = s.stubs.firstIndex(where: { st in
                st.method == request.method && st.path == path && st.query.allSatisfy { query[$0.key] == $0.value }
            }) else {
                s.unexpected.append("\(request.method) \(request.url)")
                return nil
            }
            return s.stubs.remove(at: i)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        guard let stub else { return .failure(TransportError(.other, "unexpected request \(request.method) \(request.url)", requestSent: false)) }
        return stub.reply(request)
    }

    var requests: [HTTPRequest] { state.withLock { $0.seen } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// Every stub used, nothing unexpected.
    func verify(file: StaticString = #filePath, line: UInt = #line) {
        let s = state.withLock { ($0.stubs, $0.unexpected) }
        XCTAssertTrue(s.1.isEmpty, "unexpected requests: \(s.1)", file: file, line: line)
        XCTAssertTrue(s.0.isEmpty, "stubs never used: \(s.0.map { "\($0.method) \($0.path) \($0.query)" })", file: file, line: line)
    }

    static func split(_ url: String) -> (String, [String: String]) {
        let noScheme = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let rest = noScheme.count > 3 ? "/" + noScheme[3] : "/"
        let parts = rest.split(separator: "?", maxSplits: 1)
        var q: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                q[Percent.decode(kv[0])] = kv.count > 1 ? Percent.decode(kv[1]) : ""
            }
        }
        return (String(parts[0]), q)
    }
}

/// Virtual time: `sleep` moves it on at once, so waits cost nothing in tests.
final class FakeClock: Clock {
    private let t = Mutex<(now: Double, slept: [Double])>((1_800_000_000, []))
    func now() -> Double { t.withLock { $0.now } }
    func monotonic() -> Double { t.withLock { $0.now } }
    func sleep(_ seconds: Double) { t.withLock { $0.now += max(0, seconds); $0.slept.append(seconds) } }
    func advance(_ s: Double) { t.withLock { $0.now += s } }
    var slept: [Double] { t.withLock { $0.slept } }
}

/// Files in a map, with modes.
final class MemoryFileSystem: FileSystem {
    let files = Mutex<[String: (bytes: [UInt8], mode: UInt32)]>([:])

    func put(_ path: String, _ text: String, mode: UInt32 = 0o600) { files.withLock { $0[path] = (Array(text.utf8), mode) } }
    func text(_ path: String) -> String? { files.withLock { $0[path].map { String(decoding: $0.bytes, as: UTF8.self) } } }

    func read(_ path: String, limit: Int) throws(SystemError) -> [UInt8]? { files.withLock { $0[path]?.bytes } }
    func mode(of path: String) -> UInt32? { files.withLock { $0[path]?.mode } }
    func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(SystemError) { files.withLock { $0[path] = (bytes, mode) } }
    func makeDirectories(_ dir: String, mode: UInt32) throws(SystemError) {}
    func lock(_ path: String, wait: Bool) throws(SystemError) -> AnyObject { NSLockStandIn() }
    func append(_ path: String, _ bytes: [UInt8], mode: UInt32, sync: Bool) throws(SystemError) {
        files.withLock { $0[path, default: ([], mode)].bytes += bytes }
    }
    func appendKeepingLast(_ path: String, _ line: [UInt8], keep: Int, mode: UInt32, isOurs: ([UInt8]) -> Bool) throws(SystemError) {
        if let old = try read(path, limit: 1 << 30), !old.isEmpty {
            let first = old.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false).first.map(Array.init) ?? []
            guard isOurs(first) else { throw SystemError("append to", path, code: 22, reason: "it is not soporte's") }
        }
        try append(path, line, mode: mode, sync: false)
    }
    func openLog(_ path: String, mode: UInt32) throws(SystemError) -> any AppendLog { MemoryLog(fs: self, path: path) }

    final class NSLockStandIn {}

    struct MemoryLog: AppendLog {
        let fs: MemoryFileSystem
        let path: String
        func contents(limit: Int) throws(SystemError) -> [UInt8] { try fs.read(path, limit: limit) ?? [] }
        func append(_ bytes: [UInt8], sync: Bool) throws(SystemError) { try fs.append(path, bytes, mode: 0o600, sync: sync) }
    }
}

struct NoPrompter: Prompter {
    func readSecret(prompt: String) -> [UInt8]? { nil }
    func confirm(prompt: String) -> Bool { false }
}

struct NoProcesses: ProcessRunner {
    func run(_ command: String, environment: [String: String], timeout: Double) -> ShellCommand.Outcome { .couldNotStart("no processes in unit tests") }
}

/// One run of the command line against stubs, as a user would see it.
struct Run {
    let status: Int32
    let out: String
    let err: String
}

/// A sink that keeps up to `room` bytes, then fails every write as a full disk does
/// (what fits of the write that fills it is kept, as write(2) would).
final class FullSink: ByteSink, @unchecked Sendable {
    let inner: BufferSink
    let room: Int
    private let taken = Mutex(0)
    init(inner: BufferSink, room: Int) { self.inner = inner; self.room = room }
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        let fits = taken.withLock { t -> Int in
            let n = min(bytes.count, room - t)
            t += n
            return n
        }
        if fits > 0 { try inner.write(UnsafeRawBufferPointer(rebasing: bytes[0..<fits])) }
        if fits < bytes.count { throw SoporteError(.unexpected, "cannot write to standard output: No space left on device") }
    }
}

/// A sink that shows each write to `watch` before keeping it.
struct WatchedSink: ByteSink {
    let inner: any ByteSink
    let watch: @Sendable (UnsafeRawBufferPointer) -> Void
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        watch(bytes)
        try inner.write(bytes)
    }
}

/// A command run against stubs. When the harness goes (at the end of its test), its
/// transport is verified: every stub used, no request unexpected, always (gh's httpmock
/// fails a test that leaves a stub unused). A test that means to leave a stub unused
/// says so with `expectUnused()`.
final class Harness {
    let transport = StubTransport()
    private let file: StaticString
    private let line: UInt
    private var verifyAtEnd = true

    init(file: StaticString = #filePath, line: UInt = #line) {
        self.file = file
        self.line = line
    }

    deinit {
        if verifyAtEnd { transport.verify(file: file, line: line) }
    }

    /// This test leaves stubs unused on purpose (or checks the transport itself).
    func expectUnused() { verifyAtEnd = false }

    let clock = FakeClock()
    let fs = MemoryFileSystem()
    var env: [String: String] = ["SOPORTE_API_URL": "https://api.test/v1", "SOPORTE_API_TOKEN": "tok-unit-1234", "HOME": "/home/u"]
    var facts = TerminalFacts()
    var stdin: [UInt8] = []
    /// Sees every write to stdout as it happens (besides the run's own buffer).
    var watchOut: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    /// Stdout takes this many bytes, then every write fails as a full disk does.
    var stdoutRoom: Int?

    func run(_ args: [String]) -> Run {
        let out = BufferSink(), err = BufferSink()
        let sink: any ByteSink = stdoutRoom.map { FullSink(inner: out, room: $0) } ?? out
        let io = IOStreams(out: watchOut.map { WatchedSink(inner: sink, watch: $0) } ?? sink, err: err, facts: facts)
        let t = transport
        let input = stdin
        let ctx = Context(io: io, env: env, fs: fs, clock: clock, prompter: NoPrompter(), runner: NoProcesses(),
                          makeTransport: { t }, readStdin: { input })
        let status = Runner.run(args, ctx: ctx)
        return Run(status: status, out: out.text, err: err.text)
    }

    /// A page of `n` accounts starting at id `first`, with the API's meta.
    static func page(_ page: Int, of last: Int, perPage: Int, total: Int, ids: ClosedRange<Int>) -> String {
        let items = ids.map { "{\"id\":\($0),\"domain\":\"d\($0).example\",\"status\":\"active\"}" }.joined(separator: ",")
        return "{\"data\":[\(items)],\"meta\":{\"current_page\":\(page),\"last_page\":\(last),\"per_page\":\(perPage),\"total\":\(total)}}"
    }
}
