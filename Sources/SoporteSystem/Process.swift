#if canImport(Glibc)
import Glibc
#endif

/// Runs `/bin/sh -c` commands for `token_command`: stdout captured, stderr passed
/// through (so `pass` or `gpg` can ask and explain), stdin closed, bounded in time.
public enum ShellCommand {
    public enum Outcome: Equatable, Sendable {
        /// The shell ended; what it printed before it ended.
        case exited(status: Int32, output: [UInt8])
        case timedOut
        case couldNotStart(String)
        /// It printed more than `maxOutput` bytes.
        case tooMuchOutput
    }

    /// Runs `command` in a process group of its own. Reading stops when the shell has
    /// exited and its pipe has nothing more to give right away, and what is left of the
    /// group is killed, so a background child that keeps the pipe open cannot hang us;
    /// past `timeout` seconds the whole group is killed too.
    public static func run(_ command: String, environment: [String: String], timeout: Double,
                           maxOutput: Int = 1 << 20) -> Outcome {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return .couldNotStart(Posix.errorText(errno)) }
        // Neither end may leak into the child beyond its dup2'd stdout.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attr, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        let args = ["/bin/sh", "-c", command]
        let envStrings = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(args) { argv in
            withCStrings(envStrings) { envp in
                posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp)
            }
        }
        close(fds[1])
        let readEnd = fds[0]
        defer { close(readEnd) }
        guard rc == 0 else { return .couldNotStart(Posix.errorText(rc)) }
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)

        let deadline = SystemClock.monotonic() + timeout
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var exitStatus: Int32?
        var pipeOpen = true
        while true {
            // Drain what is there now.
            while pipeOpen {
                let n = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n > 0 {
                    output.append(contentsOf: chunk[0..<n])
                    if output.count > maxOutput { killGroup(pid); reap(pid); return .tooMuchOutput }
                } else if n == 0 {
                    pipeOpen = false
                } else if errno == EINTR {
                    continue
                } else {
                    break  // EAGAIN: nothing more for now
                }
            }
            if exitStatus == nil { exitStatus = tryReap(pid) }
            if let s = exitStatus {
                // The shell is gone; whatever is left of its group is a background child
                // that would hold our pipe (and our stderr) open: end it. A password
                // agent that must outlive the command starts a session of its own.
                killGroup(pid)
                return .exited(status: s, output: output)
            }
            let left = deadline - SystemClock.monotonic()
            if left <= 0 {
                killGroup(pid)
                reap(pid)
                return .timedOut
            }
            var p = pollfd(fd: pipeOpen ? readEnd : -1, events: Int16(POLLIN), revents: 0)
            // Wake at least every 50 ms to notice the shell's exit while a child keeps the pipe.
            _ = poll(&p, 1, Int32(min(left, 0.05) * 1000) + 1)
        }
    }

    static func killGroup(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        kill(-pid, SIGKILL)
    }

    static func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// The exit status if the child has ended (128+N for a signal), else nil.
    static func tryReap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        let signalled = status & 0x7f
        return signalled == 0 ? (status >> 8) & 0xff : 128 + signalled
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        ptrs.append(nil)
        defer { for p in ptrs { free(p) } }
        // `ptrs` always holds at least the terminating nil, so its buffer has an address.
        return ptrs.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
