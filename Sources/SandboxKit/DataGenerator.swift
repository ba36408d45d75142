import SoporteJSON
import SoporteSystem

/// Calendar arithmetic without Foundation: days since 1970-01-01 to Y-M-D and back.
/// Builds the simulator's data for a seed: servers, packages, accounts, invoices and
/// subscriptions, with the awkward values real data has (accents, CJK, emoji, quotes,
/// commas, newlines, tabs, a leading `=`, escape sequences, nulls, nested objects).
public enum DataGenerator {
    /// 2024-01-01T00:00:00Z: the data's epoch, so nothing depends on the clock.
    static let base = 1_704_067_200

    static let owners = ["José Núñez", "Zoë Ångström", "山田太郎", "김민준", "François Müller 🚀", "Ñandú Ltda.",
                         "O'Brien, Patrick", "Ana \"La Jefa\" Pérez", "Łukasz Wąsik", "Nguyễn Văn An", "محمد علي",
                         "Ævar Þórsson", "Chloé D'Artagnan", "张伟", "Søren Kierkegård", "María José García-López"]
    static let words = ["alpha", "nube", "sol", "tienda", "blog", "shop", "cafe", "studio", "hosting", "mercado",
                        "foto", "viajes", "salud", "legal", "tech", "arte"]
    static let tlds = ["com", "net", "es", "mx", "org", "io", "com.ar", "cl"]
    static let trickyNotes: [JSONValue] = [
        .string("Says \"hello\", then leaves"), .string("line one\nline two"), .string("col1\tcol2"),
        .string("=HYPERLINK(\"http://example.com\")"), .string("+34 600 000 000"), .string("-5 credit"),
        .string("@ops please check"), .string("\u{1B}[31mred alert\u{1B}[0m"), .string("back\\slash, comma"),
        .string("日本語のメモ 📝"), .string("e\u{301}te\u{301} (combining)"),
    ]

    public static let packageNames = ["basic", "professional", "business", "enterprise", "reseller"]

    public struct Sizes: Sendable {
        public var accounts: Int
        public var invoices: Int
        public var subscriptions: Int
        public var servers: Int
        public init(accounts: Int, invoices: Int, subscriptions: Int? = nil, servers: Int = 8) {
            self.accounts = accounts
            self.invoices = invoices
            self.subscriptions = subscriptions ?? max(1, accounts / 2)
            self.servers = servers
        }
    }

    static func decimal(cents: Int) -> JSONValue {
        .number("\(cents / 100).\(CivilTime.two(cents % 100))")
    }

