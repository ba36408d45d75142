#if canImport(Glibc)
import Glibc
#endif

/// Files: whole reads with a size cap, modes, folders, atomic replacement that keeps a
/// symlink pointing where it did, and advisory locks. Failures are `SystemError`s.
public enum Files {
    /// Whole file contents, or nil if it does not exist.
    public static func read(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SystemError("read", path)
        }
        defer { close(fd) }
        return try readAll(fd: fd, name: path, limit: limit)
    }

    /// A file given to hold a secret, read whole: nil if it does not exist; an error,
    /// before any byte is read, if it is not a regular file (a FIFO would block the read,
    /// a device might never end it). Checked on the path, then again on the open
    /// descriptor (opened non-blocking, no controlling terminal), so that a FIFO put in its
    /// place between the two is not read either. The mode is the open file's.
    public static func readRegular(_ path: String, limit: Int) throws(SystemError) -> RegularFile? {
        var st = stat()
        if stat(path, &st) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw SystemError("read", path)
        }
        if let kind = FileKind(mode: st.st_mode) { throw SystemError("read", path, code: EINVAL, reason: "not a regular file (\(kind))") }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SystemError("read", path)
        }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { throw SystemError("read", path) }
        if let kind = FileKind(mode: st.st_mode) { throw SystemError("read", path, code: EINVAL, reason: "not a regular file (\(kind))") }
        return RegularFile(bytes: try readAll(fd: fd, name: path, limit: limit), mode: UInt32(st.st_mode) & 0o7777)
    }

    /// Everything until end of file; more than `limit` bytes is an error (EFBIG).
    public static func readAll(fd: Int32, name: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", name)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit {
                throw SystemError("read", name, code: EFBIG, reason: "larger than \(limit >> 20) MiB")
            }
        }
    }

    /// Permission bits, or nil if the path does not exist (symlinks are followed).
    public static func mode(of path: String) -> UInt32? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return UInt32(st.st_mode) & 0o7777
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// The folder part of a path ("" for a bare name, "/" for a file at the root).
    public static func folder(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// Creates `dir` and missing parents with `mode`.
    public static func makeDirectories(_ dir: String, mode: mode_t) throws(SystemError) {
        var path = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            path += "/" + part
            if mkdir(path, mode) != 0 && errno != EEXIST {
                throw SystemError("create", path)
            }
        }
    }

    /// Where writing `path` should really go: a symlink's final target (so that a
    /// config kept in a dotfiles repository stays a link), else the path itself.
    public static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buf, buf.count - 1)
            guard n > 0 else { return current }
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : (folder(of: current).isEmpty ? target : folder(of: current) + "/" + target)
        }
        return current
    }

    /// Replaces `path` with `bytes`: a temporary file in the same folder, fsync, rename,
    /// fsync of the folder. Readers see the old file or the new one, never half of one,
    /// and a kill after this returns never loses the change. A symlink is written through.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(SystemError) {
        let target = resolvingLinks(path)
        let dir = folder(of: target)
        let dirOrDot = dir.isEmpty ? "." : dir
        var template = Array((dirOrDot + "/.\(baseName(target)).tmp.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buf in buf.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw SystemError("write in", dirOrDot) }
        // mkstemp filled in the X's; the array still ends with its NUL.
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: SystemError?
        if fchmod(fd, mode) != 0 { failure = SystemError("set the mode of", tmp) }
        if failure == nil {
            do throws(SystemError) { try writeAll(fd: fd, bytes, name: tmp) } catch { failure = error }
        }
        if failure == nil && fsync(fd) != 0 { failure = SystemError("sync", tmp) }
        close(fd)
        if failure == nil && rename(tmp, target) != 0 { failure = SystemError("replace", target) }
        if let f = failure {
            unlink(tmp)
            throw f
        }
        let dfd = open(dirOrDot, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    public static func baseName(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    /// Writes every byte, retrying short writes and EINTR.
    public static func writeAll(fd: Int32, _ bytes: [UInt8], name: String) throws(SystemError) {
        var failure: SystemError?
        bytes.withUnsafeBytes { raw in
            do throws(SystemError) { try writeAll(fd: fd, raw, name: name) } catch { failure = error }
        }
        if let f = failure { throw f }
    }

    public static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, name: String) throws(SystemError) {
        var off = 0
        while off < bytes.count {
            let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", name)
            }
            off += n
        }
    }

    /// Removes temporary files that `writeAtomically` (pattern `.NAME.tmp.*`) or an
    /// older writer (`NAME.tmp.*`) left behind when a process was killed mid-write.
    public static func removeStaleTemporaries(of path: String) {
        let dir = folder(of: path)
        let base = baseName(path)
        guard let d = opendir(dir.isEmpty ? "." : dir) else { return }
        defer { closedir(d) }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("." + base + ".tmp.") || name.hasPrefix(base + ".tmp.") {
                unlink((dir.isEmpty ? "" : dir + "/") + name)
            }
        }
    }
}

