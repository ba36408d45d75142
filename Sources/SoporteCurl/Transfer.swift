#if canImport(Glibc)
import Glibc
#endif
import CCurl
import CCurlShim
import SoporteKit

/// One request on its own curl easy handle, the buffers its callbacks fill, and what
/// libcurl said when it ended. Callbacks capture nothing and find this object through
/// WRITEDATA/HEADERDATA.
///
/// `@unchecked Sendable`: a transfer has one owner at a time and is handed over only
/// through a lock. The caller's thread makes and configures it and hands it to
/// `MultiDriver` under the driver's gate; from then on only the thread that drives the
/// multi handle touches it (its callbacks run inside curl_multi_perform there), and
/// drivers take turns only through that same gate; the driver ends it and says so under
/// the gate; the caller reads the outcome only after it has seen that under the gate.
/// Each hand-over is a lock release followed by an acquire, so every write before it is
/// seen after it.
final class Transfer: @unchecked Sendable {
    /// nil once the loop has cleaned the handle up.
    private(set) var curl: UnsafeMutableRawPointer?
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// The request's header lines; libcurl reads them until the transfer ends.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let url: String
    /// `scheme://host:port` of the URL (which connections it may share).
    let origin: String?
    let timeout: Double
    let maxBody: Int
    let allowance: (any BodyAllowance)?

    var body: [UInt8] = []
    /// The Content-Length of the answer being read, up to 1 MiB, if it said one: the
    /// body's room is made once (a page grew from 16 KiB by doubling, copied twice). No
    /// more is trusted ahead of the bytes: a server may announce 16 MiB and send a few
    /// (chunked, libcurl reads no Content-Length), and pages read ahead would each hold
    /// that much room.
    var announced = 0
    var headers: [(String, String)] = []
    /// Why a callback stopped the transfer, if one did.
    var stopped: TransportError?
    /// Set by the loop when the transfer ends.
    private var code = CURLE_OK
    private var status = 0
    private var requestSize = 0
    private var seconds = 0.0
    /// CURL_HTTP_VERSION_* of the answer, once it ended.
    private(set) var httpVersion = 0
    /// Why the loop could not run the transfer at all, if it could not.
    private var failure: TransportError?

    /// A handle set up for `r`, or why libcurl would not take it. `pipeWait`: a transfer
    /// that starts while a connection to its host is still being set up waits to learn
    /// whether that one multiplexes (HTTP/2) rather than open another.
    static func make(_ r: HTTPRequest, origin: String?, pipeWait: Bool) -> Result<Transfer, TransportError> {
        guard let c = soporte_easy_init() else {
            return .failure(TransportError(.other, "libcurl could not be initialised", requestSent: false))
        }
        let t = Transfer(curl: c, request: r, origin: origin)
        do {
            try t.configure(r, pipeWait: pipeWait)
        } catch {
            return .failure(error.error)
        }
        return .success(t)
    }

    private init(curl: UnsafeMutableRawPointer, request r: HTTPRequest, origin: String?) {
        self.curl = curl
        url = r.url
        self.origin = origin
        timeout = r.timeout
        maxBody = r.maxBody
        allowance = r.allowance
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        for (k, v) in r.headers { headerList = soporte_slist_append(headerList, "\(k): \(v)") }
        // libcurl adds "Expect: 100-continue" to large bodies; the API does not need it.
        headerList = soporte_slist_append(headerList, "Expect:")
    }

