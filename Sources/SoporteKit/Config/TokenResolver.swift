/// Produces the token from the first source that is set (SPEC §4), without ever
/// printing it: a failing `token_command` is reported by its exit status only.
public enum TokenResolver {
    public static func resolve(_ s: Settings, env: [String: String]) throws -> (token: String, source: TokenSource) {
        guard let source = s.tokenSources.first else {
            throw SoporteError(.config, "no API token; give one in any of these ways:", details: [
                "--token-file PATH            a file holding the token",
                "SOPORTE_API_TOKEN=...        the token in the environment",
                "token_command = ...          in the config profile; its output is the token",
                "token = ...                  in the config profile (soporte config set token -)",
            ])
        }
        let raw: String
        switch source {
        case .tokenFile(let path):
            guard let bytes = try Posix.readFile(path) else { throw SoporteError.config("token file \(path) does not exist") }
            raw = String(decoding: bytes, as: UTF8.self)
        case .environment:
            raw = env["SOPORTE_API_TOKEN"] ?? ""
        case .command(let cmd):
            guard let r = Posix.runShell(cmd, environment: env) else {
                throw SoporteError.config("token_command could not be started")
            }
            guard r.status == 0 else {
                throw SoporteError.config("token_command failed with exit status \(r.status) (its output is not shown)")
            }
            raw = String(decoding: r.output, as: UTF8.self)
        case .configValue:
            raw = s.configToken ?? ""
        }
        let token = raw.trimmingWhitespace()
        guard !token.isEmpty else { throw SoporteError.config("the token from \(source.label) is empty") }
        guard !token.contains("\n"), token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw SoporteError.config("the token from \(source.label) contains spaces, line breaks or non-ASCII characters")
        }
        return (token, source)
    }

    /// Masks a secret for display: its last four characters only.
    public static func mask(_ secret: String) -> String {
        secret.count <= 8 ? "****" : "****" + String(secret.suffix(4))
    }
}
