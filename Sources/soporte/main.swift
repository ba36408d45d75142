#if canImport(Glibc)
import Glibc
#endif
import SoporteKit
import SoporteCurl
import SoporteSystem

// Page bodies (hundreds of KB) come from the heap and are reused, not mapped afresh and
// faulted in for every page: with glibc's default they are mmap'd above 128 KiB, which
// cost a tenth of a 100,000-item walk in page faults.
Allocator.keepLargeBlocksOnTheHeap(upTo: 32 << 20)
Allocator.limitHeaps(to: 1)

// No crash may write a secret to disk (docs/CONTRACT.md §10.1).
var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)

// A standard descriptor that was closed (`soporte ... >&-`) is held with /dev/null, so
// that no file or socket we open takes its number; writing to a closed stdout is an
// error (exit 1), never output sent somewhere else or a silent success.
let stdoutClosed = fcntl(1, F_GETFD) == -1
for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 {
    let n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
    if n >= 0 && n != fd { dup2(n, fd); close(n) }
}

// Ctrl-C and SIGTERM stop at once: put back terminal modes a prompt changed, erase a
// progress line, say how to resume a walk, then leave with 130/143. Only
// async-signal-safe calls here (the resume text was prepared before). They run on the
// main thread (SignalNote says why that matters and how). A table walk
// that holds rows has the signal handed to its main thread instead (Interrupts), which
// prints the rows and stops; a second signal, or a walk that does not take it up within
// two seconds, ends the run here as always.
SignalNote.recordMainThread()
Interrupts.prepare()
signal(SIGINT) { sig in
    if SignalNote.redirectToMainThread(sig) { return }
    if Interrupts.deferSignal(sig) { return }
    TerminalGuard.restore()
    if isatty(2) == 1 { _ = write(2, "\r\u{1B}[K", 4) }
    SignalNote.write(to: 2)
    _exit(130)
}
signal(SIGTERM) { sig in
    if SignalNote.redirectToMainThread(sig) { return }
    if Interrupts.deferSignal(sig) { return }
    TerminalGuard.restore()
    if isatty(2) == 1 { _ = write(2, "\r\u{1B}[K", 4) }
    SignalNote.write(to: 2)
    _exit(143)
}
// A closed pipe shows up as EPIPE from write(2), which ends the run quietly; a file past
// the size limit (ulimit -f) as EFBIG, an error with its message, not a kill.
signal(SIGPIPE, SIG_IGN)
signal(SIGXFSZ, SIG_IGN)

// Arguments as bytes: they are not always UTF-8, and the runner says which is not.
var rawArguments: [[UInt8]] = []
for i in 1..<Int(CommandLine.argc) {
    guard let p = CommandLine.unsafeArgv[i] else { continue }
    rawArguments.append(Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))))
}
// The environment, split at the first '=' byte by byte (String.firstIndex(of:) walks
// grapheme clusters, which was a tenth of the start-up instructions). Values that are
// not UTF-8 are left out and named, so that a setting is never used garbled.
var environment = [String: String](minimumCapacity: 64)
var invalidEnvironment: [String] = []
var ep = environ
while let p = ep.pointee {
    if let eq = strchr(p, 0x3D) {
        let name = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: eq - p)
        let value = UnsafeBufferPointer(start: UnsafeRawPointer(eq + 1).assumingMemoryBound(to: UInt8.self), count: strlen(eq + 1))
        let key = String(decoding: name, as: UTF8.self)
        if let v = String(validating: value, as: UTF8.self) { environment[key] = v } else { invalidEnvironment.append(key) }
    }
    ep += 1
}

let facts = TerminalFacts(stdoutIsTTY: Posix.isTTY(1), stderrIsTTY: Posix.isTTY(2), stdinIsTTY: Posix.isTTY(0),
                          width: Terminal.width(1))
let io = IOStreams(out: stdoutClosed ? ClosedSink(name: "standard output") : FDSink(fd: 1, name: "standard output"),
                   err: FDSink(fd: 2, name: "standard error"), facts: facts)
let context = Context(io: io, env: environment, invalidEnvironment: invalidEnvironment, makeTransport: { CurlTransport() })
let status = Runner.run(rawArguments: rawArguments, ctx: context)
// Our output is written and flushed by now (IOStreams writes with write(2)). _exit skips
// the atexit handlers, which only free memory the kernel is about to take back: OpenSSL's
// cleanup alone was 4 % of a one-request run (650,000 instructions). Anyone adding
// stdio output (print) must flush it before this line.
fflush(nil)
_exit(status)
