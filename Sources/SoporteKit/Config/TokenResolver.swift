import SoporteSystem

/// Produces the token from the first source that is set (SPEC §4), without ever
/// printing it: `token_command`'s output is the token and is never shown; the command is
/// bounded by `--timeout`; a token file others can read is refused (SPEC §10.1).
public struct TokenResolver {
    public let fs: any FileSystem
    public let runner: any ProcessRunner
    public let env: [String: String]

    public init(fs: any FileSystem, runner: any ProcessRunner, env: [String: String]) {
        self.fs = fs
        self.runner = runner
        self.env = env
    }

    /// Exit 3 with the four ways to give a token, naming the profile in use, where its
    /// name came from, and whether the config file has a section for it (SPEC §14.4).
    public static func noToken(_ s: Settings) -> SoporteError {
        let section = !s.configExists ? "there is no config file \(s.configPath)"
            : s.profileHasSection ? "\(s.configPath) has a [\(s.profile)] section, without token or token_command"
            : "\(s.configPath) has no [\(s.profile)] section"
        return SoporteError(.config, "no API token for profile '\(s.profile)' (from \(s.profileSource.label(s.configPath))); \(section). Give one in any of these ways:", details: [
            "--token-file PATH            a file holding the token",
            "SOPORTE_API_TOKEN=...        the token in the environment",
            "token_command = ...          in the config profile; its output is the token",
            "token = ...                  in the config profile (soporte --profile \(s.profile) config set token -)",
        ])
    }

    public func resolve(_ s: Settings) throws -> (token: String, source: TokenSource) {
        guard let source = s.tokenSources.first else { throw TokenResolver.noToken(s) }
        let raw: String
        switch source {
        case .tokenFile(let path):
            let bytes: [UInt8]?
            do { bytes = try fs.read(path, limit: 1 << 20) } catch { throw SoporteError.system(error, .config) }
            guard let bytes else { throw SoporteError.config("token file \(path) does not exist") }
            if let mode = fs.mode(of: path), mode & 0o077 != 0 {
                throw TokenResolver.readableByOthers(path, mode: mode, what: "is a token file")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SoporteError.config("token file \(path) is not UTF-8 text")
            }
            raw = text
        case .environment:
            raw = env["SOPORTE_API_TOKEN"] ?? ""
        case .command(let cmd):
            switch runner.run(cmd, environment: env, timeout: s.timeout) {
            case .exited(0, let output):
                guard let text = String(validating: output, as: UTF8.self) else {
                    throw SoporteError.config("token_command printed bytes that are not UTF-8 (its output is not shown)")
                }
                raw = text
            case .exited(let status, _):
                throw SoporteError.config("token_command failed with exit status \(status) (its output is not shown)")
            case .timedOut:
                throw SoporteError.config("token_command timed out after \(NumberRange.format(s.timeout)) s (raise --timeout if it needs longer)")
            case .couldNotStart(let why):
                throw SoporteError.config("token_command could not be started: \(why)")
            case .tooMuchOutput:
                throw SoporteError.config("token_command printed more than 1 MiB (its output is not shown)")
            }
        case .configValue:
            raw = s.configToken ?? ""
        }
        let token = raw.trimmingWhitespace()
        guard !token.isEmpty else { throw SoporteError.config("the token from \(source.label) is empty") }
        if HeaderValue.problem(token) != nil {
            throw SoporteError.config("the token from \(source.label) contains CR, LF or NUL, which cannot go into a header")
        }
        return (token, source)
    }

    /// The refusal of SPEC §4/§10.1 for a secret-holding file that group or others can read.
    public static func readableByOthers(_ path: String, mode: UInt32, what: String) -> SoporteError {
        SoporteError(.config, "\(path) \(what) and can be read by others (mode \(String(mode, radix: 8))); fix it with: chmod 600 \(path)")
    }

    /// Masks a secret for display: its last four characters only.
    public static func mask(_ secret: String) -> String {
        secret.count <= 8 ? "****" : "****" + String(secret.suffix(4))
    }
}