    public static func generate(seed: UInt64, sizes: Sizes) -> [String: [JSONObject]] {
        var rng = SplitMix64(seed: seed)
        var out: [String: [JSONObject]] = [:]

        let serverKeys = ["id", "name", "hostname", "ip_address", "location", "status", "accounts_count", "capacity", "load", "created_at"]
        out["servers"] = (1...sizes.servers).map { i in
            JSONObject(keys: serverKeys, values: [
                .int(i), .string("Server \(i)"), .string("srv\(i).soporteclientes.net"), .string("203.0.113.\(10 + i)"),
                .string(rng.pick(["Madrid", "México DF", "Buenos Aires", "Santiago", "Bogotá", "São Paulo"])),
                .string(i % 7 == 0 ? "maintenance" : "online"), .int(0), .int(500 + 100 * rng.int(10)),
                .object(JSONObject(keys: ["cpu", "memory"], values: [decimal(cents: rng.int(100)), decimal(cents: rng.int(100))])),
                .string(CivilTime.iso(base - 86400 * (400 - i))),
            ])
        }

        let packageKeys = ["id", "name", "disk_quota", "bandwidth", "email_accounts", "databases", "price", "currency"]
        let prices = [499, 999, 1999, 4999, 10010]
        out["packages"] = packageNames.enumerated().map { i, name in
            JSONObject(keys: packageKeys, values: [
                .int(i + 1), .string(name), .int(2000 * (i + 1) * (i + 1)), .int(20000 * (i + 1)),
                i == 3 ? .string("unlimited") : .int(10 * (i + 1)), .int(5 * (i + 1)), decimal(cents: prices[i]), .string("USD"),
            ])
        }

        let accountKeys = ["id", "domain", "username", "email", "status", "package", "package_id", "server_id", "owner",
                           "disk_used_mb", "disk_quota_mb", "limits", "notes", "tags", "suspended_reason", "created_at", "updated_at"]
        var accounts: [JSONObject] = []
        accounts.reserveCapacity(sizes.accounts)
        var serverCounts = Array(repeating: 0, count: sizes.servers)
        for i in 1...max(1, sizes.accounts) where sizes.accounts > 0 {
            let w = rng.pick(words)
            let user = "\(w.prefix(6))\(i)"
            let domain = "\(w)\(i).\(rng.pick(tlds))"
            let pkg = rng.int(packageNames.count)
            let server = 1 + rng.int(sizes.servers)
            serverCounts[server - 1] += 1
            let suspended = rng.int(10) == 0
            let created = base + i * 3571 + rng.int(3600)
            let quota = 2000 * (pkg + 1) * (pkg + 1)
            let note: JSONValue = i % 7 == 3 ? trickyNotes[(i / 7) % trickyNotes.count] : .null
            accounts.append(JSONObject(keys: accountKeys, values: [
                .int(i), .string(domain), .string(user), .string("admin@\(domain)"),
                .string(suspended ? "suspended" : "active"), .string(packageNames[pkg]), .int(pkg + 1), .int(server),
                .string(rng.pick(owners)), .int(rng.int(quota)), .int(quota),
                .object(JSONObject(keys: ["email_accounts", "databases"], values: [.int(10 * (pkg + 1)), .int(5 * (pkg + 1))])),
                note,
                .array(i % 3 == 0 ? [.string("vip"), .string("migrated")] : (i % 3 == 1 ? [] : [.string("trial")])),
                suspended ? .string("Pago pendiente, \"factura\" vencida") : .null,
                .string(CivilTime.iso(created)), .string(CivilTime.iso(created + 86400 * rng.int(30))),
            ]))
        }
        out["accounts"] = accounts
        if var servers = out["servers"] {
            for i in servers.indices { servers[i]["accounts_count"] = .int(serverCounts[i]) }
            out["servers"] = servers
        }

        let invoiceKeys = ["id", "number", "account_id", "status", "amount", "tax", "currency", "issued_at", "due_date", "paid_at", "lines"]
        let statuses = ["paid", "paid", "paid", "pending", "overdue", "cancelled"]
        out["invoices"] = (0..<sizes.invoices).map { k in
            let i = k + 1
            let cents = 500 + rng.int(50000)
            let issued = base + i * 5311
            let status = rng.pick(statuses)
            let acct = 1 + rng.int(max(1, sizes.accounts))
            return JSONObject(keys: invoiceKeys, values: [
                .int(i), .string("INV-\(2024 + i / 5000)-\(String(100000 + i).dropFirst())"), .int(acct), .string(status),
                i == 1 ? .number("100.10") : decimal(cents: cents), decimal(cents: cents * 21 / 100), .string(i % 4 == 0 ? "EUR" : "USD"),
                .string(CivilTime.iso(issued)), .string(CivilTime.day(days: (issued + 86400 * 15) / 86400)),
                status == "paid" ? .string(CivilTime.iso(issued + 86400 * rng.int(15))) : .null,
                .array([.object(JSONObject(keys: ["description", "amount"], values: [.string(i % 5 == 0 ? "Hosting, anual \"promo\"" : "Hosting mensual"), decimal(cents: cents)]))]),
            ])
        }

        let subKeys = ["id", "account_id", "plan", "status", "amount", "currency", "interval", "started_at", "next_billing_date", "cancelled_at"]
        out["subscriptions"] = (0..<sizes.subscriptions).map { k in
            let i = k + 1
            let pkg = rng.int(packageNames.count)
            let yearly = rng.int(3) == 0
            let started = base + i * 7919
            let status = rng.pick(["active", "active", "active", "past_due", "cancelled"])
            return JSONObject(keys: subKeys, values: [
                .int(i), .int(1 + rng.int(max(1, sizes.accounts))), .string(packageNames[pkg]), .string(status),
                decimal(cents: prices[pkg] * (yearly ? 10 : 1)), .string("USD"), .string(yearly ? "yearly" : "monthly"),
                .string(CivilTime.iso(started)), status == "cancelled" ? .null : .string(CivilTime.day(days: (started + 86400 * (yearly ? 365 : 30)) / 86400)),
                status == "cancelled" ? .string(CivilTime.iso(started + 86400 * 40)) : .null,
            ])
        }
        return out
    }
}
