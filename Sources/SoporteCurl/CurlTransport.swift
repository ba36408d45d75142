#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import CCurl
import CCurlShim
import SoporteKit
import SoporteSystem

/// `HTTPTransport` over libcurl. Every transfer of a run goes through one multi handle
/// (`MultiDriver`), so they share connections (HTTP/2 streams multiplexed on one
/// connection, HTTP/1.1 connections kept alive), the DNS cache and TLS sessions.
/// `perform` blocks its caller until its transfer is done. Thread-safe.
public final class CurlTransport: HTTPTransport {
    /// nil when libcurl loaded; otherwise why it did not.
    private static let loadError: String? = {
        var buf = [CChar](repeating: 0, count: 256)
        guard soporte_curl_load(&buf, buf.count) != 0 else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    private let driver = MultiDriver()

    public init() {}

    deinit { driver.close() }

    public func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        if let why = CurlTransport.loadError {
            return .failure(TransportError(.other, why, requestSent: false))
        }
        let origin = URLParts(request.url)?.origin
        switch Transfer.make(request, origin: origin, pipeWait: driver.mayMultiplex(origin)) {
        case .failure(let e): return .failure(e)
        case .success(let t): return driver.run(t)
        }
    }
}

/// Runs transfers on one multi handle with no thread of its own: the callers take turns
/// at driving it. A caller hands its transfer over, then waits until the transfer has
/// ended or nobody drives the handle; then it drives (adds what was handed over, runs
/// curl_multi_perform and curl_multi_poll, ends what finished) until its own transfer
/// has ended, and gives the handle back, and a caller still waiting takes it. One
/// request alone is driven by its own caller, as curl_easy_perform would; four pages in
/// flight are driven by one of their four callers at a time.
///
/// Why a multi handle: HTTP/2 streams share a connection only within one multi handle
/// (libcurl does not multiplex across threads, and its connection cache shared between
/// threads is documented as unsafe). Why no thread of its own: handing every transfer to
/// another thread and back cost a thread at the first request and two wake-ups at each
/// (measured in the commit that brought this in).
final class MultiDriver: Sendable {
    private struct State {
        /// Transfers handed over and not yet added to the multi handle.
        var arriving: [Transfer] = []
        /// Transfers that ended, until their callers see it.
        var ended: Set<ObjectIdentifier> = []
        /// The handles while nobody drives them; nil while a caller does, before the
        /// first request, and after they failed.
        var engine: Engine?
        var made = false
        /// The write end of the engine's wake-up pipe, once there is one (written under
        /// this lock, so it is never closed under a writer).
        var wake: Int32 = -1
        /// Why the handles could not be made, or failed; every later request fails so.
        var broken: TransportError?
        /// Origins whose last answer came over HTTP/1.x: a transfer to one of them does
        /// not wait for a connection being set up (it would not take a second stream)
        /// but opens its own at once.
        var oneStreamOrigins: Set<String> = []

        /// Wakes the driver's curl_multi_poll, if one waits there.
        func wakeDriver() {
            guard wake >= 0 else { return }
            // Non-blocking: a full pipe has woken the driver already.
            var one: UInt8 = 1
            _ = write(wake, &one, 1)
        }
    }

    private enum Turn {
        case ended
        case drive(Engine)
    }

    private let gate = Gate(State())

    /// Runs `t` to its end and says how it went.
    func run(_ t: Transfer) -> Result<HTTPResponse, TransportError> {
        let id = ObjectIdentifier(t)
        // Nobody waits on the gate for this: the driver is woken through its pipe.
        let handedOver = gate.withLockQuietly { s -> Result<Bool, TransportError> in
            if let e = s.broken { return .failure(e) }
            s.arriving.append(t)
            // A caller is driving (the engine is out): wake its poll. Otherwise this
            // caller takes the engine itself.
            if s.engine == nil { s.wakeDriver() }
            defer { s.made = true }
            return .success(!s.made)
        }
        switch handedOver {
        case .failure(let e): return .failure(e)
        case .success(let first): if first { makeEngine() }
        }
        while true {
            let turn = gate.wait { s -> Turn? in
                if s.ended.remove(id) != nil { return .ended }
                if let e = s.engine {
                    s.engine = nil
                    return .drive(e)
                }
                return nil
            }
            guard case .drive(let engine) = turn else { break }
            if drive(engine, until: id) {
                gate.withLock { $0.engine = engine }
            }
        }
        return t.outcome()
    }

    /// Whether a transfer to `origin` should wait for a connection being set up to its
    /// origin (CURLOPT_PIPEWAIT): yes until an answer from there came over HTTP/1.x.
    /// Pages 3, 4 and 5 of a walk over HTTP/1.1 then open their connections at once
    /// rather than one after another; bulk requests over HTTP/2 share one connection.
    func mayMultiplex(_ origin: String?) -> Bool {
        guard let origin else { return true }
        return gate.withLockQuietly { !$0.oneStreamOrigins.contains(origin) }
    }

    /// Frees the handles (no caller is left).
    func close() {
        gate.withLock { s in
            s.wake = -1
            return s.engine.take()
        }?.close()
    }

    private func makeEngine() {
        switch Engine.make() {
        case .failure(let e): fail(e)
        case .success(let engine):
            gate.withLock { s in
                s.wake = engine.wake
                s.engine = engine
            }
        }
    }

    /// Ends the transfers handed over with `e`, and every later one.
    private func fail(_ e: TransportError) {
        let left = gate.withLock { s in
            s.broken = e
            defer { s.arriving = [] }
            return s.arriving
        }
        for t in left { t.finish(CURLE_OK, failure: e) }
        gate.withLock { s in s.ended.formUnion(left.map(ObjectIdentifier.init)) }
    }

