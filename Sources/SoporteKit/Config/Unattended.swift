/// Where `read_only` was turned on (docs/CONTRACT.md §13.6), so that the refusal can say it.
public enum ReadOnlySource: Equatable, Sendable {
    case flag
    case environment
    case config(path: String, line: Int, profile: String)

    public var label: String {
        switch self {
        case .flag: return "--read-only"
        case .environment: return "SOPORTE_READ_ONLY=1 in the environment"
        case .config(let path, let line, let profile): return "read_only = true in profile '\(profile)' at \(path):\(line)"
        }
    }

    /// The one check of a `read_only` value, shared by the reader and `config set`.
    public static func parse(_ v: String) -> Bool? {
        switch v {
        case "true", "on", "yes", "1": return true
        case "false", "off", "no", "0": return false
        default: return nil
        }
    }
}

/// The systemd credentials soporte reads (docs/CONTRACT.md §13.6): `$CREDENTIALS_DIRECTORY/soporte-token`,
/// `soporte-license-key` and `soporte-signing-secret`, from `LoadCredential=` or
/// `SetCredentialEncrypted=`. systemd makes the directory readable by the service alone
/// (its ACL can show group bits), so the mode refusal of §10.1 does not apply inside it.
public struct SystemdCredentials: Equatable, Sendable {
    public static let tokenName = "soporte-token"
    public static let licenseKeyName = "soporte-license-key"
    public static let signingSecretName = "soporte-signing-secret"

    /// `$CREDENTIALS_DIRECTORY` without a trailing slash; nil when unset or not absolute.
    public var directory: String?
    /// The token credential's path, when the file exists (read when the token is needed).
    public var tokenPath: String?
    public var licenseKey: String?
    public var signingSecret: String?

    public init() {}

    /// What the credentials directory holds. A credential that is not UTF-8 or holds CR,
    /// LF or NUL is exit 3 naming it (never its value).
    public static func load(env: [String: String], fs: any FileSystem) throws -> SystemdCredentials {
        var c = SystemdCredentials()
        guard var dir = env["CREDENTIALS_DIRECTORY"], dir.hasPrefix("/") else { return c }
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        c.directory = dir
        func value(_ name: String) throws -> String? {
            let path = dir + "/" + name
            let bytes: [UInt8]?
            do { bytes = try fs.read(path, limit: 1 << 20) } catch { throw SoporteError.system(error, .config) }
            guard let bytes else { return nil }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SoporteError.config("the systemd credential \(name) is not UTF-8 text")
            }
            let v = text.trimmingWhitespace()
            if HeaderValue.problem(v) != nil { throw SoporteError.config("the systemd credential \(name) contains CR, LF or NUL") }
            return v.isEmpty ? nil : v
        }
        if fs.mode(of: dir + "/" + tokenName) != nil { c.tokenPath = dir + "/" + tokenName }
        c.licenseKey = try value(licenseKeyName)
        c.signingSecret = try value(signingSecretName)
        return c
    }

    /// True when `path` lies inside the credentials directory (decided on the words of
    /// the path: no `..` component may climb out of it).
    public func contains(_ path: String) -> Bool {
        guard let d = directory, d != "/", path.hasPrefix(d + "/") else { return false }
        return !path.split(separator: "/").contains("..")
    }
}
