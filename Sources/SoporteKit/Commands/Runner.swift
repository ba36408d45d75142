import SoporteJSON
import SoporteSystem

/// The top of the program: check and parse the arguments, load config, run the leaf's
/// handler, and turn every error into its message and exit status (docs/CONTRACT.md §7). Nothing
/// else decides exits.
public enum Runner {
    /// Runs one command line given as raw bytes (argv is not always UTF-8).
    public static func run(rawArguments: [[UInt8]], ctx: Context) -> Int32 {
        var args: [String] = []
        for (i, raw) in rawArguments.enumerated() {
            guard let s = String(validating: raw, as: UTF8.self) else {
                ctx.io.style.json = wantsJSONErrors(CommandTable.parser.scan(args), env: ctx.env)
                return finish(SoporteError.usage("argument \(i + 1) is not valid UTF-8: '\(Sanitizer.forTerminal(String(decoding: raw, as: UTF8.self)))'"), ctx: ctx)
            }
            args.append(s)
        }
        return run(args, ctx: ctx)
    }

    public static func run(_ argv: [String], ctx: Context) -> Int32 {
        // What the line asks for as far as it reads, from the parser's own stages, so that
        // even a line that does not parse fails in the format it asked for: JSON errors
        // for -o json/ndjson; `health -o nagios|prometheus` reports every failure in its
        // own format (nagios with plugin statuses), wherever the options stand.
        let scan = CommandTable.parser.scan(argv)
        ctx.io.style.json = wantsJSONErrors(scan, env: ctx.env)
        let monitoring = scan.path == ["health"]
            ? scan.values["output"].flatMap(OutputFormat.init(rawValue:)).flatMap { $0.isMonitoring ? $0 : nil } : nil
        do {
            let parsed = try CommandTable.parser.parse(argv)
            if parsed.wantsHelp {
                let width = ctx.io.stdoutIsTTY ? (ctx.io.terminalWidth ?? 80) : 80
                try ctx.io.out(HelpRenderer.render(path: parsed.path, spec: parsed.spec, globals: Global.specs, width: width))
                try ctx.io.flush()
                return 0
            }
            guard let handler = parsed.spec.handler as? Handler else {
                throw SoporteError(.unexpected, "no handler for '\(parsed.path.joined(separator: " "))'")
            }
            let flags = try Global.flags(parsed)
            try Global.checkTerminal(flags, parsed, stdoutIsTTY: ctx.io.stdoutIsTTY)
            let inv = try load(parsed, flags: flags, handler: handler, ctx: ctx)
            try handler.run(inv)
            try ctx.io.flush()
            return 0
        } catch let e as SoporteError {
            if let m = monitoring { return finishMonitoring(e, format: m, ctx: ctx) }
            return finish(e, ctx: ctx)
        } catch {
            return finish(SoporteError(.unexpected, "unexpected error: \(error)"), ctx: ctx)
        }
    }

    /// Under `health -o nagios` every failure ends with a plugin state, and under
    /// `-o prometheus` with the metrics (`soporte_health_up 0`) and §7's status (docs/CONTRACT.md
    /// §11.1); a failure before the check ran (usage, config) still prints them.
    static func finishMonitoring(_ e: SoporteError, format: OutputFormat, ctx: Context) -> Int32 {
        if e.status == .brokenPipe { return ExitStatus.brokenPipe.rawValue }
        let state = MonitoringState.of(e)
        if e.monitoringState == nil {
            let text = format == .nagios ? Monitoring.nagiosLine(state, text: e.message, seconds: 0, accounts: nil)
                : Monitoring.prometheus(up: false, status: nil, checks: nil, seconds: 0, now: ctx.clock.now())
            try? ctx.io.out(text)
        }
        let status = finish(e, ctx: ctx)
        return format == .nagios ? state.rawValue : status
    }

    static func finish(_ e: SoporteError, ctx: Context) -> Int32 {
        if e.status == .brokenPipe { return ExitStatus.brokenPipe.rawValue }
        ctx.io.clearProgress()
        var err = e
        do { try ctx.io.flush() } catch let w as SoporteError {
            if w.status == .brokenPipe { return ExitStatus.brokenPipe.rawValue }
            // stdout is gone; that error comes first, with what the run was doing when
            // it went (a walk's resume command), unless the run's error already says it.
            if !e.message.contains(w.message) {
                err = w
                err.details = [e.message] + e.details
            }
        } catch {}
        ctx.io.report(err)
        return err.status.rawValue
    }

