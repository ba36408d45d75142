#if canImport(Glibc)
import Glibc
#endif
import SoporteSystem

/// Files as commands see them. The real one is `LocalFileSystem`; unit tests use a
/// map in memory, so commands are tested without a disk.
public protocol FileSystem: Sendable {
    func read(_ path: String, limit: Int) throws(SystemError) -> [UInt8]?
    /// A file that holds a secret: nil if it does not exist; an error, before reading, if
    /// it is not a regular file (a FIFO, a directory, a device).
    func readRegular(_ path: String, limit: Int) throws(SystemError) -> RegularFile?
    func mode(of path: String) -> UInt32?
    func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(SystemError)
    func makeDirectories(_ dir: String, mode: UInt32) throws(SystemError)
    /// An exclusive lock held until the returned value is released.
    func lock(_ path: String, wait: Bool) throws(SystemError) -> AnyObject
    /// Appends bytes to a file (created with `mode`), under an exclusive lock, and
    /// flushes them to disk before returning when `sync` is set.
    func append(_ path: String, _ bytes: [UInt8], mode: UInt32, sync: Bool) throws(SystemError)
    /// Appends a line to a log shared by processes, keeping its newest `keep` lines; never
    /// through a symbolic link, and not when its first line fails `isOurs`.
    func appendKeepingLast(_ path: String, _ line: [UInt8], keep: Int, mode: UInt32, isOurs: ([UInt8]) -> Bool) throws(SystemError)
    /// A file to append lines to, locked against other processes while it is open.
    func openLog(_ path: String, mode: UInt32) throws(SystemError) -> any AppendLog
}

extension FileSystem {
    /// For stand-ins whose files are all regular (tests, the fuzzers): `read` and
    /// `mode(of:)`. The real one, `LocalFileSystem`, checks the file's kind.
    public func readRegular(_ path: String, limit: Int) throws(SystemError) -> RegularFile? {
        guard let bytes = try read(path, limit: limit) else { return nil }
        return RegularFile(bytes: bytes, mode: mode(of: path) ?? 0o600)
    }
}

/// An append-only file held open and locked (a bulk journal).
public protocol AppendLog: Sendable {
    func contents(limit: Int) throws(SystemError) -> [UInt8]
    func append(_ bytes: [UInt8], sync: Bool) throws(SystemError)
}

extension AppendFile: AppendLog {}

/// Wall and monotonic time, and waiting.
public protocol Clock: Sendable {
    /// Seconds since the epoch.
    func now() -> Double
    func monotonic() -> Double
    func sleep(_ seconds: Double)
}

/// Questions asked on the terminal.
public protocol Prompter: Sendable {
    /// A line read with echo off; nil without a terminal.
    func readSecret(prompt: String) -> [UInt8]?
    func confirm(prompt: String) -> Bool
}

/// Runs `token_command`.
public protocol ProcessRunner: Sendable {
    func run(_ command: String, environment: [String: String], timeout: Double) -> ShellCommand.Outcome
}

// MARK: - The real ones

public struct LocalFileSystem: FileSystem {
    public init() {}
    public func read(_ path: String, limit: Int) throws(SystemError) -> [UInt8]? { try Files.read(path, limit: limit) }
    public func readRegular(_ path: String, limit: Int) throws(SystemError) -> RegularFile? { try Files.readRegular(path, limit: limit) }
    public func mode(of path: String) -> UInt32? { Files.mode(of: path) }
    public func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(SystemError) {
        try Files.writeAtomically(path, bytes, mode: mode_t(mode))
    }
    public func makeDirectories(_ dir: String, mode: UInt32) throws(SystemError) {
        try Files.makeDirectories(dir, mode: mode_t(mode))
    }
    public func lock(_ path: String, wait: Bool) throws(SystemError) -> AnyObject { try FileLock(path: path, wait: wait) }
    public func append(_ path: String, _ bytes: [UInt8], mode: UInt32, sync: Bool) throws(SystemError) {
        try Files.append(path, bytes, mode: mode_t(mode), sync: sync)
    }
    public func appendKeepingLast(_ path: String, _ line: [UInt8], keep: Int, mode: UInt32, isOurs: ([UInt8]) -> Bool) throws(SystemError) {
        try Files.appendKeepingLast(path, line, keep: keep, mode: mode_t(mode), isOurs: isOurs)
    }
    public func openLog(_ path: String, mode: UInt32) throws(SystemError) -> any AppendLog {
        try AppendFile(path: path, mode: mode_t(mode))
    }
}

public struct SystemClockSeam: Clock {
    public init() {}
    public func now() -> Double { SystemClock.now() }
    public func monotonic() -> Double { SystemClock.monotonic() }
    public func sleep(_ seconds: Double) { SystemClock.sleep(seconds) }
}

public struct TerminalPrompter: Prompter {
    public init() {}
    public func readSecret(prompt: String) -> [UInt8]? { Terminal.readSecret(prompt: prompt) }
    public func confirm(prompt: String) -> Bool { Terminal.confirm(prompt: prompt) }
}

public struct ShellRunner: ProcessRunner {
    public init() {}
    public func run(_ command: String, environment: [String: String], timeout: Double) -> ShellCommand.Outcome {
        ShellCommand.run(command, environment: environment, timeout: timeout)
    }
}
