#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: what was being done, to which path, and errno's text.
/// The kits turn it into their own errors (the CLI picks the exit status by context).
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let code: Int32
    public let reason: String

    public init(_ operation: String, _ path: String, code: Int32 = errno, reason: String? = nil) {
        self.operation = operation
        self.path = path
        self.code = code
        self.reason = reason ?? Posix.errorText(code)
    }

    /// "cannot read /etc/x: Permission denied"
    public var description: String { "cannot \(operation) \(path): \(reason)" }
}

public enum Posix {
    public static func errorText(_ e: Int32) -> String { String(cString: strerror(e)) }

    public static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
