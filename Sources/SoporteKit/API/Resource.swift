/// The API's collections and how we show them.
public struct Resource: Equatable, Sendable {
    public let name: String
    public let path: String
    public let singular: String
    public let plural: String
    /// Columns of the default table; other formats print every field.
    public let defaultColumns: [String]
    public let listExamples: [String]

    public static let accounts = Resource(
        name: "accounts", path: "/whm/accounts", singular: "account", plural: "accounts",
        defaultColumns: ["id", "domain", "username", "status", "package", "server_id", "created_at"],
        listExamples: ["soporte accounts list", "soporte accounts list --filter status=suspended --sort -created_at",
                       "soporte accounts list --filter 'domain~shop' -o ndjson | jq -r .domain"])
    public static let invoices = Resource(
        name: "invoices", path: "/billing/invoices", singular: "invoice", plural: "invoices",
        defaultColumns: ["id", "number", "account_id", "status", "amount", "currency", "due_date"],
        listExamples: ["soporte invoices list --filter status=pending --filter 'amount>=100' -o csv > pending.csv"])
    public static let subscriptions = Resource(
        name: "subscriptions", path: "/billing/subscriptions", singular: "subscription", plural: "subscriptions",
        defaultColumns: ["id", "account_id", "plan", "status", "amount", "interval", "next_billing_date"],
        listExamples: ["soporte subscriptions list --filter status=active"])
    public static let servers = Resource(
        name: "servers", path: "/whm/servers", singular: "server", plural: "servers",
        defaultColumns: ["id", "name", "hostname", "ip_address", "status", "accounts_count"],
        listExamples: ["soporte servers list"])
    public static let packages = Resource(
        name: "packages", path: "/whm/packages", singular: "package", plural: "packages",
        defaultColumns: ["id", "name", "disk_quota", "bandwidth", "price", "currency"],
        listExamples: ["soporte packages list -o json"])

    public static let all: [Resource] = [.accounts, .invoices, .subscriptions, .servers, .packages]

    public static func named(_ n: String) -> Resource? { all.first { $0.name == n } }
}
