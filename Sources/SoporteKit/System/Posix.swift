#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Thin wrappers over the POSIX calls the tool needs (files, modes, child processes,
/// terminals). Everything here reports failure as a `SoporteError` or nil, never traps.
public enum Posix {
    /// Whole file contents, or nil if it does not exist. Other failures throw.
    public static func readFile(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SoporteError.config("cannot read \(path): \(errorText(errno))")
        }
        defer { close(fd) }
        return try readAll(fd: fd, path: path)
    }

    public static func readAll(fd: Int32, path: String = "stdin", limit: Int = 64 << 20) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SoporteError.config("cannot read \(path): \(errorText(errno))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw SoporteError.usage("\(path) is larger than \(limit >> 20) MiB") }
        }
        return out
    }

    /// Permission bits of a file, or nil if it does not exist.
    public static func mode(of path: String) -> UInt32? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return UInt32(st.st_mode) & 0o7777
    }

    public static func errorText(_ e: Int32) -> String { String(cString: strerror(e)) }

    /// Creates `dir` and missing parents with `mode`.
    public static func makeDirectories(_ dir: String, mode: mode_t) throws {
        var path = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            path += "/" + part
            if mkdir(path, mode) != 0 && errno != EEXIST {
                throw SoporteError.config("cannot create \(path): \(errorText(errno))")
            }
        }
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder, fsync and
    /// rename, so readers see the old or the new file, never half of one.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var template = Array(((dir.isEmpty ? "." : dir) + "/.soporte-tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buf in buf.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw SoporteError.config("cannot write in \(dir.isEmpty ? "." : dir): \(errorText(errno))") }
        // mkstemp filled in the X's; the array still ends with its NUL.
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = fchmod(fd, mode) == 0
        var off = 0
        while ok && off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; ok = false; break }
            off += n
        }
        ok = ok && fsync(fd) == 0
        let savedErrno = errno
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let e = ok ? errno : savedErrno
            unlink(tmp)
            throw SoporteError.config("cannot write \(path): \(errorText(e))")
        }
    }

    /// Runs `/bin/sh -c command` with stdin closed and returns its stdout and exit status.
    /// Its stderr goes to ours so that a password manager can ask for a passphrase.
    public static func runShell(_ command: String, environment: [String: String]) -> (output: [UInt8], status: Int32)? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let args = ["/bin/sh", "-c", command]
        let envStrings = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(args) { argv in
            withCStrings(envStrings) { envp in
                posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
            }
        }
        close(fds[1])
        guard rc == 0 else { close(fds[0]); return nil }
        let out = (try? readAll(fd: fds[0], path: "token_command")) ?? []
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return (out, exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        ptrs.append(nil)
        defer { for p in ptrs { free(p) } }
        // `ptrs` always holds at least the terminating nil, so its buffer has an address.
        return ptrs.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    public static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Terminal width in columns, or nil if `fd` is not a terminal.
    public static func terminalWidth(_ fd: Int32) -> Int? {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return nil }
        return Int(ws.ws_col)
    }

    /// Reads one line from the terminal with echo off (for passwords). Nil without a TTY.
    public static func readSecretFromTTY(prompt: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var old = termios()
        guard tcgetattr(fd, &old) == 0 else { return nil }
        var noEcho = old
        noEcho.c_lflag &= ~tcflag_t(ECHO)
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        TerminalGuard.save(fd: fd, modes: old)
        tcsetattr(fd, TCSAFLUSH, &noEcho)
        defer {
            tcsetattr(fd, TCSAFLUSH, &old)
            TerminalGuard.clear()
            _ = write(fd, "\n", 1)
        }
        return readLine(fd: fd)
    }

    /// Asks a yes/no question on the terminal; false without a TTY.
    public static func confirm(prompt: String) -> Bool {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        guard let answer = readLine(fd: fd)?.lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

    static func readLine(fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var c: UInt8 = 0
        while true {
            let n = read(fd, &c, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if c == 0x0A { break }
            bytes.append(c)
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Runs `body` on a new detached thread. The page walker and bulk commands block in
    /// libcurl, so they get threads of their own: Dispatch's global queues on Linux run
    /// about one thread per core, which kept only two of four pages in flight here.
    public static func startThread(_ body: @escaping () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        var tid = pthread_t()
        let rc = pthread_create(&tid, &attr, { p in
            // pthread_create hands back the pointer given below, never nil.
            Unmanaged<ThreadBody>.fromOpaque(p!).takeRetainedValue().body()
            return nil
        }, box)
        pthread_attr_destroy(&attr)
        if rc != 0 {
            // No thread to be had: run it here rather than lose the work.
            Unmanaged<ThreadBody>.fromOpaque(box).takeRetainedValue().body()
        }
    }

    /// Milliseconds since the epoch.
    public static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var left = timespec()
        while nanosleep(&ts, &left) != 0 && errno == EINTR { ts = left }
    }

    /// A random UUID (version 4) from the kernel's random source.
    public static func uuid() -> String {
        // Two 64-bit draws: one getrandom call each, not one per byte.
        var g = SystemRandomNumberGenerator()
        let (x, y) = (g.next(), g.next())
        var b = (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? x : y) >> (UInt64(i % 8) * 8)) }
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-" + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}

/// A closure handed to a new thread.
final class ThreadBody {
    let body: () -> Void
    init(_ b: @escaping () -> Void) { body = b }
}

/// Terminal modes to put back if a signal ends the process while echo is off.
/// `restore` is called from the signal handler: it only reads plain globals and calls
/// tcsetattr, which is async-signal-safe.
public enum TerminalGuard {
    nonisolated(unsafe) private static var fd: Int32 = -1
    nonisolated(unsafe) private static var modes = termios()

    static func save(fd f: Int32, modes m: termios) {
        modes = m
        fd = f
    }

    static func clear() { fd = -1 }

    public static func restore() {
        if fd >= 0 { tcsetattr(fd, TCSANOW, &modes) }
    }
}
