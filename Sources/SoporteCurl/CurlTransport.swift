#if canImport(Glibc)
import Glibc
#endif
import CCurl
import CCurlShim
import SoporteKit

/// `HTTPTransport` over libcurl easy handles. Handles are pooled and reused, so
/// sequential and concurrent requests keep their connections alive. Thread-safe.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    /// Bodies larger than this are refused (a hostile or broken server).
    public static let maxBody = 256 << 20

    /// nil when libcurl loaded; otherwise why it did not.
    private static let loadError: String? = {
        var buf = [CChar](repeating: 0, count: 256)
        guard soporte_curl_load(&buf, buf.count) != 0 else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    private var lock = pthread_mutex_t()
    private var idle: [EasyHandle] = []

    public init() {
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    public func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        if let why = CurlTransport.loadError {
            return .failure(TransportError(.other, why, requestSent: false))
        }
        pthread_mutex_lock(&lock)
        let handle = idle.popLast()
        pthread_mutex_unlock(&lock)
        guard let h = handle ?? EasyHandle() else {
            return .failure(TransportError(.other, "libcurl could not be initialised", requestSent: false))
        }
        let result = h.perform(request)
        pthread_mutex_lock(&lock)
        idle.append(h)
        pthread_mutex_unlock(&lock)
        return result
    }
}

/// One curl easy handle and the buffers its callbacks fill. Callbacks capture nothing
/// and find this object through WRITEDATA/HEADERDATA.
final class EasyHandle {
    let curl: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    var body: [UInt8] = []
    var headers: [(String, String)] = []
    var tooLarge = false

    init?() {
        guard let c = soporte_easy_init() else { return nil }
        curl = c
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        soporte_easy_cleanup(curl)
        errorBuffer.deallocate()
    }

    func perform(_ r: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        soporte_easy_reset(curl)  // keeps live connections, DNS and TLS session caches
        body = []
        headers = []
        tooLarge = false
        errorBuffer[0] = 0
        let me = Unmanaged.passUnretained(self).toOpaque()

        var slist: UnsafeMutablePointer<curl_slist>? = nil
        for (k, v) in r.headers { slist = soporte_slist_append(slist, "\(k): \(v)") }
        // libcurl adds "Expect: 100-continue" to large bodies; the API does not need it.
        slist = soporte_slist_append(slist, "Expect:")
        defer { soporte_slist_free_all(slist) }

        soporte_setopt_string(curl, CURLOPT_URL, r.url)
        soporte_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        soporte_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https")
        soporte_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0)
        soporte_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 1)
        soporte_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = r.caBundle {
            // Added trust: the bundle plus the system store.
            soporte_setopt_string(curl, CURLOPT_CAINFO, ca)
            soporte_setopt_string(curl, CURLOPT_CAPATH, "/etc/ssl/certs")
        }
        soporte_setopt_long(curl, CURLOPT_TIMEOUT_MS, Int(r.timeout * 1000))
        soporte_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(r.connectTimeout * 1000))
        soporte_setopt_string(curl, CURLOPT_ACCEPT_ENCODING, "gzip")
        soporte_setopt_slist(curl, CURLOPT_HTTPHEADER, slist)
        soporte_setopt_long(curl, CURLOPT_TCP_KEEPALIVE, 1)
        soporte_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer)

        switch r.method {
        case "GET": soporte_setopt_long(curl, CURLOPT_HTTPGET, 1)
        case "HEAD": soporte_setopt_long(curl, CURLOPT_NOBODY, 1)
        default: soporte_setopt_string(curl, CURLOPT_CUSTOMREQUEST, r.method)
        }
        if let b = r.body {
            soporte_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(b.count))
            b.withUnsafeBufferPointer { p in
                _ = soporte_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: p.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            }
        } else if r.method != "GET" && r.method != "HEAD" && r.method != "DELETE" {
            soporte_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, 0)
            soporte_setopt_string(curl, CURLOPT_COPYPOSTFIELDS, "")
        }

        // The callbacks' user data is WRITEDATA/HEADERDATA, set to `me` below: never nil.
        soporte_setopt_data_cb(curl, CURLOPT_WRITEFUNCTION) { ptr, size, n, ud in
            let h = Unmanaged<EasyHandle>.fromOpaque(ud!).takeUnretainedValue()
            let count = size * n
            if h.body.count + count > CurlTransport.maxBody { h.tooLarge = true; return 0 }
            if let p = ptr { p.withMemoryRebound(to: UInt8.self, capacity: count) { h.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) } }
            return count
        }
        soporte_setopt_pointer(curl, CURLOPT_WRITEDATA, me)
        soporte_setopt_data_cb(curl, CURLOPT_HEADERFUNCTION) { ptr, size, n, ud in
            let h = Unmanaged<EasyHandle>.fromOpaque(ud!).takeUnretainedValue()
            let count = size * n
            guard let p = ptr else { return count }
            let line = p.withMemoryRebound(to: UInt8.self, capacity: count) { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
            if line.hasPrefix("HTTP/") { h.headers = []; return count }
            if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                var value = Substring(line[line.index(after: colon)...])
                while let f = value.first, f == " " || f == "\t" { value = value.dropFirst() }
                while let l = value.last, l.isWhitespace { value = value.dropLast() }
                h.headers.append((name, String(value)))
            }
            return count
        }
        soporte_setopt_pointer(curl, CURLOPT_HEADERDATA, me)

        let code = soporte_easy_perform(curl)
        var status = 0
        soporte_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        var requestSize = 0
        soporte_getinfo_long(curl, CURLINFO_REQUEST_SIZE, &requestSize)
        var seconds = 0.0
        soporte_getinfo_double(curl, CURLINFO_TOTAL_TIME, &seconds)

        guard code == CURLE_OK else {
            return .failure(mapError(code, url: r.url, timeout: r.timeout, sent: requestSize > 0))
        }
        let resp = HTTPResponse(status: status, headers: headers, body: body, seconds: seconds)
        body = []
        headers = []
        return .success(resp)
    }

    /// One switch from curl's codes to our kinds of network failure.
    func mapError(_ code: CURLcode, url: String, timeout: Double, sent: Bool) -> TransportError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: soporte_easy_strerror(code))
        let host = URLParts(url).map { "\($0.host):\($0.port)" } ?? url
        switch code {
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
        case CURLE_WRITE_ERROR where tooLarge:
            return TransportError(.tooLarge, "the answer from \(host) is larger than \(CurlTransport.maxBody >> 20) MiB", requestSent: true)
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING:
            return TransportError(.receive, "connection to \(host) broke: \(detail)", requestSent: sent)
        case CURLE_ABORTED_BY_CALLBACK:
            return TransportError(.interrupted, "interrupted", requestSent: sent)
        default:
            return TransportError(.other, "request to \(host) failed: \(detail)", requestSent: sent)
        }
    }
}
