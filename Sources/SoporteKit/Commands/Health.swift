import SoporteJSON

/// `soporte health`: GET /admin/system/health. Exit 10 when the API reports itself not
/// healthy; `-o nagios` and `-o prometheus` for monitoring (docs/CONTRACT.md §11.1).
enum HealthCommand: Command {
    static let name = "health"
    static let spec = CommandSpec(
        "health", summary: "Check the API's system health (exit 10 when not healthy).",
        details: "-o nagios prints one line in the monitoring-plugins format and exits 0 OK (healthy), 1 WARNING (degraded), 2 CRITICAL (unhealthy, unreachable, 5xx, auth) or 3 UNKNOWN (usage or config problem). -o prometheus prints the text exposition format; a failed check still prints it, with soporte_health_up 0.",
        examples: ["soporte health", "soporte health -o json || page-oncall", "soporte health -o nagios",
                   "soporte health -o prometheus > \"$TEXTFILE_DIR/soporte.prom\""],
        extraFormats: [.nagios, .prometheus],
        handler: Handler.of(HealthCommand.self))

    static let healthyWords = ["healthy", "ok", "up", "pass"]
    static let degradedWords = ["degraded", "warn", "warning"]

    static func run(_ o: NoOptions, _ inv: Invocation) throws {
        let format = inv.settings.output
        let started = inv.ctx.clock.monotonic()
        let answer: APIAnswer
        do {
            guard let a = try inv.sendOrPrint(APICall("GET", "/admin/system/health")) else { return }
            answer = a
        } catch var e as SoporteError where format.isMonitoring {
            try Monitoring.failed(e, format: format, inv: inv, seconds: inv.ctx.clock.monotonic() - started)
            e.monitoringState = .of(e)  // printed: the runner only sets the status
            throw e
        }
        let seconds = inv.ctx.clock.monotonic() - started
        let doc = answer.json["data"] ?? answer.json
        let status = doc["status"]?.stringValue ?? ""
        let healthy = healthyWords.contains(status.lowercased())
        if format.isMonitoring {
            try Monitoring.report(doc, format: format, inv: inv, seconds: seconds)
        } else {
            try inv.printObject(doc, resource: nil)
        }
        guard healthy else {
            var e = SoporteError(.unhealthy, "the API reports itself \(status.isEmpty ? "without a status" : "'\(Sanitizer.forTerminal(status))'")",
                                 requestID: answer.requestID)
            if format.isMonitoring { e.monitoringState = degradedWords.contains(status.lowercased()) ? .warning : .critical }
            if format == .prometheus { e.monitoringState = .critical }
            throw e
        }
    }
}

/// The monitoring formats of `health`.
enum Monitoring {
    typealias State = MonitoringState

    static func report(_ doc: JSONValue, format: OutputFormat, inv: Invocation, seconds: Double) throws {
        let status = doc["status"]?.stringValue ?? ""
        switch format {
        case .nagios:
            let state: State = HealthCommand.healthyWords.contains(status.lowercased()) ? .ok
                : HealthCommand.degradedWords.contains(status.lowercased()) ? .warning : .critical
            var text = status.isEmpty ? "no status" : status
            if let v = doc["version"]?.stringValue { text += ", version \(v)" }
            let failing = (doc["checks"]?.objectValue?.entries.filter { !checkIsOK($0.1) }.map(\.0) ?? [])
            if !failing.isEmpty { text += ", failing: \(failing.joined(separator: ", "))" }
            try inv.io.out(nagiosLine(state, text: text, seconds: seconds, accounts: doc["accounts"]?.intValue))
        case .prometheus:
            try inv.io.out(prometheus(up: true, status: status, checks: doc["checks"]?.objectValue, seconds: seconds, now: inv.ctx.clock.now()))
        default: break
        }
        try inv.io.flush()
    }

    /// What a failed check prints before its error goes to stderr.
    static func failed(_ e: SoporteError, format: OutputFormat, inv: Invocation, seconds: Double) throws {
        switch format {
        case .nagios:
            try inv.io.out(nagiosLine(.of(e), text: oneLine(e.message), seconds: seconds, accounts: nil))
        case .prometheus:
            try inv.io.out(prometheus(up: false, status: nil, checks: nil, seconds: seconds, now: inv.ctx.clock.now()))
        default: return
        }
        try inv.io.flush()
    }

    /// `SOPORTE OK - healthy, version 1.0.0 | time=0.012s;;;0 accounts=250`
    static func nagiosLine(_ s: State, text: String, seconds: Double, accounts: Int?) -> String {
        var perf = "time=\(fixed(seconds, 3))s;;;0"
        if let a = accounts { perf += " accounts=\(a);;;0" }
        // A '|' in the text would start the performance data early.
        return "SOPORTE \(s.word) - \(oneLine(text).replacingAll("|", with: "/")) | \(perf)\n"
    }

    static func oneLine(_ s: String) -> String { Sanitizer.forTerminal(s) }

    static func checkIsOK(_ v: JSONValue) -> Bool {
        switch v {
        case .bool(let b): return b
        case .string(let s): return (HealthCommand.healthyWords + ["ready", "online"]).contains(s.lowercased())
        case .object(let o): return o["status"].map(checkIsOK) ?? false
        default: return false
        }
    }

    /// The Prometheus text exposition format (accepted by `promtool check metrics`).
    static func prometheus(up: Bool, status: String?, checks: JSONObject?, seconds: Double, now: Double) -> String {
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for s in samples { out += name + (s.labels.isEmpty ? "" : "{\(s.labels)}") + " \(s.value)\n" }
        }
        metric("soporte_health_up", "Whether the API answered the health check (1) or not (0).", [("", up ? "1" : "0")])
        var statuses = ["healthy", "degraded", "unhealthy"]
        if let s = status, !s.isEmpty, !statuses.contains(s) { statuses.append(s) }
        metric("soporte_health_status", "The status the API reports about itself (1 for the current one).",
               statuses.map { ("status=\"\(label($0))\"", $0 == status ? "1" : "0") })
        if let checks, checks.count > 0 {
            metric("soporte_health_check", "Each check the API reports: 1 when it passes, 0 otherwise.",
                   checks.entries.map { ("check=\"\(label($0.0))\"", checkIsOK($0.1) ? "1" : "0") })
        }
        metric("soporte_health_request_duration_seconds", "How long the health request took, in seconds.", [("", fixed(seconds, 6))])
        metric("soporte_health_last_run_timestamp_seconds", "When this check ran, in seconds since the epoch.", [("", fixed(now, 3))])
        return out
    }

    /// A label value: backslash, double quote and newline escaped.
    static func label(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }

    /// `d` with `places` decimals, without Foundation.
    static func fixed(_ d: Double, _ places: Int) -> String {
        guard d.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let n = Int((abs(d) * scale).rounded())
        let whole = n / Int(scale)
        var frac = String(n % Int(scale))
        while frac.count < places { frac = "0" + frac }
        return (d < 0 ? "-" : "") + "\(whole)" + (places > 0 ? "." + frac : "")
    }
}
