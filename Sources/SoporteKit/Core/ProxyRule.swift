/// Which proxy libcurl takes from the environment for a URL, so that a failure to reach
/// it is reported as the proxy's and not the API's (docs/CONTRACT.md §14.7). The rules are libcurl's
/// (7.88, `detect_proxy`): `no_proxy`/`NO_PROXY` first (`*`, or host names that match
/// whole or as a domain suffix); then for http only `http_proxy` (never the upper-case
/// one, as CGI sets `HTTP_PROXY` from a request header), for https `https_proxy` then
/// `HTTPS_PROXY`; then `all_proxy`, `ALL_PROXY`.
public struct ProxyRule: Equatable, Sendable {
    /// `host:port`, never the proxy's user information.
    public let address: String
    public let host: String
    public let port: Int
    /// The environment variable it came from.
    public let variable: String

    /// The proxy for `url`, or nil when none applies.
    public static func forURL(_ url: String, env: (String) -> String?) -> ProxyRule? {
        guard let u = URLParts(url) else { return nil }
        if let np = env("no_proxy") ?? env("NO_PROXY"), bypasses(host: u.host, noProxy: np) { return nil }
        let names = u.scheme == "http" ? ["http_proxy"] : ["\(u.scheme)_proxy", "\(u.scheme.uppercased())_PROXY"]
        for name in names + ["all_proxy", "ALL_PROXY"] {
            if let v = env(name), !v.isEmpty, let p = parse(v, variable: name) { return p }
        }
        return nil
    }

    static func bypasses(host: String, noProxy: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(inBrackets: true)
        for raw in noProxy.split(separator: ",") {
            var e = raw.trimmingWhitespace().lowercased()
            if e == "*" { return true }
            while e.hasPrefix(".") { e.removeFirst() }
            if e.isEmpty { continue }
            e = e.trimmingCharacters(inBrackets: true)
            if h == e || h.hasSuffix("." + e) { return true }
        }
        return false
    }

    /// `http://user:pw@proxy:3128/`, `proxy:3128`, `[::1]:8080`: the host and port
    /// (1080 when none is given, as libcurl does), without the user information.
    static func parse(_ text: String, variable: String) -> ProxyRule? {
        var s = Substring(text.trimmingWhitespace())
        if let colon = s.firstIndex(of: ":"), s[colon...].hasPrefix("://") { s = s[s.index(colon, offsetBy: 3)...] }
        if let slash = s.firstIndex(of: "/") { s = s[..<slash] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        var host = s
        var port = 1080
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            host = s[s.index(after: s.startIndex)..<close]
            let rest = s[s.index(after: close)...]
            if rest.hasPrefix(":") { guard let p = Int(rest.dropFirst()), (1...65535).contains(p) else { return nil }; port = p }
        } else if let colon = s.lastIndex(of: ":") {
            host = s[..<colon]
            guard let p = Int(s[s.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        }
        guard !host.isEmpty else { return nil }
        let shownHost = host.contains(":") ? "[\(host)]" : String(host)
        return ProxyRule(address: "\(shownHost):\(port)", host: String(host), port: port, variable: variable)
    }
}

extension String {
    fileprivate func trimmingCharacters(inBrackets: Bool) -> String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
