import SoporteJSON
import SoporteSystem

/// `config list|get|set|unset|profiles|path` (docs/CONTRACT.md §10.4). They read the file leniently,
/// so that a bad value never locks the user out of repairing it; `set` checks a value
/// exactly as a reader would, takes a lock, and writes through a symlink atomically.
enum ConfigCommands {
    static let keyArgument = ArgumentSpec("KEY", help: "Setting name.", completion: .choices(ConfigKey.names))

    static let spec = CommandSpec(
        "config", summary: "Read and write the config file.",
        details: "Keys: " + ConfigKey.all.map { "\($0.name) (\($0.help))" }.joined(separator: ", ") + ".",
        subcommands: [
            CommandSpec("list", summary: "Show the profile's settings (secrets masked).", examples: ["soporte config list --profile sandbox"],
                        handler: Handler.of(ConfigList.self)),
            CommandSpec("get", summary: "Print one setting (its default when it is not set).", arguments: [keyArgument],
                        examples: ["soporte config get api_url"], handler: Handler.of(ConfigGet.self)),
            CommandSpec("set", summary: "Write one setting, checked as a reader would (VALUE '-' reads stdin).",
                        details: "--profile NAME creates the profile's section when it is missing.",
                        arguments: [keyArgument, ArgumentSpec("VALUE", help: "New value, or - to read it from stdin.")],
                        examples: ["soporte config set api_url https://api.soporteclientes.net/v1", "pass show soporte | soporte config set token -",
                                   "soporte --profile staging config set output json"],
                        handler: Handler.of(ConfigSet.self)),
            CommandSpec("unset", summary: "Remove a setting from the profile.", arguments: [keyArgument],
                        examples: ["soporte config unset color"], handler: Handler.of(ConfigUnset.self)),
            CommandSpec("use", summary: "Make NAME the profile used when neither --profile nor SOPORTE_PROFILE names one.",
                        details: "Writes 'default_profile = NAME' at the top of the config file (before the first section), atomically, keeping every other line. 'soporte config use default' removes it. Precedence: --profile, then SOPORTE_PROFILE, then this, then 'default'.",
                        arguments: [ArgumentSpec("NAME", help: "A profile that has a section in the config file.", completion: .profiles)],
                        examples: ["soporte --profile sandbox config set api_url https://api-sandbox.soporteclientes.net/v1 && soporte config use sandbox"], handler: Handler.of(ConfigUse.self)),
            CommandSpec("profiles", summary: "List the profiles, marking the one in use.", examples: ["soporte config profiles"],
                        handler: Handler.of(ConfigProfiles.self)),
            CommandSpec("path", summary: "Print the config file's path.", examples: ["soporte config path"],
                        handler: Handler.of(ConfigPath.self)),
        ])

    static func checkKey(_ k: String) throws -> ConfigKey {
        if k == INIFile.defaultProfileKey {
            throw SoporteError.usage("\(k) is not a profile's setting: set it with 'soporte config use NAME'")
        }
        guard let key = ConfigKey.named(k) else {
            let hint = Suggest.closest(to: k, in: ConfigKey.names).map { "; did you mean '\($0)'?" } ?? ""
            throw SoporteError.usage("unknown config key '\(Sanitizer.forTerminal(k))'\(hint)")
        }
        return key
    }

    static func shown(_ key: String, _ value: String) -> String {
        if ConfigKey.named(key)?.isSecret == true { return TokenResolver.mask(value) }
        return Sanitizer.forTerminal(key == "api_url" ? APIURL.hidingUserInformation(value) : value)
    }

    static func list(_ inv: Invocation) throws {
        let entries = inv.configFile?.sections[inv.settings.profile.name] ?? []
        for e in entries { try inv.io.out("\(e.key) = \(shown(e.key, e.value))\n") }
        if entries.isEmpty { inv.io.note("EMPTY", "nothing is set in profile '\(inv.settings.profile)' of \(inv.settings.configPath)") }
    }

    static func get(_ inv: Invocation) throws {
        let key = try checkKey(inv.args[0])
        if let v = inv.configFile?.value(key.name, in: inv.settings.profile.name) {
            try inv.io.out(shown(key.name, v) + "\n")
        } else if let d = key.defaultText {
            try inv.io.out(d + "\n")
            inv.io.note("DEFAULT", "\(key.name) is not set in profile '\(inv.settings.profile)'; \(d) is the default")
        } else {
            throw SoporteError(.config, "\(key.name) is not set in profile '\(inv.settings.profile)' of \(inv.settings.configPath)")
        }
    }

    static func set(_ inv: Invocation) throws {
        let key = try checkKey(inv.args[0])
        var value = inv.args[1]
        if value == "-" {
            guard let text = String(validating: try inv.ctx.readStdin(), as: UTF8.self) else { throw SoporteError.usage("the value on stdin is not valid UTF-8") }
            value = text
            while let l = value.last, l.isNewline { value.removeLast() }
        }
        value = value.trimmingWhitespace()
        if let why = key.problemWriting(value) { throw SoporteError.usage("\(key.name) \(why)") }
        if key.isSecret { inv.io.secrets.add(value, placeholder: Secrets.mark) }
        try edit(inv) { INIFile.setting(key.name, to: value, in: inv.settings.profile, text: $0) }
        inv.io.note("SET", "set \(key.name) in profile '\(inv.settings.profile)' of \(inv.settings.configPath)")
    }

