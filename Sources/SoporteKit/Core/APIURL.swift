/// The API base URL, parsed once where it comes in (`--api-url`, `SOPORTE_API_URL`, the
/// profile's `api_url`, `config set api_url`): http or https, a host, a port, a path;
/// no user information (`user:pass@`), query or fragment; plain http only to a loopback
/// address, decided on the parsed host: `localhost`, `[::1]`, or exactly four decimal
/// parts 0-255 without leading zeros whose first is 127 (`127..0.0.1`, `127.0.0.1.`,
/// `127.1`, `0x7f.1` are not addresses; `0177.0.0.1` would be read as octal by others).
/// Past the boundary every user of the URL takes this type (docs/CONTRACT.md §8, §10.4, §12.2).
public struct APIURL: Sendable, Equatable, CustomStringConvertible {
    /// As given, without trailing slashes: requests are this plus their path.
    public let text: String
    public let scheme: String
    /// Lower case; an IPv6 address in brackets.
    public let host: String
    public let port: Int
    /// The URL's own path (`/v1`), "" when it has none.
    public let path: String

    /// Why a text is not an API URL. The descriptions follow the name of where the value
    /// came from (`--api-url must not hold ...`) and never show user information.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// `shown` is the text when it is safe to echo (it holds no `@`).
        case notHTTP(shown: String?)
        case userInformation
        case queryOrFragment
        case badHost
        case plainHTTP(host: String)

        public var description: String {
            switch self {
            case .notHTTP(let shown): return "is not an http(s) URL" + (shown.map { ": '\(Sanitizer.forTerminal($0))'" } ?? "")
            case .userInformation:
                return "must not hold user information (user:password@; the URL is not shown): the token goes in --token-file, SOPORTE_API_TOKEN or the config"
            case .queryOrFragment: return "must not have a query or fragment (? or #)"
            case .badHost: return "has a host that is neither a name nor an address"
            case .plainHTTP(let host):
                return "plain http:// to \(Sanitizer.forTerminal(host)) is refused: use https:// (http is allowed only for loopback hosts: localhost, 127.0.0.0/8, [::1])"
            }
        }
    }

    public init(_ given: String) throws(Problem) {
        var t = given
        while t.hasSuffix("/") { t.removeLast() }
        let u = t.utf8
        // User information is looked for before anything else, so that no later message
        // can show it.
        if let sep = u.firstRange(of: "://".utf8) {
            let rest = u[sep.upperBound...]
            let end = rest.firstIndex(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) ?? u.endIndex
            if rest[..<end].contains(UInt8(ascii: "@")) { throw .userInformation }
        }
        guard let p = URLParts(t) else { throw .notHTTP(shown: u.contains(UInt8(ascii: "@")) ? nil : t) }
        if u.contains(UInt8(ascii: "?")) || u.contains(UInt8(ascii: "#")) { throw .queryOrFragment }
        guard APIURL.isHostName(p.host) else { throw .badHost }
        if p.scheme == "http" && !APIURL.isLoopback(host: p.host) { throw .plainHTTP(host: p.host) }
        text = t
        scheme = p.scheme
        host = p.host
        port = p.port
        path = p.path
    }

    public static let production = APIURL(builtIn: Settings.productionURL)
    public static let sandbox = APIURL(builtIn: Settings.sandboxURL)

    /// The built-in URLs, which parse.
    private init(builtIn: String) {
        do { try self.init(builtIn) } catch { preconditionFailure("built-in API URL \(builtIn): \(error)") }  // programmer error
    }

    /// What `config set` and the config's reader say of a value: nil when it parses.
    public static func problem(_ text: String) -> String? {
        do { _ = try APIURL(text); return nil } catch { return error.description }
    }

    public var description: String { text }
    public var origin: String { "\(scheme)://\(host):\(port)" }
    /// The host, and the port when it is not the scheme's (for the history).
    public var hostAndPort: String { port == 443 || port == 80 ? host : "\(host):\(port)" }

    /// `text` with the user information of its authority, if any, shown as `[redacted]`
    /// (`config get` of a value that was written by hand).
    public static func hidingUserInformation(_ text: String) -> String {
        let u = text.utf8
        guard let sep = u.firstRange(of: "://".utf8) else { return text }
        let rest = u[sep.upperBound...]
        let end = rest.firstIndex(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) ?? u.endIndex
        guard let at = rest[..<end].lastIndex(of: UInt8(ascii: "@")) else { return text }
        return String(text[..<sep.upperBound]) + Secrets.mark + String(text[at...])
    }

    /// `localhost`, `[::1]`, or a dotted quad in 127.0.0.0/8 written plainly.
    static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let parts = host.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        var first = -1
        for (i, part) in parts.enumerated() {
            guard (1...3).contains(part.count), part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  part.count == 1 || part.first != 0x30 else { return false }
            let v = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard v <= 255 else { return false }
            if i == 0 { first = v }
        }
        return first == 127
    }

    /// A DNS name (letters, digits, `-`, `_`, `.`, or non-ASCII for IDN) or an IPv6
    /// address in brackets: no `\`, `%`, `@` or other byte a URL parser might read as
    /// something else.
    static func isHostName(_ host: String) -> Bool {
        let u = host.utf8
        if u.first == UInt8(ascii: "[") {
            return u.count > 2 && u.last == UInt8(ascii: "]")
                && u.dropFirst().dropLast().allSatisfy { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") || isHexDigit($0) }
        }
        return u.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E || b == 0x5F || b >= 0x80
        }
    }

    static func isHexDigit(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46) }
}
