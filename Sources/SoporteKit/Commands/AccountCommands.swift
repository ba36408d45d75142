import SoporteJSON

/// `accounts create` and `accounts update`.
enum AccountCommands {
    static func create(_ inv: Invocation) throws {
        var body = JSONObject()
        for (flag, key) in [("domain", "domain"), ("username", "username"), ("email", "email"), ("package", "package")] {
            if let v = inv.options.last(flag) { body[key] = .string(v) }
        }
        if let sid = inv.options.last("server-id") {
            guard Int(sid) != nil else { throw SoporteError.usage("--server-id must be a number, not '\(sid)'") }
            body["server_id"] = .number(sid)
        }
        let client = try inv.client()
        if let pw = try password(inv) {
            body["password"] = .string(pw)
            client.addSecret(pw, shownAs: "$SOPORTE_PASSWORD")
        }
        let call = APICall("POST", Resource.accounts.path, body: Array(JSONWriter.compact(.object(body)).utf8))
        guard let a = try inv.sendOrPrint(call) else { return }
        try inv.printObject(a.json["data"] ?? a.json, resource: .accounts)
    }

    /// From --password-stdin, --password-file, or a no-echo prompt on a terminal.
    static func password(_ inv: Invocation) throws -> String? {
        if inv.options.has("password-stdin") {
            let text = String(decoding: try inv.ctx.readStdin(), as: UTF8.self)
            return firstLine(text, from: "stdin")
        }
        if let path = inv.options.last("password-file") {
            guard let bytes = try Posix.readFile(path) else { throw SoporteError.usage("password file \(path) does not exist") }
            return firstLine(String(decoding: bytes, as: UTF8.self), from: path)
        }
        if inv.io.stdinIsTTY && inv.io.stderrIsTTY && !inv.settings.dryRun {
            guard let pw = Posix.readSecretFromTTY(prompt: "Password for the new account: "), !pw.isEmpty else {
                throw SoporteError.usage("no password given")
            }
            return pw
        }
        return nil
    }

    static func firstLine(_ text: String, from: String) -> String? {
        let line = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map { String($0) } ?? ""
        return line.isEmpty ? nil : line
    }

    static func update(_ inv: Invocation) throws {
        let id = try ResourceCommands.checkID(inv.args[0])
        var body = JSONObject()
        for pair in inv.options.sequence where pair.name == "set" || pair.name == "set-string" {
            let (k, v) = try keyValue(pair.value, flag: "--" + pair.name)
            body[k] = pair.name == "set" ? typed(v) : .string(v)
        }
        guard body.count > 0 else { throw SoporteError(.usage, "nothing to update: give --set KEY=VALUE", helpPath: ["accounts", "update"]) }
        let call = APICall("PATCH", "\(Resource.accounts.path)/\(Percent.encode(id))", body: Array(JSONWriter.compact(.object(body)).utf8))
        guard let a = try inv.sendOrPrint(call) else { return }
        try inv.printObject(a.json["data"] ?? a.json, resource: .accounts)
    }

    static func keyValue(_ s: String, flag: String) throws -> (String, String) {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
            throw SoporteError.usage("\(flag) needs KEY=VALUE, not '\(s)'")
        }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }

    /// A JSON number, boolean or null when the text is exactly one; else a string.
    static func typed(_ v: String) -> JSONValue {
        if v == "true" { return .bool(true) }
        if v == "false" { return .bool(false) }
        if v == "null" { return .null }
        if let n = try? JSONParser.parse(v), case .number = n { return n }
        return .string(v)
    }
}