    /// `-o json`/`ndjson` (or SOPORTE_OUTPUT) before the line is parsed, so that even a
    /// usage error comes out as JSON.
    static func wantsJSONErrors(_ scan: ArgumentParser.Scan, env: [String: String]) -> Bool {
        let v = scan.values["output"] ?? env["SOPORTE_OUTPUT"]
        return v.flatMap(OutputFormat.init(rawValue:))?.machineReadableErrors ?? false
    }

    /// Reads the config file (if any), checks its mode, resolves the settings, and tells
    /// the streams every secret they now know of.
    static func load(_ parsed: ParsedCommand, flags: GlobalFlags, handler: Handler, ctx: Context) throws -> Invocation {
        if let bad = ctx.invalidEnvironment.first(where: { $0.hasPrefix("SOPORTE_") || $0 == "XDG_CONFIG_HOME" || $0 == "HOME" }) {
            throw SoporteError.config("the environment variable \(bad) is not valid UTF-8")
        }
        // The profile is a name before any file is read or written (it may become a section).
        if flags.profile == nil { _ = try ProfileName.chosen(env: ctx.env) }
        let path = Settings.configPath(flag: flags.config, env: ctx.env)
        if handler.needs == .nothing {
            var s = Settings()
            s.configPath = path
            s.output = flags.output ?? .table
            s.quiet = flags.quiet
            return Invocation(parsed: parsed, settings: s, ctx: ctx, configFile: nil)
        }
        let credentials = try SystemdCredentials.load(env: ctx.env, fs: ctx.fs)
        var file: INIFile?
        let bytes: [UInt8]?
        do { bytes = try ctx.fs.read(path, limit: 1 << 20) } catch { throw SoporteError.system(error, .config) }
        if let bytes {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SoporteError.config("\(path): not UTF-8 text")
            }
            let f = try INIFile.parse(text, path: path)
            if Settings.holdsSecrets(f), !credentials.contains(path), let mode = ctx.fs.mode(of: path), mode & 0o077 != 0 {
                throw TokenResolver.readableByOthers(path, mode: mode, what: "holds a token, signing secret or license key")
            }
            file = f
        }
        // Every secret the run knows of, used or shadowed, is kept out of every stream.
        let secrets = ctx.io.secrets
        for section in file?.sections.values.map({ $0 }) ?? [] {
            for e in section where ConfigKey.named(e.key)?.isSecret == true {
                secrets.add(e.value, placeholder: e.key == "license_key" ? "$SOPORTE_LICENSE_KEY" : e.key == "token" ? "$SOPORTE_API_TOKEN" : Secrets.mark)
            }
        }
        if let t = ctx.env["SOPORTE_API_TOKEN"] { secrets.add(t.trimmingWhitespace(), placeholder: "$SOPORTE_API_TOKEN") }
        if let l = ctx.env["SOPORTE_LICENSE_KEY"] { secrets.add(l, placeholder: "$SOPORTE_LICENSE_KEY") }
        if let s = ctx.env["SOPORTE_SIGNING_SECRET"] { secrets.add(s, placeholder: Secrets.mark) }
        if let l = credentials.licenseKey { secrets.add(l, placeholder: "$SOPORTE_LICENSE_KEY") }
        if let s = credentials.signingSecret { secrets.add(s, placeholder: Secrets.mark) }

        let settings = try Settings.resolve(flags: flags, env: ctx.env, file: file, configPath: path,
                                            strictness: handler.needs == .configFile ? .lenient : .strict, credentials: credentials)
        var style = ctx.io.style
        style.json = settings.output.machineReadableErrors
        style.quiet = settings.quiet
        style.color = IOStreams.wantsColor(mode: settings.color, env: ctx.env, stdoutIsTTY: ctx.io.stdoutIsTTY)
        ctx.io.style = style
        if !settings.quiet { for w in settings.warnings { ctx.io.warn("CONFIG", w) } }
        return Invocation(parsed: parsed, settings: settings, ctx: ctx, configFile: file)
    }
}