/// An exclusive advisory lock (flock) on a file, held until `unlock` or process exit.
public final class FileLock {
    let fd: Int32

    /// Opens (creating with mode 0600) and locks `path`. `wait: false` fails at once with
    /// EWOULDBLOCK when another process holds it.
    public init(path: String, wait: Bool) throws(SystemError) {
        let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard f >= 0 else { throw SystemError("open", path) }
        while flock(f, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let e = SystemError("lock", path)
            close(f)
            throw e
        }
        fd = f
    }

    /// The locked file's descriptor, for appending to it.
    public var descriptor: Int32 { fd }

    public func unlock() {
        flock(fd, LOCK_UN)
    }

    deinit { close(fd) }
}

extension Files {
    /// Appends `bytes` with one write(2) under an exclusive lock (so that lines of
    /// concurrent processes never interleave), creating the file with `mode`; with
    /// `sync`, the bytes are on disk before this returns.
    public static func append(_ path: String, _ bytes: [UInt8], mode: mode_t, sync: Bool) throws(SystemError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SystemError("open", path) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw SystemError("lock", path) }
        }
        try writeAll(fd: fd, bytes, name: path)
        if sync && fsync(fd) != 0 { throw SystemError("sync", path) }
    }
}

/// A file that one process appends lines to, holding an exclusive lock on it for as long
/// as it is open (a bulk run's journal). Appends are one write(2) each, then fsync, under
/// a mutex so that threads never interleave.
public final class AppendFile: Sendable {
    let fd: Int32
    let path: String
    private let writing = Gate(())

    /// Opens (creating with `mode`) and locks `path`; fails with EWOULDBLOCK at once when
    /// another process holds it.
    /// A symbolic link is refused (ELOOP), and so is anything but a regular file.
    public init(path: String, mode: mode_t) throws(SystemError) {
        let f = try Files.openRegular(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode: mode)
        while flock(f, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let e = SystemError("lock", path)
            close(f)
            throw e
        }
        fd = f
        self.path = path
    }

    deinit { close(fd) }

    /// Everything in the file now.
    public func contents(limit: Int = 256 << 20) throws(SystemError) -> [UInt8] {
        try Files.readAll(fd: fd, name: path, limit: limit, from: 0)
    }

    public func append(_ bytes: [UInt8], sync: Bool) throws(SystemError) {
        var failure: SystemError?
        writing.withLock { _ in
            do throws(SystemError) {
                try Files.writeAll(fd: fd, bytes, name: path)
                if sync && fsync(fd) != 0 { throw SystemError("sync", path) }
            } catch { failure = error }
        }
        if let f = failure { throw f }
    }
}