    /// Drives the multi handle until the transfer `mine` has ended. False if the multi
    /// handle failed as a whole: its transfers ended with that, and the engine is gone.
    private func drive(_ e: Engine, until mine: ObjectIdentifier) -> Bool {
        while true {
            for t in gate.withLockQuietly({ s in defer { s.arriving = [] }; return s.arriving }) { e.add(t) }
            var ended = e.endedAtAdd
            e.endedAtAdd = []
            var still: Int32 = 0
            var failed = soporte_multi_perform(e.multi, &still)
            if failed == CURLM_OK {
                ended += e.collectFinished()
                var woken: Int32 = 0
                if !ended.contains(where: { ObjectIdentifier($0) == mine }) {
                    // libcurl shortens the wait to its own next timeout; a new transfer
                    // handed over wakes it.
                    failed = soporte_multi_poll(e.multi, e.woke, e.running.isEmpty ? 60_000 : 1_000, &woken)
                    if woken != 0 { e.drainWakeups() }
                }
            }
            if failed != CURLM_OK {
                let why = TransportError(.other, "libcurl's transfers failed: \(String(cString: soporte_multi_strerror(failed)))", requestSent: true)
                ended += e.failAll(why)
                gate.withLock { s in s.ended.formUnion(ended.map(ObjectIdentifier.init)) }
                gate.withLock { $0.wake = -1 }
                e.close()
                fail(why)
                return false
            }
            if !ended.isEmpty {
                gate.withLock { s in
                    s.ended.formUnion(ended.map(ObjectIdentifier.init))
                    for t in ended where t.httpVersion != 0 {
                        guard let origin = t.origin else { continue }
                        if t.httpVersion >= CURL_HTTP_VERSION_2_0 {
                            s.oneStreamOrigins.remove(origin)
                        } else {
                            s.oneStreamOrigins.insert(origin)
                        }
                    }
                }
                if ended.contains(where: { ObjectIdentifier($0) == mine }) { return true }
            }
        }
    }
}

/// The multi handle, the share handle, the wake-up pipe and the transfers running: what
/// the caller who drives holds while it drives.
///
/// `@unchecked Sendable`: an engine is used by one thread at a time. It lives in
/// `MultiDriver`'s gate while nobody drives; a caller takes it out under the gate's lock
/// (leaving nil there, so no other caller can take it), uses it alone, and puts it back
/// under the lock, or closes it. Each hand-over is a lock release followed by an
/// acquire, so every use sees the one before. Only `wake` is written by others, through
/// the copy of its descriptor in the gate's state.
final class Engine: @unchecked Sendable {
    let multi: UnsafeMutableRawPointer
    let share: UnsafeMutableRawPointer
    /// The pipe: curl_multi_poll also waits on `woke`; `wake` is written to wake it.
    let woke: Int32
    let wake: Int32
    private(set) var running: [UnsafeMutableRawPointer: Transfer] = [:]
    /// Transfers that ended as they were added (libcurl refused them).
    var endedAtAdd: [Transfer] = []

    private init(multi: UnsafeMutableRawPointer, share: UnsafeMutableRawPointer, woke: Int32, wake: Int32) {
        self.multi = multi
        self.share = share
        self.woke = woke
        self.wake = wake
    }

    static func make() -> Result<Engine, TransportError> {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            return .failure(TransportError(.other, "cannot make a pipe for libcurl's transfers", requestSent: false))
        }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        switch LibcurlHandles.make() {
        case .failure(let e):
            Glibc.close(ends[0])
            Glibc.close(ends[1])
            return .failure(e)
        case .success(let h):
            return .success(Engine(multi: h.multi, share: h.share, woke: ends[0], wake: ends[1]))
        }
    }

    func add(_ t: Transfer) {
        // `make` gave the transfer a handle, and only `finish` frees it.
        let easy = t.curl!
        do {
            try Transfer.check(soporte_setopt_pointer(easy, CURLOPT_SHARE, share), "SHARE")
        } catch {
            t.finish(CURLE_OK, failure: error.error)
            endedAtAdd.append(t)
            return
        }
        let mc = soporte_multi_add(multi, easy)
        guard mc == CURLM_OK else {
            t.finish(CURLE_OK, failure: TransportError(.other, "libcurl refused the transfer: \(String(cString: soporte_multi_strerror(mc)))", requestSent: false))
            endedAtAdd.append(t)
            return
        }
        running[easy] = t
    }

    /// The transfers libcurl says are done, taken out of the multi handle and ended.
    func collectFinished() -> [Transfer] {
        var ended: [Transfer] = []
        var easy: UnsafeMutableRawPointer?
        var result = CURLE_OK
        while soporte_multi_done(multi, &easy, &result) != 0 {
            guard let h = easy, let t = running.removeValue(forKey: h) else { continue }
            _ = soporte_multi_remove(multi, h)
            t.finish(result)
            ended.append(t)
        }
        return ended
    }

    func failAll(_ e: TransportError) -> [Transfer] {
        let all = Array(running)
        for (easy, t) in all {
            _ = soporte_multi_remove(multi, easy)
            t.finish(CURLE_OK, failure: e)
        }
        running = [:]
        return all.map(\.value)
    }

    func drainWakeups() {
        var drain = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while read(woke, &drain, 32) == 32 {}
    }

    func close() {
        _ = failAll(TransportError(.other, "the transport was closed", requestSent: true))
        Glibc.close(wake)
        Glibc.close(woke)
        _ = soporte_multi_cleanup(multi)
        _ = soporte_share_cleanup(share)
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
