/// Who a bearer token belongs to: its rate-limit tier and whether `/admin/*` is open to it.
struct Principal: Sendable, Equatable {
    let tier: Tier
    let admin: Bool
}

/// The tokens the simulator knows: the three the overview and `--help` name, and any
/// `--admin-token` given on the command line (admin tier, full access).
struct TokenTable: Sendable {
    static let builtIn: [(String, Principal)] = [
        ("sk_test_abc123xyz", Principal(tier: .admin, admin: true)),
        ("sk_test_user_123", Principal(tier: .authenticated, admin: false)),
        ("sk_test_enterprise_123", Principal(tier: .enterprise, admin: false)),
    ]

    private var table: [String: Principal] = [:]

    init(adminTokens: [String] = []) {
        for (t, p) in TokenTable.builtIn { table[t] = p }
        for t in adminTokens { table[t] = Principal(tier: .admin, admin: true) }
    }

    func principal(_ token: String) -> Principal? { table[token] }

    /// Why `token` cannot be an `--admin-token` (empty, spaces at either end, control
    /// characters: none could arrive intact in a header), or nil when it can.
    static func problem(with token: String) -> String? {
        if token.isEmpty { return "is empty" }
        if token.first == " " || token.last == " " || token.first == "\t" || token.last == "\t" {
            return "starts or ends with white space"
        }
        if token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "holds a control character" }
        return nil
    }

    /// The token of `Authorization: Bearer TOKEN`, if any.
    static func bearer(_ r: SimRequest) -> String? {
        guard let a = r.header("authorization"), a.hasPrefix("Bearer ") else { return nil }
        var t = Substring(a.dropFirst(7))
        while t.first == " " { t = t.dropFirst() }
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }
}