    deinit {
        if let c = curl { soporte_easy_cleanup(c) }
        soporte_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// A refused option is a failure of the request, not something to ignore.
    struct OptionFailed: Error { let error: TransportError }

    static func check(_ code: CURLcode, _ name: String) throws(OptionFailed) {
        guard code == CURLE_OK else {
            throw OptionFailed(error: TransportError(.other, "libcurl refused \(name): \(String(cString: soporte_easy_strerror(code)))", requestSent: false))
        }
    }

    private func configure(_ r: HTTPRequest, pipeWait: Bool) throws(OptionFailed) {
        // Only called from `make`, before the handle is cleaned up.
        let curl = self.curl!
        func set(_ code: CURLcode, _ name: String) throws(OptionFailed) { try Transfer.check(code, name) }
        let me = Unmanaged.passUnretained(self).toOpaque()
        try set(soporte_setopt_string(curl, CURLOPT_URL, r.url), "the URL")
        try set(soporte_setopt_long(curl, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try set(soporte_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")
        try set(soporte_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")
        try set(soporte_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 1), "SSL_VERIFYPEER")
        try set(soporte_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 2), "SSL_VERIFYHOST")
        if let ca = r.caBundle {
            // Added trust: the bundle plus the system store.
            try set(soporte_setopt_string(curl, CURLOPT_CAINFO, ca), "CAINFO")
            try set(soporte_setopt_string(curl, CURLOPT_CAPATH, "/etc/ssl/certs"), "CAPATH")
        }
        try set(soporte_setopt_long(curl, CURLOPT_TIMEOUT_MS, Int(min(r.timeout, 86_400) * 1000)), "TIMEOUT_MS")
        try set(soporte_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(min(r.connectTimeout, 86_400) * 1000)), "CONNECTTIMEOUT_MS")
        try set(soporte_setopt_string(curl, CURLOPT_ACCEPT_ENCODING, "gzip"), "ACCEPT_ENCODING")
        try set(soporte_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
        try set(soporte_setopt_long(curl, CURLOPT_TCP_KEEPALIVE, 1), "TCP_KEEPALIVE")
        // Reads of 128 KiB rather than libcurl's 16: a page of a walk arrives in one or two
        // reads and write callbacks, not three or more (curl's own tool uses 100 KiB).
        try set(soporte_setopt_long(curl, CURLOPT_BUFFERSIZE, 128 << 10), "BUFFERSIZE")
        try set(soporte_setopt_long(curl, CURLOPT_PIPEWAIT, pipeWait ? 1 : 0), "PIPEWAIT")
        try set(soporte_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        // An announced body over the cap is refused before it is read; one that grows
        // past it is cut (the write callback) and refused.
        try set(soporte_setopt_off(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(r.maxBody)), "MAXFILESIZE_LARGE")

        switch r.method {
        case "GET": try set(soporte_setopt_long(curl, CURLOPT_HTTPGET, 1), "HTTPGET")
        case "HEAD": try set(soporte_setopt_long(curl, CURLOPT_NOBODY, 1), "NOBODY")
        default: try set(soporte_setopt_string(curl, CURLOPT_CUSTOMREQUEST, r.method), "CUSTOMREQUEST")
        }
        if let b = r.body {
            try set(soporte_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(b.count)), "POSTFIELDSIZE_LARGE")
            var code = CURLE_OK
            b.withUnsafeBufferPointer { p in
                // COPYPOSTFIELDS copies the bytes; an empty array has no address, so give one.
                code = soporte_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: p.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            }
            try set(code, "COPYPOSTFIELDS")
        } else if r.method != "GET" && r.method != "HEAD" && r.method != "DELETE" {
            try set(soporte_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, 0), "POSTFIELDSIZE_LARGE")
            try set(soporte_setopt_string(curl, CURLOPT_COPYPOSTFIELDS, ""), "COPYPOSTFIELDS")
        }

        // The callbacks' user data is WRITEDATA/HEADERDATA, set to `me` below: never nil.
        try set(soporte_setopt_data_cb(curl, CURLOPT_WRITEFUNCTION) { ptr, size, n, ud in
            let t = Unmanaged<Transfer>.fromOpaque(ud!).takeUnretainedValue()
            return t.received(ptr, size * n)
        }, "WRITEFUNCTION")
        try set(soporte_setopt_pointer(curl, CURLOPT_WRITEDATA, me), "WRITEDATA")
        try set(soporte_setopt_data_cb(curl, CURLOPT_HEADERFUNCTION) { ptr, size, n, ud in
            let t = Unmanaged<Transfer>.fromOpaque(ud!).takeUnretainedValue()
            return t.header(ptr, size * n)
        }, "HEADERFUNCTION")
        try set(soporte_setopt_pointer(curl, CURLOPT_HEADERDATA, me), "HEADERDATA")
    }

    // MARK: - On the driving thread

    /// The transfer ended (or never started: `failure`): keep what libcurl says of it
    /// and free the handle.
    func finish(_ result: CURLcode, failure: TransportError? = nil) {
        if let c = curl {
            code = result
            _ = soporte_getinfo_long(c, CURLINFO_RESPONSE_CODE, &status)
            _ = soporte_getinfo_long(c, CURLINFO_REQUEST_SIZE, &requestSize)
            _ = soporte_getinfo_double(c, CURLINFO_TOTAL_TIME, &seconds)
            _ = soporte_getinfo_long(c, CURLINFO_HTTP_VERSION, &httpVersion)
            soporte_easy_cleanup(c)
            curl = nil
        }
        self.failure = failure
    }

    /// Body bytes: capped, charged to the allowance, grown at most to the cap.
    func received(_ ptr: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let p = ptr, count > 0 else { return count }
        if body.count + count > maxBody {
            stopped = TransportError(.tooLarge, "the answer is larger than \(maxBody >> 20) MiB (the most one answer may take)", requestSent: true)
            return 0
        }
        if let a = allowance {
            switch a.take(count) {
            case .taken: break
            case .full:
                stopped = TransportError(.noRoom, "no room yet for this answer among the pages read ahead; it is asked for again in its turn", requestSent: true)
                return 0
            case .refused:
                stopped = TransportError(.other, "the walk ended before this page arrived", requestSent: true)
                return 0
            }
        }
        if body.capacity < body.count + count {
            body.reserveCapacity(min(maxBody, max(body.count + count, body.capacity * 2, 16 << 10, announced)))
        }
        p.withMemoryRebound(to: UInt8.self, capacity: count) { body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
        return count
    }

    /// One header line: kept by name; a Content-Length over the cap stops the transfer.
    func header(_ ptr: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let p = ptr else { return count }
        // Bytes, not Characters: a walk gets a dozen header lines a page (String's
        // grapheme-aware search and trim were 4.7 % of a 100,000-item walk's CPU).
        return p.withMemoryRebound(to: UInt8.self, capacity: count) { base in
            let line = UnsafeBufferPointer(start: base, count: count)
            if count >= 5 && line[0] == 0x48 && line[1] == 0x54 && line[2] == 0x54 && line[3] == 0x50 && line[4] == 0x2F {  // "HTTP/"
                headers = []
                announced = 0
                return count
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return count }
            func ows(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
            var from = colon + 1, to = count
            while from < to && ows(line[from]) { from += 1 }
            while to > from && ows(line[to - 1]) { to -= 1 }
            let name = UnsafeBufferPointer(rebasing: line[..<colon])
            let value = UnsafeBufferPointer(rebasing: line[from..<to])
            if Transfer.isContentLength(name), let n = Transfer.decimal(value) {
                if n > maxBody {
                    stopped = TransportError(.tooLarge, "the answer announces \(n) bytes, more than the \(maxBody >> 20) MiB one answer may take", requestSent: true)
                    return 0
                }
                announced = min(n, 1 << 20)
            }
            headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return count
        }
    }

    /// A length of digits only (libcurl refuses anything else itself); 19 digits or more
    /// is past any cap, so it reads as Int.max rather than overflowing.
    static func decimal(_ digits: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard digits.count < 19 else { return Int.max }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// `Content-Length`, in any case.
    static func isContentLength(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.elementsEqual("content-length".utf8) { a, b in (a >= 0x41 && a <= 0x5A ? a | 0x20 : a) == b }
    }

    // MARK: - Back on the caller's thread

    /// The answer, or the failure, once it ended.
    func outcome() -> Result<HTTPResponse, TransportError> {
        if let f = failure { return .failure(f) }
        if let s = stopped {
            return .failure(TransportError(s.kind, s.message, requestSent: requestSize > 0))
        }
        guard code == CURLE_OK else {
            return .failure(mapError(code, sent: requestSize > 0))
        }
        let resp = HTTPResponse(status: status, headers: headers, body: body, seconds: seconds)
        body = []
        headers = []
        return .success(resp)
    }

    /// One switch from curl's codes to our kinds of network failure.
    func mapError(_ code: CURLcode, sent: Bool) -> TransportError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: soporte_easy_strerror(code))
        let host = URLParts(url).map { "\($0.host):\($0.port)" } ?? url
        // The proxy libcurl took from the environment, when its own message shows that it
        // was the proxy it failed to reach (so the message names the proxy, not the API).
        let proxy = ProxyRule.forURL(url) { getenv($0).map { String(cString: $0) } }
            .flatMap { p in code == CURLE_COULDNT_RESOLVE_PROXY || detail.contains("\(p.host) port \(p.port)") ? p : nil }
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY where proxy != nil, CURLE_COULDNT_CONNECT where proxy != nil:
            let p = proxy!  // checked by the where clauses
            let verb = code == CURLE_COULDNT_CONNECT ? "connect to" : "resolve"
            return TransportError(code == CURLE_COULDNT_CONNECT ? .connect : .dns,
                                  "cannot \(verb) the proxy \(p.address) (from \(p.variable)) on the way to \(host): \(detail)", requestSent: false)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError(.dns, "cannot resolve \(host): \(detail)", requestSent: false)
        case CURLE_COULDNT_CONNECT:
            return TransportError(.connect, "cannot connect to \(host): \(detail)", requestSent: false)
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError(.timeout, "timed out after \(timeout) s talking to \(host)", requestSent: sent)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR:
            return TransportError(.tls, "TLS with \(host) failed: \(detail)", requestSent: false)
        case CURLE_SEND_ERROR:
            return TransportError(.send, "sending to \(host) failed: \(detail)", requestSent: sent)
        case CURLE_FILESIZE_EXCEEDED:
            return TransportError(.tooLarge, "the answer from \(host) is larger than the most one answer may take", requestSent: true)
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return TransportError(.receive, "connection to \(host) broke: \(detail)", requestSent: sent)
        default:
            return TransportError(.other, "request to \(host) failed: \(detail)", requestSent: sent)
        }
    }
}
