import SoporteSystem

/// Produces the token from the first source that is set (docs/CONTRACT.md §4), without ever
/// printing it: `token_command`'s output is the token and is never shown; the command is
/// bounded by `--timeout`; a token file others can read is refused (docs/CONTRACT.md §10.1).
public struct TokenResolver {
    public let fs: any FileSystem
    public let runner: any ProcessRunner
    public let env: [String: String]

    public init(fs: any FileSystem, runner: any ProcessRunner, env: [String: String]) {
        self.fs = fs
        self.runner = runner
        self.env = env
    }

    /// Exit 3 with the ways to give a token, naming the profile in use, where its
    /// name came from, and whether the config file has a section for it (docs/CONTRACT.md §14.4).
    public static func noToken(_ s: Settings) -> SoporteError {
        let section = !s.configExists ? "there is no config file \(s.configPath)"
            : s.profileHasSection ? "\(s.configPath) has a [\(s.profile)] section, without token or token_command"
            : "\(s.configPath) has no [\(s.profile)] section"
        return SoporteError(.config, "no API token for profile '\(s.profile)' (from \(s.profileSource.label(s.configPath))); \(section). Give one in any of these ways:", details: [
            "--token-file PATH            a file holding the token",
            "soporte-token                a systemd credential (LoadCredential=soporte-token:FILE)",
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
            let file = try SecretFile.read(path, flag: "--token-file", fs: fs, status: .config)
            if !s.credentials.contains(path), file.mode & 0o077 != 0 {
                throw TokenResolver.readableByOthers(path, mode: file.mode, what: "is a token file")
            }
            guard let text = String(validating: file.bytes, as: UTF8.self) else {
                throw SoporteError.config("--token-file: not UTF-8 text")
            }
            raw = text
        case .credential(let path):
            // No mode check: systemd makes the credentials readable by the service alone.
            let bytes: [UInt8]?
            do { bytes = try fs.read(path, limit: 1 << 20) } catch { throw SoporteError.system(error, .config) }
            guard let bytes, let text = String(validating: bytes, as: UTF8.self) else {
                throw SoporteError.config("the systemd credential \(SystemdCredentials.tokenName) is missing or not UTF-8 text")
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
        // A --token-file's path is not named: it may be a mistyped token (docs/CONTRACT.md §12.2).
        let from: String
        if case .tokenFile = source { from = "--token-file" } else { from = source.label }
        guard !token.isEmpty else { throw SoporteError.config("the token from \(from) is empty") }
        if HeaderValue.problem(token) != nil {
            throw SoporteError.config("the token from \(from) contains CR, LF or NUL, which cannot go into a header")
        }
        return (token, source)
    }

    /// The refusal of docs/CONTRACT.md §4/§10.1 for a secret-holding file that group or others can read.
    public static func readableByOthers(_ path: String, mode: UInt32, what: String) -> SoporteError {
        SoporteError(.config, "\(path) \(what) and can be read by others (mode \(String(mode, radix: 8))); fix it with: chmod 600 \(path)")
    }

    /// Masks a secret for display: its last four characters only.
    public static func mask(_ secret: String) -> String {
        secret.count <= 8 ? "****" : "****" + String(secret.suffix(4))
    }
}

/// A file named by a flag to hold a secret (`--token-file`, `--password-file`), read
/// once as a regular file (docs/CONTRACT.md §12.2). Its errors name the flag, never the path: what was
/// given there may be a mistyped secret. (The chmod advice for a file others can read
/// names it: that file exists.)
enum SecretFile {
    static func read(_ path: String, flag: String, fs: any FileSystem, status: ExitStatus) throws -> RegularFile {
        let file: RegularFile?
        do { file = try fs.readRegular(path, limit: 1 << 20) } catch { throw SoporteError(status, "\(flag): \(error.reason)") }
        guard let file else { throw SoporteError(status, "\(flag): no such file") }
        return file
    }
}
