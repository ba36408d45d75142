import SoporteJSON

/// The top of the program: parse, load config, dispatch, and turn every error into its
/// message and exit status (SPEC §7). Nothing else decides exits.
public enum Runner {
    public static func run(_ argv: [String], ctx: Context) -> Int32 {
        var jsonErrors = false
        do {
            let parsed: ParsedCommand
            do {
                parsed = try ArgumentParser().parse(argv)
            } catch let u as UsageError {
                throw SoporteError(.usage, u.message, helpPath: u.helpPath)
            }
            jsonErrors = parsed.options.last("output") == "json"
            if parsed.wantsHelp {
                try ctx.io.out(HelpRenderer.render(path: parsed.path, spec: parsed.spec))
                try ctx.io.flush()
                return 0
            }
            switch parsed.path.first {
            case "version":
                try ctx.io.out("soporte \(Version.current)\n")
                try ctx.io.flush()
                return 0
            case "help":
                try ctx.io.out(ManPage.render())
                try ctx.io.flush()
                return 0
            case "completion":
                try Completion.run(parsed, io: ctx.io)
                return 0
            default: break
            }
            let inv = try load(parsed, ctx: ctx)
            jsonErrors = inv.settings.output == .json
            try dispatch(inv)
            try ctx.io.flush()
            return 0
        } catch let e as SoporteError {
            if e.status == .brokenPipe { return ExitStatus.brokenPipe.rawValue }
            ctx.io.clearProgress()
            try? ctx.io.flush()
            report(e, ctx: ctx, json: jsonErrors)
            return e.status.rawValue
        } catch {
            ctx.io.err("soporte: unexpected error: \(error)")
            return ExitStatus.unexpected.rawValue
        }
    }

    static func report(_ e: SoporteError, ctx: Context, json: Bool) {
        if json {
            ctx.io.err(JSONWriter.compact(e.jsonEnvelope))
        }
        ctx.io.err(e.rendered)
        if e.status == .usage, let p = e.helpPath {
            ctx.io.err("Run '" + (["soporte"] + p).joined(separator: " ") + " --help' for usage.")
        }
    }

    /// Reads the config file (if any), checks its mode, and resolves the settings.
    static func load(_ parsed: ParsedCommand, ctx: Context) throws -> Invocation {
        let path = Settings.configPath(options: parsed.options, env: ctx.env)
        var file: INIFile?
        if let bytes = try Posix.readFile(path) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SoporteError.config("\(path): not UTF-8 text")
            }
            let f = try INIFile.parse(text, path: path)
            if Settings.holdsSecrets(f), let mode = Posix.mode(of: path), mode & 0o077 != 0 {
                throw SoporteError(.config, "\(path) holds a token or signing secret and can be read by others (mode \(String(mode, radix: 8))); fix it with: chmod 600 \(path)")
            }
            file = f
        }
        let settings = try Settings.resolve(options: parsed.options, env: ctx.env, file: file, configPath: path)
        if !settings.quiet { for w in settings.warnings { ctx.io.err("soporte: warning: \(w)") } }
        ctx.io.colorEnabled = IOStreams.wantsColor(mode: settings.color, env: ctx.env, stdoutIsTTY: ctx.io.stdoutIsTTY)
        return Invocation(parsed: parsed, settings: settings, ctx: ctx, configFile: file)
    }

    static func dispatch(_ inv: Invocation) throws {
        let p = inv.parsed.path
        let verb = p.count > 1 ? p[1] : ""
        switch (Resource.named(p.first ?? ""), verb) {
        case (let r?, "list"): return try ResourceCommands.list(inv, r)
        case (let r?, "get"): return try ResourceCommands.get(inv, r)
        default: break
        }
        switch (p.first ?? "", verb) {
        case ("health", _): try Health.run(inv)
        case ("accounts", "create"): try AccountCommands.create(inv)
        case ("accounts", "update"): try AccountCommands.update(inv)
        case ("accounts", let verb): try BulkAction.run(inv, action: BulkAction.accounts(verb))
        case ("subscriptions", "cancel"): try BulkAction.run(inv, action: BulkAction.cancelSubscription)
        case ("api", _): try ApiCommand.run(inv)
        case ("config", let verb): try ConfigCommands.run(inv, verb: verb)
        case ("auth", "status"): try AuthStatus.run(inv)
        default: throw SoporteError(.unexpected, "no handler for '\(p.joined(separator: " "))'")
        }
    }
}
