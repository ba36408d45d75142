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

let arguments = Array(CommandLine.arguments.dropFirst())
// The environment, split at the first '=' byte by byte (String.firstIndex(of:) walks
// grapheme clusters, which was a tenth of the start-up instructions).
var environment = [String: String](minimumCapacity: 64)
var ep = environ
while let p = ep.pointee {
    if let eq = strchr(p, 0x3D) {
        let name = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: eq - p)
        environment[String(decoding: name, as: UTF8.self)] = String(cString: eq + 1)
    }
    ep += 1
}

let context = Context(io: IOStreams.system(), env: environment, makeTransport: { CurlTransport() })
let status = Runner.run(arguments, ctx: context)
// Our output is written and flushed by now (IOStreams writes with write(2)). _exit skips
// the atexit handlers, which only free memory the kernel is about to take back: OpenSSL's
// cleanup alone was 4 % of a one-request run (650,000 instructions).
fflush(nil)
_exit(status)
