import SoporteJSON

/// `accounts create`: every required flag and a password source are checked before
/// anything is sent (docs/CONTRACT.md §10.3); the password never comes from a flag value.
enum AccountsCreate: Command {
    static let name = "accounts create"
    static let domain = Opt.text("domain", value: "DOMAIN", help: "Primary domain.", required: true)
    static let username = Opt.text("username", value: "USER", help: "cPanel user name.", required: true)
    static let email = Opt.text("email", value: "EMAIL", help: "Contact e-mail.", required: true)
    static let package = Opt.text("package", value: "PACKAGE", help: "Hosting package name (see 'soporte packages list').", required: true)
    static let serverID = Opt.text("server-id", value: "N", help: "Server to create it on: its id, hostname or name.", required: true)
    static let passwordStdin = Flag("password-stdin", help: "Read the password from the first line of stdin.")
    static let passwordFile = Opt.text("password-file", value: "PATH", help: "Read the password from the first line of a file.", completion: .file)

    static let spec = CommandSpec(
        "create", summary: "Create an account.",
        details: "--domain, --username, --email, --package and --server-id are required, and so is a password: --password-stdin, --password-file, or the prompt on a terminal. The password is never taken from a flag value.",
        options: [domain.spec, username.spec, email.spec, package.spec, serverID.spec, passwordStdin.spec, passwordFile.spec] + WaitKeys.specs,
        examples: ["printf '%s\\n' \"$PW\" | soporte accounts create --domain example.com --username ex --email ops@example.com --package basic --server-id 1 --password-stdin",
                   "printf '%s\\n' \"$PW\" | soporte accounts create --domain shop.example --username shop --email ops@shop.example --package basic --server-id 1 --password-stdin --wait -o json | jq .id"],
        handler: Handler.of(AccountsCreate.self))

    struct Options: CommandOptions {
        var fields: [(String, String)] = []
        var server: String?
        var passwordStdin: Bool
        var passwordFile: String?
        var waitTimeout: TimeSpan?

        init(_ p: ParsedCommand) throws {
            let o = p.options
            waitTimeout = try WaitKeys.timeout(o, asked: o.isSet(WaitKeys.wait))
            var missing: [String] = []
            for (opt, key) in [(domain, "domain"), (username, "username"), (email, "email"), (package, "package")] {
                if let v = try o.value(opt) { fields.append((key, v)) } else { missing.append("--" + opt.spec.long) }
            }
            server = try o.value(serverID)
            if server == nil { missing.append("--server-id") }
            passwordStdin = o.isSet(AccountsCreate.passwordStdin)
            passwordFile = try o.value(AccountsCreate.passwordFile)
            if !missing.isEmpty {
                throw SoporteError.usage("'accounts create' needs \(missing.joined(separator: ", "))", help: ["accounts", "create"])
            }
        }
    }

    static func run(_ o: Options, _ inv: Invocation) throws {
        let hasSource = o.passwordStdin || o.passwordFile != nil || (inv.io.stdinIsTTY && inv.io.stderrIsTTY) || inv.settings.dryRun
        guard hasSource else {
            throw SoporteError.usage("'accounts create' needs a password: --password-stdin, --password-file PATH, or a terminal to ask on", help: ["accounts", "create"])
        }
        var body = JSONObject()
        for (k, v) in o.fields { body[k] = .string(v) }
        if let s = o.server {
            switch try IDs(inv: inv, resource: .servers).resolveOne(s, client: inv.client()) {
            case .id(let id): body["server_id"] = id.json
            case .standIn(let name): body["server_id"] = .string("{id-of-\(name)}")
            }
        }
        // The password, or under --dry-run without one a stand-in that the curl line
        // shows as $SOPORTE_PASSWORD like a real one.
        let pw = try password(o, inv) ?? "soporte-password-stand-in"
        inv.io.secrets.add(pw, placeholder: "$SOPORTE_PASSWORD")
        body["password"] = .string(pw)
        let call = APICall("POST", Resource.accounts.path, body: Array(JSONWriter.compact(.object(body)).utf8))
        let started = inv.ctx.clock.monotonic()
        guard let a = try inv.sendOrPrint(call) else { return }
        let waiter = try o.waitTimeout.map { Waiter(client: try inv.client(), timeout: $0) }
        try ChangeReport(inv: inv, action: "create", pastTense: "created", resource: .accounts)
            .finish(a, id: nil, expect: Expectation(goal: .created), waiter: waiter, since: started)
    }

