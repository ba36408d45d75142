/// A config profile's name: 1 to 64 of `A-Z a-z 0-9 - _ .` (docs/BOUNDARIES.md,
/// "Profile names"). Only such a name is ever written into the config file as a section
/// header, so no name can close the header early or start a line of its own.
public struct ProfileName: Hashable, Sendable, CustomStringConvertible {
    public let name: String

    public static let standard = ProfileName(checked: "default")
    public static let maxLength = 64

    private init(checked: String) { name = checked }

    /// nil when `text` is not a profile name.
    public init?(_ text: String) {
        let u = text.utf8
        guard (1...ProfileName.maxLength).contains(u.count),
              u.allSatisfy({ ASCII.isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E })
        else { return nil }
        name = text
    }

    public var description: String { name }

    /// Why `text`, given through `source` (`--profile`, `SOPORTE_PROFILE`), is not a name.
    static func problem(_ text: String, source: String) -> String {
        "\(source) must be 1 to \(maxLength) of the characters A-Z a-z 0-9 - _ . , not '\(Sanitizer.forTerminal(String(text.prefix(80))))'"
    }

    /// The profile named by `SOPORTE_PROFILE`: a bad value is exit 3 (a bad `--profile`
    /// is exit 2, from the option's decoder), before any file is read or written.
    static func chosen(env: [String: String]) throws -> ProfileName? {
        guard let e = env["SOPORTE_PROFILE"], !e.isEmpty else { return nil }
        guard let p = ProfileName(e) else { throw SoporteError.config(problem(e, source: "SOPORTE_PROFILE")) }
        return p
    }
}
