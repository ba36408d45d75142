#if canImport(Glibc)
import Glibc
#endif

/// The controlling terminal: its width, no-echo password prompts and yes/no questions.
public enum Terminal {
    /// Terminal width in columns, or nil if `fd` is not a terminal.
    public static func width(_ fd: Int32) -> Int? {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return nil }
        return Int(ws.ws_col)
    }

    /// Reads one line from /dev/tty with echo off. Nil without a terminal.
    public static func readSecret(prompt: String) -> [UInt8]? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var old = termios()
        guard tcgetattr(fd, &old) == 0 else { return nil }
        var noEcho = old
        noEcho.c_lflag &= ~tcflag_t(ECHO)
        // Echo off before the prompt is shown, and without flushing input: a password
        // typed the moment the prompt appears must be neither echoed nor thrown away.
        TerminalGuard.save(fd: fd, modes: old)
        tcsetattr(fd, TCSANOW, &noEcho)
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        defer {
            tcsetattr(fd, TCSANOW, &old)
            TerminalGuard.clear()
            _ = write(fd, "\n", 1)
        }
        return readLine(fd: fd)
    }

    /// Asks a yes/no question on /dev/tty; false without a terminal.
    public static func confirm(prompt: String) -> Bool {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        guard let answer = readLine(fd: fd) else { return false }
        let a = String(decoding: answer, as: UTF8.self).lowercased()
        return a == "y" || a == "yes"
    }

    static func readLine(fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var c: UInt8 = 0
        while true {
            let n = read(fd, &c, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return bytes.isEmpty ? nil : bytes }
            if c == 0x0A { break }
            bytes.append(c)
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes
    }
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
