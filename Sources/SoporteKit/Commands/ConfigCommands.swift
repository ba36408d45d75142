/// `config list|get|set|path`.
enum ConfigCommands {
    static let secretKeys: Set<String> = ["token", "signing_secret", "license_key"]

    static func run(_ inv: Invocation, verb: String) throws {
        let path = inv.settings.configPath
        let profile = inv.settings.profile
        switch verb {
        case "path":
            try inv.io.out(path + "\n")
        case "list":
            for e in inv.configFile?.sections[profile] ?? [] {
                try inv.io.out("\(e.key) = \(shown(e.key, e.value))\n")
            }
        case "get":
            let key = try checkKey(inv.args[0])
            guard let v = inv.configFile?.value(key, in: profile) else {
                throw SoporteError(.config, "\(key) is not set in profile '\(profile)' of \(path)")
            }
            try inv.io.out(shown(key, v) + "\n")
        case "set":
            let key = try checkKey(inv.args[0])
            var value = inv.args[1]
            if value == "-" {
                value = String(decoding: try inv.ctx.readStdin(), as: UTF8.self)
                while let l = value.last, l.isNewline { value.removeLast() }
            }
            guard !value.contains(where: \.isNewline) else { throw SoporteError.usage("a config value must be a single line") }
            let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            if !dir.isEmpty { try Posix.makeDirectories(dir, mode: 0o700) }
            let old = try Posix.readFile(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let text = INIFile.setting(key, to: value, in: profile, text: old)
            _ = try INIFile.parse(text, path: path)  // never write a file we could not read back
            try Posix.writeAtomically(path, Array(text.utf8), mode: 0o600)
            if !inv.settings.quiet { inv.io.err("soporte: set \(key) in profile '\(profile)' of \(path)") }
        default:
            throw SoporteError.usage("unknown config command '\(verb)'")
        }
    }

    static func shown(_ key: String, _ value: String) -> String {
        secretKeys.contains(key) ? TokenResolver.mask(value) : value
    }

    static func checkKey(_ k: String) throws -> String {
        guard Settings.knownKeys.contains(k) else {
            let hint = Suggest.closest(to: k, in: CommandTable.configKeys).map { "; did you mean '\($0)'?" } ?? ""
            throw SoporteError.usage("unknown config key '\(k)'\(hint)")
        }
        return k
    }
}
