#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import CCurl
import CCurlShim
import SoporteKit
import SoporteSystem

/// `HTTPTransport` over libcurl. Every transfer of a run goes through one multi handle
/// (`TransferLoop`), so they share connections (HTTP/2 streams multiplexed on one
/// connection, HTTP/1.1 connections kept alive), the DNS cache and TLS sessions.
/// `perform` blocks its caller until its transfer is done. Thread-safe.
public final class CurlTransport: HTTPTransport {
    /// nil when libcurl loaded; otherwise why it did not.
    private static let loadError: String? = {
        var buf = [CChar](repeating: 0, count: 256)
        guard soporte_curl_load(&buf, buf.count) != 0 else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    private let loop = TransferLoop()

    public init() {}

    deinit { loop.close() }

    public func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        if let why = CurlTransport.loadError {
            return .failure(TransportError(.other, why, requestSent: false))
        }
        let t: Transfer
        switch Transfer.make(request) {
        case .failure(let e): return .failure(e)
        case .success(let made): t = made
        }
        if let e = loop.submit(t) { return .failure(e) }
        t.done.wait { $0 ? () : nil }
        return t.outcome()
    }
}

/// The one thread that drives libcurl for a transport: it makes the multi handle and the
/// share handle and is the only thread that ever calls them, so neither needs libcurl's
/// lock callbacks and neither pointer leaves it. Callers hand it transfers through
/// `submit`, wake it through a pipe that its curl_multi_poll also waits on, and wait
/// on each transfer's `done`.
///
/// Why one thread and a multi handle: HTTP/2 streams share a connection only within one
/// multi handle (libcurl does not multiplex across threads, and its connection cache
/// shared between threads is documented as unsafe), and one thread keeps the multi
/// handle's rule of one caller at a time without handing it around.
final class TransferLoop: Sendable {
    private struct Inbox {
        /// Transfers handed over and not yet added to the multi handle.
        var arriving: [Transfer] = []
        /// The write end of the pipe that wakes the loop, while it runs (written under
        /// this lock, so the loop never closes it under a caller).
        var wake: Int32 = -1
        var started = false
        var closing = false
        /// Why the loop could not set libcurl up; every later request fails with it.
        var broken: TransportError?

        func wakeLoop() {
            guard wake >= 0 else { return }
            // Non-blocking: a full pipe has woken the loop already.
            var one: UInt8 = 1
            _ = write(wake, &one, 1)
        }
    }

    private let inbox = Mutex(Inbox())

    /// Hands `t` to the loop, starting the loop's thread on the first call. nil when
    /// handed over; otherwise why the transfer cannot run.
    func submit(_ t: Transfer) -> TransportError? {
        let startNow = inbox.withLock { s -> Bool? in
            if s.broken != nil { return nil }
            s.arriving.append(t)
            s.wakeLoop()
            defer { s.started = true }
            return !s.started
        }
        guard let start = startNow else {
            return inbox.withLock { $0.broken }
        }
        if start && !Threads.spawn({ [self] in run() }) {
            inbox.withLock { s in
                s.arriving.removeAll { $0 === t }
                s.started = false
            }
            return TransportError(.other, "cannot start a thread for libcurl's transfers", requestSent: false)
        }
        return nil
    }

    /// The loop's thread leaves once nothing is left to do.
    func close() {
        inbox.withLock { s in
            s.closing = true
            s.wakeLoop()
        }
    }

    // MARK: - On the loop's thread

    private func run() {
        let multi: UnsafeMutableRawPointer
        let share: UnsafeMutableRawPointer
        var pipeEnds: [Int32] = [-1, -1]
        let piped = pipe(&pipeEnds) == 0
        if piped {
            for fd in pipeEnds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            }
        }
        let (woke, wake) = (pipeEnds[0], pipeEnds[1])
        switch piped ? LibcurlHandles.make() : .failure(TransportError(.other, "cannot make a pipe for libcurl's transfers", requestSent: false)) {
        case .failure(let e):
            if piped { Glibc.close(woke); Glibc.close(wake) }
            refuseFromNowOn(e)
            return
        case .success(let h):
            (multi, share) = (h.multi, h.share)
        }
        inbox.withLock { $0.wake = wake }