    static func unset(_ inv: Invocation) throws {
        let key = try checkKey(inv.args[0])
        guard inv.configFile?.value(key.name, in: inv.settings.profile.name) != nil else {
            inv.io.note("NOT_SET", "\(key.name) was not set in profile '\(inv.settings.profile)'")
            return
        }
        try edit(inv) { INIFile.removing(key.name, in: inv.settings.profile, text: $0) }
        inv.io.note("UNSET", "removed \(key.name) from profile '\(inv.settings.profile)' of \(inv.settings.configPath)")
    }

    static func use(_ inv: Invocation) throws {
        let text = inv.args[0]
        guard let name = ProfileName(text) else { throw SoporteError.usage(ProfileName.problem(text, source: "NAME")) }
        let known = [ProfileName.standard.name] + (inv.configFile?.sectionOrder ?? []).filter { $0 != ProfileName.standard.name }
        guard known.contains(name.name) else {
            let hint = Suggest.closest(to: name.name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            throw SoporteError.usage("profile '\(name)' not found in \(inv.settings.configPath)\(hint) (create it with: soporte --profile \(name) config set KEY VALUE)")
        }
        if name == .standard {
            try edit(inv) { INIFile.removing(INIFile.defaultProfileKey, in: .standard, text: $0) }
        } else {
            try edit(inv) { INIFile.settingDefaultProfile(name, text: $0) }
        }
        inv.io.note("USE", "profile '\(name)' is now the default in \(inv.settings.configPath) (--profile and SOPORTE_PROFILE still come first)")
    }

    static func profiles(_ inv: Invocation) throws {
        var names = inv.configFile?.sectionOrder ?? []
        if !names.contains("default") { names.insert("default", at: 0) }
        if !names.contains(inv.settings.profile.name) { names.append(inv.settings.profile.name) }
        for n in names {
            let mark = n == inv.settings.profile.name ? "* " : "  "
            let missing = n != "default" && inv.configFile?.sections[n] == nil ? " (no section yet)" : ""
            try inv.io.out(mark + Sanitizer.forTerminal(n) + missing + "\n")
        }
    }

    /// Read-modify-write under a lock: concurrent runs lose no update. The file and its
    /// folder are created 0600/0700; a symlink is written at its target and stays a link;
    /// a text we could not read back is never written.
    static func edit(_ inv: Invocation, change: (String) -> String) throws {
        let path = inv.settings.configPath
        let fs = inv.ctx.fs
        let target = Files.resolvingLinks(path)
        let dir = Files.folder(of: target)
        do {
            if !dir.isEmpty { try fs.makeDirectories(dir, mode: 0o700) }
            let lock = try fs.lock((dir.isEmpty ? "" : dir + "/") + "." + Files.baseName(target) + ".lock", wait: true)
            defer { withExtendedLifetime(lock) {} }
            guard let old = String(validating: try fs.read(target, limit: 1 << 20) ?? [], as: UTF8.self) else {
                throw SoporteError.config("\(path): not UTF-8 text")
            }
            let text = change(old)
            _ = try INIFile.parse(text, path: path)
            try fs.writeAtomically(target, Array(text.utf8), mode: 0o600)
        } catch let e as SystemError {
            throw SoporteError.system(e, .config)
        }
    }
}

// MARK: - The leaves: each a command type (its path, what it needs loaded, its run)

/// A config leaf: reads the file leniently (docs/CONTRACT.md §10.4) and takes no options
/// of its own; `body` is what it does.
protocol ConfigLeaf: Command where Options == NoOptions {
    static func body(_ inv: Invocation) throws
}

extension ConfigLeaf {
    static var needs: Handler.Needs { .configFile }
    static func run(_ o: NoOptions, _ inv: Invocation) throws { try body(inv) }
}

enum ConfigList: ConfigLeaf {
    static let name = "config list"
    static func body(_ inv: Invocation) throws { try ConfigCommands.list(inv) }
}

enum ConfigGet: ConfigLeaf {
    static let name = "config get"
    static func body(_ inv: Invocation) throws { try ConfigCommands.get(inv) }
}

enum ConfigSet: ConfigLeaf {
    static let name = "config set"
    static func body(_ inv: Invocation) throws { try ConfigCommands.set(inv) }
}

enum ConfigUnset: ConfigLeaf {
    static let name = "config unset"
    static func body(_ inv: Invocation) throws { try ConfigCommands.unset(inv) }
}

enum ConfigUse: ConfigLeaf {
    static let name = "config use"
    static func body(_ inv: Invocation) throws { try ConfigCommands.use(inv) }
}

enum ConfigProfiles: ConfigLeaf {
    static let name = "config profiles"
    static func body(_ inv: Invocation) throws { try ConfigCommands.profiles(inv) }
}

/// The path needs no file read at all.
enum ConfigPath: Command {
    static let name = "config path"
    static let needs = Handler.Needs.nothing
    static func run(_ o: NoOptions, _ inv: Invocation) throws { try inv.io.out(inv.settings.configPath + "\n") }
}
