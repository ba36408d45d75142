#if canImport(Glibc)
import Glibc
#endif

/// Where bytes go. The real one writes to a file descriptor; tests use a buffer.
public protocol ByteSink: AnyObject {
    func write(_ bytes: [UInt8]) throws
}

/// Writes straight to a file descriptor. EPIPE becomes a quiet `brokenPipe` error.
public final class FDSink: ByteSink {
    let fd: Int32
    public init(fd: Int32) { self.fd = fd }
    public func write(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw SoporteError(.brokenPipe, "") }
                throw SoporteError(.unexpected, "cannot write output: \(Posix.errorText(errno))")
            }
            off += n
        }
    }
}

/// Collects bytes in memory (tests).
public final class BufferSink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ b: [UInt8]) throws { bytes.append(contentsOf: b) }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// The terminal facts, decided once at start: which streams are TTYs, the width,
/// whether to use colour. Data goes to `out` (buffered), everything else to `err`.
public final class IOStreams {
    public let outSink: ByteSink
    public let errSink: ByteSink
    public let stdoutIsTTY: Bool
    public let stderrIsTTY: Bool
    public let stdinIsTTY: Bool
    public let terminalWidth: Int?
    public var colorEnabled: Bool
    private var buffer: [UInt8] = []
    /// True while a progress line is on stderr (to erase it before other messages).
    public private(set) var progressShown = false

    public init(out: ByteSink, err: ByteSink, stdoutIsTTY: Bool, stderrIsTTY: Bool, stdinIsTTY: Bool,
                terminalWidth: Int?, colorEnabled: Bool) {
        self.outSink = out
        self.errSink = err
        self.stdoutIsTTY = stdoutIsTTY
        self.stderrIsTTY = stderrIsTTY
        self.stdinIsTTY = stdinIsTTY
        self.terminalWidth = terminalWidth
        self.colorEnabled = colorEnabled
        buffer.reserveCapacity(1 << 16)
    }

    /// The process's real streams.
    public static func system() -> IOStreams {
        IOStreams(out: FDSink(fd: 1), err: FDSink(fd: 2), stdoutIsTTY: Posix.isTTY(1), stderrIsTTY: Posix.isTTY(2),
                  stdinIsTTY: Posix.isTTY(0), terminalWidth: Posix.terminalWidth(1), colorEnabled: false)
    }

    /// Colour decision of SPEC §6: `always` forces it; otherwise only on a TTY, never with
    /// NO_COLOR, `never`, or TERM=dumb.
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

    @inline(__always)
    public func out(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    public func out(_ s: String) throws { try out(Array(s.utf8)) }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        let b = buffer
        buffer.removeAll(keepingCapacity: true)
        try outSink.write(b)
    }

    // MARK: - Messages

    /// A line on stderr (a newline is added). Erases a progress line first.
    public func err(_ s: String) {
        clearProgress()
        try? errSink.write(Array((s + "\n").utf8))
    }

    public func progress(_ s: String) {
        guard stderrIsTTY else { return }
        try? errSink.write(Array(("\r\u{1B}[K" + s).utf8))
        progressShown = true
    }

    public func clearProgress() {
        guard progressShown else { return }
        progressShown = false
        try? errSink.write(Array("\r\u{1B}[K".utf8))
    }
}