    /// From --password-stdin, --password-file, or a no-echo prompt on a terminal.
    static func password(_ o: Options, _ inv: Invocation) throws -> String? {
        func firstLine(_ bytes: [UInt8], from: String) throws -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw SoporteError.usage("the password from \(from) is not valid UTF-8") }
            let line = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw SoporteError.usage("the password from \(from) is empty") }
            return line
        }
        if o.passwordStdin { return try firstLine(try inv.ctx.readStdin(), from: "stdin") }
        if let path = o.passwordFile {
            return try firstLine(try SecretFile.read(path, flag: "--password-file", fs: inv.ctx.fs, status: .usage).bytes, from: "--password-file")
        }
        if inv.settings.dryRun { return nil }
        guard let pw = inv.ctx.prompter.readSecret(prompt: "Password for the new account: ") else {
            throw SoporteError.usage("no password given")
        }
        return try firstLine(pw, from: "the terminal")
    }
}

/// `accounts update ID --set key=value...` (PATCH).
enum AccountsUpdate: Command {
    static let name = "accounts update"
    static let set = Opt.field("set", help: "Field to set; numbers, true/false and null are sent typed.", typed: true)
    static let setString = Opt.field("set-string", help: "Field to set, always sent as a string.", typed: false)

    static let spec = CommandSpec(
        "update", summary: "Change fields of an account (PATCH).",
        arguments: [ArgumentSpec("ID", help: "The account id, domain or username.", completion: .ids(Resource.accounts.name))],
        options: [set.spec, setString.spec] + WaitKeys.specs,
        examples: ["soporte accounts update 42 --set package=professional --set disk_quota_mb=20000",
                   "soporte accounts update 42 --set package=professional --wait --wait-timeout 2m"],
        handler: Handler.of(AccountsUpdate.self))

    struct Options: CommandOptions {
        var id: String
        var body = JSONObject()
        var waitTimeout: TimeSpan?
        init(_ p: ParsedCommand) throws {
            id = p.arguments[0]
            waitTimeout = try WaitKeys.timeout(p.options, asked: p.options.isSet(WaitKeys.wait))
            for (k, v) in try p.options.values(anyOf: [set, setString]) { body[k] = v }
            guard body.count > 0 else { throw SoporteError.usage("nothing to update: give --set KEY=VALUE", help: ["accounts", "update"]) }
        }
    }

    static func run(_ o: Options, _ inv: Invocation) throws {
        let id = try IDs(inv: inv, resource: .accounts).resolveOne(o.id, client: inv.client())
        let call = APICall("PATCH", "\(Resource.accounts.path)/\(id.segment)", body: Array(JSONWriter.compact(.object(o.body)).utf8))
        let started = inv.ctx.clock.monotonic()
        guard let a = try inv.sendOrPrint(call) else { return }
        let waiter = try o.waitTimeout.map { Waiter(client: try inv.client(), timeout: $0) }
        var known: ResourceID?
        if case .id(let i) = id { known = i }
        try ChangeReport(inv: inv, action: "update", pastTense: "updated", resource: .accounts)
            .finish(a, id: known, expect: Expectation(goal: .fields(o.body)), waiter: waiter, since: started)
    }
}

/// `KEY=VALUE` arguments (--set, --set-string, -f, -F): the one door through which a flag
/// value becomes a body or query field, so none can carry a password (docs/CONTRACT.md §3, §12.2).
enum KeyValue {
    /// One `KEY=VALUE` field, in the order typed among its kind.
    typealias Field = (key: String, value: JSONValue)

    static func split(_ s: String, flag: String) throws -> (String, String) {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
            throw SoporteError.usage("\(flag) needs KEY=VALUE, not '\(Sanitizer.forTerminal(s))'")
        }
        let key = String(s[..<eq])
        // The value is not echoed: it is the secret.
        if SecretKeys.isSecret(key) { throw secretInFlag(key, flag: flag) }
        return (key, String(s[s.index(after: eq)...]))
    }

    static func secretInFlag(_ key: String, flag: String) -> SoporteError {
        SoporteError(.usage, "\(flag) \(Sanitizer.forTerminal(key))=...: a password or other secret is never taken from a flag value (other users can read the command line, e.g. in ps)",
                     details: ["a password: --password-stdin, --password-file F, or the prompt on a terminal (soporte accounts create)",
                               "any body: soporte api METHOD PATH --input FILE (or --input - for stdin)"])
    }

    /// A JSON number, boolean or null when the text is exactly one; else a string.
    static func typed(_ v: String) -> JSONValue {
        if v == "true" { return .bool(true) }
        if v == "false" { return .bool(false) }
        if v == "null" { return .null }
        if let n = try? JSONParser.parse(v, maxValues: 1), case .number = n { return n }
        return .string(v)
    }
}

extension Opt where Value == KeyValue.Field {
    /// A repeatable `KEY=VALUE` option whose value is sent typed (a JSON number,
    /// boolean or null when the text is exactly one) or always as a string.
    static func field(_ long: String, short: Character? = nil, help: String, typed: Bool) -> Opt<KeyValue.Field> {
        Opt(OptionSpec(long, short: short, value: "KEY=VALUE", help: help, repeatable: true)) { v, flag in
            let (k, text) = try KeyValue.split(v, flag: flag)
            return (k, typed ? KeyValue.typed(text) : .string(text))
        }
    }
}
