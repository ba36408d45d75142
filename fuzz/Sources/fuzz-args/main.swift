import FuzzDriver
import FuzzHarness
import SoporteKit
import SoporteSystem

// Command lines through the whole runner (parse, typed options, settings, the command),
// with answers made of the same input. The first byte picks a template that puts the
// rest where numbers and IDs go, so range checks and page arithmetic are hit often;
// otherwise the input is NUL-separated words (not always UTF-8). Nothing may trap.

/// Answers every request with the same bytes, as a 200 with rate-limit headers from them.
struct EchoTransport: HTTPTransport {
    let body: [UInt8]
    let headers: [(String, String)]
    func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        .success(HTTPResponse(status: 200, headers: headers, body: body))
    }
}

let templates: [[String]] = [
    ["accounts", "list", "--limit", "$"], ["accounts", "list", "--page", "$"], ["accounts", "list", "--per-page", "$"],
    ["accounts", "list", "--from-page", "$", "--limit", "$"], ["health", "--timeout", "$"], ["health", "--retries", "$"],
    ["health", "--max-wait", "$"], ["accounts", "get", "$"], ["accounts", "delete", "$", "--yes"], ["history", "--limit", "$"],
    ["accounts", "list", "--filter", "$"], ["accounts", "list", "--fields", "$", "-o", "csv"], ["api", "GET", "$"],
    ["accounts", "update", "1", "--set", "$"], ["config", "set", "timeout", "$"], ["accounts", "list", "-o", "$"],
    ["health", "--request-id", "$"], ["accounts", "list", "--sort", "$", "-o", "json"],
]

runFuzzer { bytes in
    guard let first = bytes.first else { return }
    let rest = Array(bytes.dropFirst())
    var argv: [[UInt8]]
    if Int(first) < templates.count {
        let value = Array(rest.prefix { $0 != 0 })
        argv = templates[Int(first)].map { $0 == "$" ? value : Array($0.utf8) }
    } else {
        argv = rest.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
    }
    // The answer: the input after the first NUL (often not the API's shape at all).
    let body = Array(rest.drop { $0 != 0 }.dropFirst())
    let headers = [("X-RateLimit-Limit", String(decoding: body.prefix(4), as: UTF8.self)),
                   ("X-RateLimit-Remaining", String(decoding: body.dropFirst(4).prefix(4), as: UTF8.self)),
                   ("X-RateLimit-Reset", String(decoding: body.dropFirst(8).prefix(12), as: UTF8.self))]
    let io = IOStreams(out: BufferSink(), err: BufferSink(), facts: TerminalFacts(stdoutIsTTY: first & 1 == 1, width: Int(first)))
    let ctx = Context(io: io, env: ["SOPORTE_API_URL": "https://api.fuzz/v1", "SOPORTE_API_TOKEN": "tok-fuzz-1", "HOME": "/nonexistent"],
                      fs: NoFiles(), clock: SteppingClock(), prompter: Nothing(), runner: Nothing(),
                      makeTransport: { EchoTransport(body: body, headers: headers) }, readStdin: { body })
    let status = Runner.run(rawArguments: argv, ctx: ctx)
    precondition((0...143).contains(status), "exit status \(status)")
}
