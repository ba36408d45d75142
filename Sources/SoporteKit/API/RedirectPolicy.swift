/// Redirect decisions (docs/CONTRACT.md §8): followed only within the API's origin, so that the
/// token never leaves it; at most `maxHops`; a 303 turns the request into a GET; a
/// change (POST, PATCH, DELETE) is never redirected.
/// A pure value: `decide` takes what the answer said and returns what to do.
public struct RedirectPolicy: Sendable, Equatable {
    public let origin: String
    public let maxHops: Int
    public private(set) var hops = 0

    public init(origin: String, maxHops: Int = 5) {
        self.origin = origin
        self.maxHops = maxHops
    }

    public enum Decision: Equatable, Sendable {
        /// Not a redirect: the answer is the answer.
        case none
        case follow(url: String, method: String, dropBody: Bool)
        case refuseOtherOrigin(location: String)
        /// A change (POST, PATCH, DELETE) answered with a redirect: it is not sent again
        /// elsewhere, and it was not done where it was sent.
        case refuseChange(location: String)
        case tooMany
    }

    /// Methods whose redirect is not followed (docs/BOUNDARIES.md, "Redirects").
    static let notFollowed: Set<String> = ["POST", "PATCH", "DELETE"]

    public mutating func decide(status: Int, location: String?, currentURL: String, method: String) -> Decision {
        guard [301, 302, 303, 307, 308].contains(status), let loc = location, !loc.isEmpty else { return .none }
        if RedirectPolicy.notFollowed.contains(method) { return .refuseChange(location: loc) }
        guard let target = RedirectPolicy.resolve(loc, against: currentURL), let tp = URLParts(target), tp.origin == origin else {
            return .refuseOtherOrigin(location: loc)
        }
        hops += 1
        guard hops <= maxHops else { return .tooMany }
        // Only a 303 changes the method: an API call redirected with 302 keeps its verb.
        let toGet = status == 303 && method != "HEAD"
        return .follow(url: target, method: toGet ? "GET" : method, dropBody: toGet)
    }

    /// An absolute URL for a Location value: absolute as given, or a path on the same
    /// scheme, host and port; nil for anything else.
    public static func resolve(_ location: String, against url: String) -> String? {
        if location.contains("://") { return location }
        guard location.hasPrefix("/"), !location.hasPrefix("//"), let p = URLParts(url) else { return nil }
        let defaultPort = (p.scheme == "https" && p.port == 443) || (p.scheme == "http" && p.port == 80)
        return "\(p.scheme)://\(defaultPort ? p.host : "\(p.host):\(p.port)")\(location)"
    }
}