extension Files {
    /// Appends one line to a shared log that several processes write (the request
    /// history), keeping only its newest `keep` lines. The append is one write(2) under
    /// an exclusive lock, so lines never interleave; when the file has grown past `keep`
    /// by a tenth, it is rewritten atomically with its newest `keep` lines. A process that
    /// waited for the lock of a file replaced meanwhile opens the new one and tries again.
    ///
    /// The log is never written through a symbolic link or when it is not a regular file,
    /// and never appended to (or trimmed) when its first line does not pass `isOurs`: it
    /// is then some other file under our name.
    public static func appendKeepingLast(_ path: String, _ line: [UInt8], keep: Int, mode: mode_t,
                                         isOurs: ([UInt8]) -> Bool) throws(SystemError) {
        for _ in 0..<10 {
            let fd = try openRegular(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode: mode)
            defer { close(fd) }
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { throw SystemError("lock", path) }
            }
            var mine = stat(), named = stat()
            guard fstat(fd, &mine) == 0, lstat(path, &named) == 0, mine.st_ino == named.st_ino, mine.st_dev == named.st_dev else {
                continue  // replaced while we waited: open the new one
            }
            if mine.st_size > 0 {
                let head = try readAll(fd: fd, name: path, limit: 1 << 30, from: 0, upTo: 4096)
                let first = head.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false).first.map(Array.init) ?? []
                guard isOurs(first) else { throw SystemError("append to", path, code: EINVAL, reason: "it is not soporte's (its first line is not a record); left as it is") }
            }
            try writeAll(fd: fd, line, name: path)
            // Rough line count from the size first; read only when it may be over.
            guard Int(mine.st_size) + line.count > keep * 100 else { return }
            let all = try readAll(fd: fd, name: path, limit: 1 << 30, from: 0)
            let lines = all.split(separator: 0x0A)
            guard lines.count > keep + keep / 10 else { return }
            var kept: [UInt8] = []
            for l in lines.suffix(keep) { kept.append(contentsOf: l); kept.append(0x0A) }
            try writeAtomically(path, kept, mode: mode)
            return
        }
        throw SystemError("append to", path, code: EAGAIN, reason: "it keeps being replaced")
    }

    /// Opens `path` without following a symbolic link at its end, and refuses anything
    /// but a regular file (a FIFO is opened without blocking, then refused).
    public static func openRegular(_ path: String, _ flags: Int32, mode: mode_t) throws(SystemError) -> Int32 {
        let fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK, mode)
        guard fd >= 0 else {
            if errno == ELOOP { throw SystemError("open", path, code: ELOOP, reason: "it is a symbolic link; give the file itself") }
            throw SystemError("open", path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = SystemError("open", path); close(fd); throw e }
        guard st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw SystemError("open", path, code: EINVAL, reason: "it is not a regular file")
        }
        // Back to blocking writes for a regular file (O_NONBLOCK only kept a FIFO from hanging).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// Reads a descriptor from `offset` to its end (or `upTo` bytes) without moving its position.
    static func readAll(fd: Int32, name: String, limit: Int, from offset: off_t, upTo: Int = Int.max) throws(SystemError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var at = offset
        while out.count < upTo {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min(65536, upTo - out.count), at) }
            if n < 0 { if errno == EINTR { continue }; throw SystemError("read", name) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            at += off_t(n)
            if out.count > limit { throw SystemError("read", name, code: EFBIG, reason: "too large") }
        }
        return out
    }
}

/// A regular file's contents and permission bits, from one open (`Files.readRegular`).
public struct RegularFile: Sendable, Equatable {
    public let bytes: [UInt8]
    public let mode: UInt32
    public init(bytes: [UInt8], mode: UInt32) {
        self.bytes = bytes
        self.mode = mode
    }
}

/// What a path is when it is not a regular file, as an error says it.
public enum FileKind: String, Sendable, CustomStringConvertible {
    case fifo = "a FIFO", directory = "a directory", device = "a device", socket = "a socket", other = "not a file"

    /// nil for a regular file.
    public init?(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: self = .fifo
        case S_IFDIR: self = .directory
        case S_IFCHR, S_IFBLK: self = .device
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    public var description: String { rawValue }
}
