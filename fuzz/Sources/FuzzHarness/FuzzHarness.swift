import Synchronization
import SoporteKit
import SoporteSystem

// What the fuzz targets that run the whole runner share: no prompts, no files, and a
// clock whose sleeps take no time.

/// No terminal to ask on, and a token_command that never answers.
public struct Nothing: Prompter, ProcessRunner {
    public init() {}
    public func readSecret(prompt: String) -> [UInt8]? { nil }
    public func confirm(prompt: String) -> Bool { false }
    public func run(_ command: String, environment: [String: String], timeout: Double) -> ShellCommand.Outcome { .timedOut }
}

/// No wait takes any real time, but a sleep moves this clock on by what it asked for: a
/// clock that stood still kept the pacer's wait ahead for ever, and a bulk command paced
/// by the echoed rate-limit headers spun (a hang of the harness, not of soporte, whose
/// clock moves while it sleeps).
public final class SteppingClock: Clock {
    public init() {}
    private let time = Mutex((wall: 1_800_000_000.0, mono: 0.0))
    public func now() -> Double { time.withLock { $0.wall } }
    public func monotonic() -> Double { time.withLock { $0.mono } }
    public func sleep(_ seconds: Double) {
        guard seconds.isFinite, seconds > 0 else { return }
        time.withLock { t in
            t.wall += seconds
            t.mono += seconds
        }
    }
}

/// A disk with nothing on it that takes every write and keeps none (no journal).
public struct NoFiles: FileSystem {
    public init() {}
    public func read(_ path: String, limit: Int) throws(SystemError) -> [UInt8]? { nil }
    public func mode(of path: String) -> UInt32? { nil }
    public func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(SystemError) {}
    public func makeDirectories(_ dir: String, mode: UInt32) throws(SystemError) {}
    public func lock(_ path: String, wait: Bool) throws(SystemError) -> AnyObject { [Int]() as AnyObject }
    public func append(_ path: String, _ bytes: [UInt8], mode: UInt32, sync: Bool) throws(SystemError) {}
    public func appendKeepingLast(_ path: String, _ line: [UInt8], keep: Int, mode: UInt32, isOurs: ([UInt8]) -> Bool) throws(SystemError) {}
    public func openLog(_ path: String, mode: UInt32) throws(SystemError) -> any AppendLog { throw SystemError("open", path) }
}
