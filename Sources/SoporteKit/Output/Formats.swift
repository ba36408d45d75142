/// Output formats. One enum: help, completion, the config check and every writer switch
/// read it, and the compiler checks that each switch covers every case.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, ndjson, csv, tsv
    /// Monitoring formats, taken by `health` only (docs/CONTRACT.md §11.1).
    case nagios, prometheus
    /// A workbook, taken by `list`, `get` and `history` (docs/CONTRACT.md §14.1): on the command
    /// line only, never as the config's or the environment's default (a binary that a
    /// terminal refuses would break every other command).
    case xlsx

    /// Formats every command takes (and that the config and environment may set).
    public static let dataFormats: [OutputFormat] = allCases.filter { !$0.isMonitoring && !$0.isBinary }

    /// Bytes for a file, not a terminal: refused when stdout is one (exit 2).
    public var isBinary: Bool { self == .xlsx }

    public var isMonitoring: Bool {
        switch self {
        case .nagios, .prometheus: return true
        case .table, .json, .ndjson, .csv, .tsv, .xlsx: return false
        }
    }

    /// Errors, warnings and notes are JSON lines on stderr (docs/CONTRACT.md §10.7).
    public var machineReadableErrors: Bool {
        switch self {
        case .json, .ndjson: return true
        case .table, .csv, .tsv, .nagios, .prometheus, .xlsx: return false
        }
    }

    public static var names: [String] { allCases.map(\.rawValue) }
}

public enum ColorMode: String, CaseIterable, Sendable {
    case auto, always, never
}
