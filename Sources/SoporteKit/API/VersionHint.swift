/// The hint for an API URL typed without its version (`https://api.soporteclientes.net`):
/// every route then answers 404, and the message says which URL was meant (docs/CONTRACT.md §14.7).
public enum VersionHint {
    /// The detail line for a 404 to `path` sent under `apiURL`, or nil when the URL's path
    /// already names a version (`/v1`, `/v2`...) or the path itself starts with one.
    public static func line(apiURL: String, path: String) -> String? {
        guard let u = URLParts(apiURL) else { return nil }
        func versioned(_ p: String) -> Bool {
            p.split(separator: "/").contains { seg in
                seg.count >= 2 && seg.first == "v" && seg.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
            }
        }
        guard !versioned(u.path), !(path.split(separator: "/").first.map { versioned(String($0)) } ?? false) else { return nil }
        var base = apiURL
        while base.hasSuffix("/") { base.removeLast() }
        return "the API URL \(Sanitizer.forTerminal(apiURL)) has no /v1 in its path; did you mean \(Sanitizer.forTerminal(base))/v1? (--api-url, SOPORTE_API_URL or api_url in the config)"
    }
}
