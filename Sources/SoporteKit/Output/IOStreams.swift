#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SoporteJSON
import SoporteSystem

/// Where bytes go. The real one writes to a file descriptor; tests use a buffer.
public protocol ByteSink: Sendable {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Writes straight to a file descriptor. EPIPE becomes a quiet `brokenPipe`; any other
/// failure (a closed or full descriptor) is an error, never a silent success.
public struct FDSink: ByteSink {
    let fd: Int32
    let name: String
    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try Files.writeAll(fd: fd, bytes, name: name)
        } catch {
            if error.code == EPIPE { throw SoporteError(.brokenPipe, "") }
            throw SoporteError(.unexpected, "cannot write to \(name): \(error.reason)")
        }
    }
}

/// A sink that refuses every write: standard output was closed when we started.
public struct ClosedSink: ByteSink {
    let name: String
    public init(name: String) { self.name = name }
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        throw SoporteError(.unexpected, "cannot write to \(name): it is closed")
    }
}

/// Collects bytes in memory (tests).
public final class BufferSink: ByteSink {
    private let store = Mutex<[UInt8]>([])
    public init() {}
    public func write(_ b: UnsafeRawBufferPointer) throws { store.withLock { $0.append(contentsOf: b) } }
    public var bytes: [UInt8] { store.withLock { $0 } }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// The terminal facts, decided once at start.
public struct TerminalFacts: Sendable, Equatable {
    public var stdoutIsTTY: Bool
    public var stderrIsTTY: Bool
    public var stdinIsTTY: Bool
    /// Columns of the terminal on stdout, if it is one.
    public var width: Int?

    public init(stdoutIsTTY: Bool = false, stderrIsTTY: Bool = false, stdinIsTTY: Bool = false, width: Int? = nil) {
        self.stdoutIsTTY = stdoutIsTTY
        self.stderrIsTTY = stderrIsTTY
        self.stdinIsTTY = stdinIsTTY
        self.width = width
    }
}

/// How messages are shown, settled once the settings are known.
public struct MessageStyle: Sendable, Equatable {
    /// `-o json`/`ndjson`: stderr carries JSON lines only (docs/CONTRACT.md §10.7).
    public var json = false
    public var quiet = false
    public var color = false
    public init() {}
}

/// The process's streams. stdout carries data only and is buffered; stderr carries
/// messages, each a whole line, and the progress line. Every byte of both passes the
/// run's `Secrets` and, on stderr, the terminal sanitizer: this is the one place where
/// output leaves the process (STYLE "one choke point").
public final class IOStreams: Sendable {
    public let facts: TerminalFacts
    public let secrets: Secrets
    let outSink: any ByteSink
    let errSink: any ByteSink
    private let outBuffer = Mutex<[UInt8]>([])
    private let progressShown = Mutex<Bool>(false)
    private let styleState = Mutex(MessageStyle())

    public init(out: any ByteSink, err: any ByteSink, facts: TerminalFacts, secrets: Secrets = Secrets()) {
        self.outSink = out
        self.errSink = err
        self.facts = facts
        self.secrets = secrets
    }

    public var stdoutIsTTY: Bool { facts.stdoutIsTTY }
    public var stderrIsTTY: Bool { facts.stderrIsTTY }
    public var stdinIsTTY: Bool { facts.stdinIsTTY }
    public var terminalWidth: Int? { facts.width }

    public var style: MessageStyle {
        get { styleState.withLock { $0 } }
        set { styleState.withLock { $0 = newValue } }
    }

