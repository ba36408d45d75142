#if canImport(Glibc)
import Glibc
#endif
import SoporteKit
import SoporteCurl

// Ctrl-C and SIGTERM stop at once: put back terminal modes a prompt changed, erase a
// progress line, then leave with 130/143. Only async-signal-safe calls here.
signal(SIGINT) { _ in
    TerminalGuard.restore()
    if isatty(2) == 1 { _ = write(2, "\r\u{1B}[K", 4) }
    _exit(130)
}
signal(SIGTERM) { _ in
    TerminalGuard.restore()
    _exit(143)
}
// A closed stdout shows up as EPIPE from write(2), which ends the run quietly.
signal(SIGPIPE, SIG_IGN)

var environment: [String: String] = [:]
var ep = environ
while let p = ep.pointee {
    let entry = String(cString: p)
    if let eq = entry.firstIndex(of: "=") {
        environment[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
    }
    ep += 1
}

let context = Context(io: IOStreams.system(), env: environment, makeTransport: { CurlTransport() })
exit(Runner.run(Array(CommandLine.arguments.dropFirst()), ctx: context))