        var running: [UnsafeMutableRawPointer: Transfer] = [:]
        var failed = CURLM_OK
        while failed == CURLM_OK {
            let (arriving, closing) = inbox.withLock { s in
                defer { s.arriving = [] }
                return (s.arriving, s.closing)
            }
            for t in arriving { add(t, multi: multi, share: share, to: &running) }
            if closing && running.isEmpty { break }

            var still: Int32 = 0
            failed = soporte_multi_perform(multi, &still)
            if failed != CURLM_OK { break }
            var easy: UnsafeMutableRawPointer?
            var result = CURLE_OK
            while soporte_multi_done(multi, &easy, &result) != 0 {
                guard let e = easy, let t = running.removeValue(forKey: e) else { continue }
                _ = soporte_multi_remove(multi, e)
                t.finish(result)
            }
            // libcurl shortens the wait to its own next timeout; a submit or close wakes it.
            var woken: Int32 = 0
            failed = soporte_multi_poll(multi, woke, running.isEmpty ? 60_000 : 1_000, &woken)
            if woken != 0 {
                var drain = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
                while read(woke, &drain, 32) == 32 {}
            }
        }
        if failed != CURLM_OK {
            // The multi handle failed as a whole: its transfers end with that, and so does
            // every later one (rather than a loop that fails at once, again and again).
            let e = TransportError(.other, "libcurl's transfers failed: \(String(cString: soporte_multi_strerror(failed)))", requestSent: true)
            for (easy, t) in running {
                _ = soporte_multi_remove(multi, easy)
                t.finish(CURLE_OK, failure: e)
            }
            refuseFromNowOn(e)
        }
        inbox.withLock { $0.wake = -1 }
        Glibc.close(wake)
        Glibc.close(woke)
        _ = soporte_multi_cleanup(multi)
        _ = soporte_share_cleanup(share)
    }

    /// Fails the transfers handed over and every later one with `e`.
    private func refuseFromNowOn(_ e: TransportError) {
        let left = inbox.withLock { s in
            s.broken = e
            defer { s.arriving = [] }
            return s.arriving
        }
        for t in left { t.finish(CURLE_OK, failure: e) }
    }

    private func add(_ t: Transfer, multi: UnsafeMutableRawPointer, share: UnsafeMutableRawPointer,
                     to running: inout [UnsafeMutableRawPointer: Transfer]) {
        // `make` gave the transfer a handle, and only `finish` frees it.
        let easy = t.curl!
        do {
            // Set here, on the one thread that uses the share handle.
            try Transfer.check(soporte_setopt_pointer(easy, CURLOPT_SHARE, share), "SHARE")
        } catch {
            t.finish(CURLE_OK, failure: error.error)
            return
        }
        let mc = soporte_multi_add(multi, easy)
        guard mc == CURLM_OK else {
            t.finish(CURLE_OK, failure: TransportError(.other, "libcurl refused the transfer: \(String(cString: soporte_multi_strerror(mc)))", requestSent: false))
            return
        }
        running[easy] = t
    }
}

/// The multi and share handles a loop needs, set up or not at all.
private struct LibcurlHandles {
    let multi: UnsafeMutableRawPointer
    let share: UnsafeMutableRawPointer

    static func make() -> Result<LibcurlHandles, TransportError> {
        guard let m = soporte_multi_init() else {
            return .failure(TransportError(.other, "libcurl could not make a multi handle", requestSent: false))
        }
        guard let s = soporte_share_init() else {
            _ = soporte_multi_cleanup(m)
            return .failure(TransportError(.other, "libcurl could not make a share handle", requestSent: false))
        }
        func refused(_ what: String, _ why: String) -> Result<LibcurlHandles, TransportError> {
            _ = soporte_multi_cleanup(m)
            _ = soporte_share_cleanup(s)
            return .failure(TransportError(.other, "libcurl refused \(what): \(why)", requestSent: false))
        }
        // HTTP/2 streams share a connection (libcurl's default since 7.62; said anyway).
        let mc = soporte_multi_setopt_long(m, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        if mc != CURLM_OK { return refused("PIPELINING", String(cString: soporte_multi_strerror(mc))) }
        // A new connection resumes the TLS session of an earlier one (libcurl 7.88 keeps
        // sessions per easy handle, and each request has its own).
        let sc = soporte_share_setopt_long(s, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
        if sc != CURLSHE_OK { return refused("the TLS session share", String(cString: soporte_share_strerror(sc))) }
        return .success(LibcurlHandles(multi: m, share: s))
    }
}