    /// Colour decision of docs/CONTRACT.md §6: `always` forces it; otherwise only on a TTY, never with
    /// NO_COLOR, `never`, TERM=dumb or CLICOLOR=0; CLICOLOR_FORCE forces it.
    public static func wantsColor(mode: ColorMode, env: [String: String], stdoutIsTTY: Bool) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            if let nc = env["NO_COLOR"], !nc.isEmpty { return false }
            if env["TERM"] == "dumb" || env["CLICOLOR"] == "0" { return false }
            if let f = env["CLICOLOR_FORCE"], !f.isEmpty, f != "0" { return true }
            return stdoutIsTTY
        }
    }

    // MARK: - Data

    static let chunk = 1 << 16

    /// Data for stdout. Writes happen under the lock, so output keeps its order even if
    /// another thread ever writes too.
    public func out(_ bytes: [UInt8]) throws {
        try out { $0.append(contentsOf: bytes) }
    }

    /// Data appended by `build` straight into the buffer (no copy of its own).
    public func out(_ build: (inout [UInt8]) -> Void) throws {
        try outBuffer.withLock { buf in
            build(&buf)
            if buf.count >= IOStreams.chunk { try drain(&buf, final: false) }
        }
    }

    public func out(_ s: String) throws { try out(Array(s.utf8)) }

    /// Writes everything buffered.
    public func flush() throws {
        try outBuffer.withLock { try drain(&$0, final: true) }
    }

    /// Writes out what may leave now, redacted, and keeps the rest. Unless `final`, a tail
    /// that could be the start of a secret's form stays behind until more data (or the
    /// end) shows. Runs of bytes with no secret are written from the buffer as they are.
    private func drain(_ buf: inout [UInt8], final: Bool) throws {
        guard !buf.isEmpty else { return }
        let m = secrets.matcher
        var cut = m.isEmpty || final ? buf.count : max(0, buf.count - (m.longest - 1))
        try buf.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var copied = 0
            while !m.isEmpty, let (at, len) = m.firstMatch(in: bytes, from: copied), at < cut {
                if at > copied { try outSink.write(UnsafeRawBufferPointer(rebasing: raw[copied..<at])) }
                try outSink.write(Array(Secrets.mark.utf8))
                copied = at + len
                cut = max(cut, copied)
            }
            if cut > copied { try outSink.write(UnsafeRawBufferPointer(rebasing: raw[copied..<cut])) }
        }
        buf.removeFirst(cut)
    }

    // MARK: - Messages

    /// One or more lines on stderr (a newline is added), escaped for the terminal and
    /// redacted. Erases a progress line first.
    public func line(_ text: String) {
        let clean = Sanitizer.escapeControls(secrets.redact(text), keepNewlines: true)
        writeErr(Array((clean + "\n").utf8), erase: true)
    }

    /// `soporte: warning: ...` (text), or `{"warning": {"code", "message"}}` (JSON).
    public func warn(_ code: String, _ message: String) {
        if style.json { jsonLine("warning", code: code, message: message) } else { line("soporte: warning: \(message)") }
    }

    /// A note for a person (`soporte: ...`); silenced by `-q`. JSON mode: a warning line.
    public func note(_ code: String, _ message: String) {
        let s = style
        guard !s.quiet else { return }
        if s.json { jsonLine("warning", code: code, message: message) } else { line("soporte: \(message)") }
    }

    /// A `-v` log line (text), or `{"log": {"message"}}` (JSON).
    public func log(_ message: String) {
        if style.json {
            let v = JSONValue.object(JSONObject([("log", .object(JSONObject([("message", .string(secrets.redact(message)))])))]))
            line(JSONWriter.compact(v))
        } else {
            line(message)
        }
    }

    /// An error as text or as the JSON line of docs/CONTRACT.md §10.7.
    public func report(_ e: SoporteError) {
        if style.json {
            line(JSONWriter.compact(e.jsonLine))
        } else {
            line(e.rendered)
            if e.status == .usage, let p = e.helpPath {
                line("Run '" + (["soporte"] + p).joined(separator: " ") + " --help' for usage.")
            }
        }
    }

    private func jsonLine(_ kind: String, code: String, message: String) {
        let v = JSONValue.object(JSONObject([(kind, .object(JSONObject([("code", .string(code)), ("message", .string(message))])))]))
        line(JSONWriter.compact(v))
    }

    // MARK: - Progress

    /// Draws the progress line (TTY only, not with -q), replacing the previous one.
    public func progress(_ s: String) {
        guard stderrIsTTY, !style.quiet else { return }
        let text = Sanitizer.forTerminal(secrets.redact(s))
        progressShown.withLock { shown in
            try? errSink.write(Array(("\r\u{1B}[K" + text).utf8))
            shown = true
        }
    }

    public func clearProgress() {
        progressShown.withLock { shown in
            guard shown else { return }
            shown = false
            try? errSink.write(Array("\r\u{1B}[K".utf8))
        }
    }

    private func writeErr(_ bytes: [UInt8], erase: Bool) {
        progressShown.withLock { shown in
            if shown && erase {
                try? errSink.write(Array("\r\u{1B}[K".utf8))
                shown = false
            }
            try? errSink.write(bytes)
        }
    }
}
