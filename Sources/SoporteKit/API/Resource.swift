/// The API's collections and how we show them. This list is the one place a resource is
/// declared: the command table makes each one's `list` and `get` (and `ls`) from it, help
/// and completion read its fields, and name lookups its `nameFields`. A new read-only
/// resource is one entry here (plus the simulator's data).
public struct Resource: Equatable, Sendable {
    public let name: String
    /// The group's line in help.
    public let summary: String
    public let path: String
    public let singular: String
    public let plural: String
    /// Columns of the default table, in order; other formats print every field.
    public let defaultColumns: [String]
    /// Default columns in the order they are dropped when a terminal is too narrow
    /// (first dropped first). The id is never dropped.
    public let dropOrder: [String]
    /// Fields the API is known to send, in the server's order: for help and completion,
    /// the columns of an empty CSV, and the checks of docs/CONTRACT.md §14.3 (a `--sort` name must be
    /// one; a `--fields` name must be one or be in the answer). The API's set is open: an
    /// item's other fields are shown as they come.
    public let knownFields: [String]
    /// Fields that name one item, tried in order where an ID is expected (docs/CONTRACT.md §11.2).
    public let nameFields: [String]
    public let listExamples: [String]
    public let getExample: String
    /// The keys of the known fields that hold an object (CSV flattens them: `limits.databases`).
    public var nestedFields: [String: [String]] = [:]

    /// The known fields as CSV and TSV columns: nested objects as dotted names, in order.
    public var flatFields: [String] {
        knownFields.flatMap { f in nestedFields[f].map { $0.map { f + "." + $0 } } ?? [f] }
    }

    public static let accounts = Resource(
        name: "accounts", summary: "WHM/cPanel hosting accounts.", path: "/whm/accounts", singular: "account", plural: "accounts",
        defaultColumns: ["id", "domain", "username", "status", "package", "server_id", "created_at"],
        dropOrder: ["created_at", "server_id", "package", "username", "status", "domain"],
        knownFields: ["id", "domain", "username", "email", "status", "package", "package_id", "server_id", "owner",
                      "disk_used_mb", "disk_quota_mb", "limits", "notes", "tags", "suspended_reason", "created_at", "updated_at"],
        nameFields: ["domain", "username"],
        listExamples: ["soporte accounts list", "soporte accounts ls --filter status=suspended --sort -created_at",
                       "soporte accounts list --filter 'domain~shop' -o ndjson | jq -r .domain"],
        getExample: "soporte accounts get 42",
        nestedFields: ["limits": ["email_accounts", "databases"]])
    public static let invoices = Resource(
        name: "invoices", summary: "Billing invoices.", path: "/billing/invoices", singular: "invoice", plural: "invoices",
        defaultColumns: ["id", "number", "account_id", "status", "amount", "currency", "due_date"],
        dropOrder: ["currency", "account_id", "due_date", "number", "status", "amount"],
        knownFields: ["id", "number", "account_id", "status", "amount", "tax", "currency", "issued_at", "due_date", "paid_at", "lines"],
        nameFields: [],
        listExamples: ["soporte invoices list --filter status=pending --filter 'amount>=100' -o csv > pending.csv",
                       "soporte invoices list --filter amount:between=100,200 --filter status:in=pending,overdue",
                       "soporte invoices list --filter status=overdue -o xlsx > overdue.xlsx"],
        getExample: "soporte invoices get 42")
    public static let subscriptions = Resource(
        name: "subscriptions", summary: "Billing subscriptions.", path: "/billing/subscriptions", singular: "subscription", plural: "subscriptions",
        defaultColumns: ["id", "account_id", "plan", "status", "amount", "interval", "next_billing_date"],
        dropOrder: ["interval", "account_id", "next_billing_date", "amount", "plan", "status"],
        knownFields: ["id", "account_id", "plan", "status", "amount", "currency", "interval", "started_at",
                      "next_billing_date", "cancelled_at"],
        nameFields: [],
        listExamples: ["soporte subscriptions list --filter status=active"],
        getExample: "soporte subscriptions get 7")
    public static let servers = Resource(
        name: "servers", summary: "WHM servers.", path: "/whm/servers", singular: "server", plural: "servers",
        defaultColumns: ["id", "name", "hostname", "ip_address", "status", "accounts_count"],
        dropOrder: ["accounts_count", "ip_address", "status", "name", "hostname"],
        knownFields: ["id", "name", "hostname", "ip_address", "location", "status", "accounts_count", "capacity", "load", "created_at"],
        nameFields: ["hostname", "name"],
        listExamples: ["soporte servers list"],
        getExample: "soporte servers get 2",
        nestedFields: ["load": ["cpu", "memory"]])
    public static let packages = Resource(
        name: "packages", summary: "Hosting packages.", path: "/whm/packages", singular: "package", plural: "packages",
        defaultColumns: ["id", "name", "disk_quota", "bandwidth", "price", "currency"],
        dropOrder: ["currency", "bandwidth", "disk_quota", "price", "name"],
        knownFields: ["id", "name", "disk_quota", "bandwidth", "email_accounts", "databases", "price", "currency"],
        nameFields: ["name"],
        listExamples: ["soporte packages list -o json"],
        getExample: "soporte packages get basic")

    public static let all: [Resource] = [.accounts, .invoices, .subscriptions, .servers, .packages]

    public static func named(_ n: String) -> Resource? { all.first { $0.name == n } }

    /// `get --wait-for`'s example in help and the man page, for the resources that change.
    var waitForExample: String? {
        switch name {
        case "accounts": return "soporte accounts suspend 42 --yes && soporte accounts get 42 --wait-for status=suspended --wait-timeout 2m"
        case "subscriptions": return "soporte subscriptions cancel 7 --yes && soporte subscriptions get 7 --wait-for status=cancelled"
        default: return nil
        }
    }
}
