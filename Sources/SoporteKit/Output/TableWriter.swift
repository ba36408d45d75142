import SoporteJSON

/// `-o table`: rows buffered to size the columns by display width; on a terminal too
/// narrow for the default columns, whole columns are left out by the resource's drop
/// order (never the id, never a column named with --fields) and what remains is cut to
/// the width; header in capitals; API text escaped for the terminal.
public final class TableWriter: ItemWriter {
    let io: IOStreams
    let plan: ColumnPlan
    let headers: Bool
    /// Default columns in the order they go when space runs out.
    let dropOrder: [String]
    var columns: [String]?
    /// Every row's cells, UTF-8, joined by NUL (escaped text never holds a raw control
    /// character), all rows in one buffer; `rowEnds` marks where each ends. 100,000
    /// accounts took 70 MiB as arrays of cells and 38 MiB as a string a row.
    var text: [UInt8] = []
    var rowEnds: [Int] = []
    /// The widest cell of each column so far, header included.
    var widths: [Int] = []
    /// Columns left out to fit the terminal (for the note).
    public private(set) var dropped: [String] = []

    /// Every row is held until `finish`, which sizes the columns and prints them.
    public var holdsRows: Bool { !rowEnds.isEmpty }

    public init(io: IOStreams, plan: ColumnPlan, headers: Bool, dropOrder: [String] = []) {
        self.io = io
        self.plan = plan
        self.headers = headers
        self.dropOrder = dropOrder
    }

    public func write(_ item: JSONValue) throws {
        let cols = columns ?? plan.tableColumns(first: item)
        if columns == nil {
            columns = cols
            widths = cols.map { headers ? DisplayWidth.of($0) : 0 }
        }
        let obj = item.objectValue ?? JSONObject([("value", item)])
        for (i, col) in cols.enumerated() {
            let cell = Sanitizer.forTerminal((ColumnPlan.cell(obj, col) ?? .null).scalarText)
            widths[i] = max(widths[i], DisplayWidth.of(cell))
            if i > 0 { text.append(0) }
            text.append(contentsOf: cell.utf8)
        }
        rowEnds.append(text.count)
    }

    public func finish(complete: Bool) throws {
        let cols = columns ?? plan.tableColumns(first: nil)
        guard !cols.isEmpty else { try io.flush(); return }
        if widths.count != cols.count { widths = cols.map { headers ? DisplayWidth.of($0) : 0 } }
        var keep = Array(cols.indices)
        var fitted = widths
        if io.stdoutIsTTY, let w = io.terminalWidth {
            let droppable = plan.requested == nil ? dropOrder.compactMap { cols.firstIndex(of: $0) }.filter { cols[$0] != "id" } : []
            keep = TableLayout.columnsToKeep(widths, droppable: droppable, into: w)
            dropped = cols.indices.filter { !keep.contains($0) }.map { cols[$0] }
            fitted = TableLayout.fit(keep.map { widths[$0] }, into: w)
        }
        if headers {
            try io.out(TableLayout.line(keep.map { cols[$0].uppercased() }, widths: fitted, bold: io.style.color ? .all : .none))
        }
        var start = 0
        for end in rowEnds {
            let cells = text[start..<end].split(separator: 0, omittingEmptySubsequences: false)
            try io.out(TableLayout.line(keep.map { $0 < cells.count ? String(decoding: cells[$0], as: UTF8.self) : "" },
                                        widths: fitted, bold: .none))
            start = end
        }
        text = []
        let rows = rowEnds.count
        rowEnds = []
        try io.flush()
        if !dropped.isEmpty && io.stderrIsTTY {
            io.note("COLUMNS_DROPPED", "\(dropped.count) column\(dropped.count == 1 ? "" : "s") left out to fit \(io.terminalWidth ?? 0) columns: \(dropped.joined(separator: ", ")); choose columns with --fields")
        }
        if rows == 0 && complete && io.stderrIsTTY { io.note("NO_RESULTS", "no results") }
    }

    /// `get`: a vertical KEY VALUE table, nested objects flattened to dotted keys; on a
    /// terminal, long values wrap within the value column instead of being cut.
    public static func vertical(_ item: JSONValue, io: IOStreams, fields: [String]?) throws {
        guard let obj = item.objectValue else {
            try io.out(Sanitizer.forTerminal(item.scalarText) + "\n")
            return
        }
        var keys: [String] = []
        if let f = fields { keys = f } else { ColumnPlan.flatten(obj, prefix: "", into: &keys) }
        let rows = keys.map { ($0.uppercased(), Sanitizer.forTerminal((ColumnPlan.cell(obj, $0) ?? .null).scalarText)) }
        let keyWidth = rows.map { DisplayWidth.of($0.0) }.max() ?? 0
        let valueWidth = io.stdoutIsTTY ? io.terminalWidth.map { max(10, $0 - keyWidth - TableLayout.gap) } : nil
        var out = ""
        for (k, v) in rows {
            let key = DisplayWidth.pad(k, to: keyWidth)
            let shownKey = io.style.color ? "\u{1B}[1m" + key + "\u{1B}[0m" : key
            let pieces = valueWidth.map { DisplayWidth.wrap(v, to: $0) } ?? [v]
            for (i, piece) in pieces.enumerated() {
                let lead = i == 0 ? shownKey : String(repeating: " ", count: keyWidth)
                var line = lead + String(repeating: " ", count: TableLayout.gap) + piece
                while line.hasSuffix(" ") { line.removeLast() }
                out += line + "\n"
            }
        }
        try io.out(out)
        try io.flush()
    }
}

/// Column sizing, dropping and cutting, apart from I/O so it is tested alone.
public enum TableLayout {
    public static let gap = 2

    public enum Bold { case none, all, first }

    /// One row: each cell cut and padded to its column, `gap` spaces between, no
    /// trailing blanks, a newline at the end.
    public static func line(_ cells: [String], widths: [Int], bold: Bold) -> String {
        let n = widths.count
        var line = ""
        for i in 0..<n {
            let text = DisplayWidth.truncate(i < cells.count ? cells[i] : "", to: widths[i])
            let isLast = i == n - 1
            let cell = isLast ? text : DisplayWidth.pad(text, to: widths[i])
            let isBold = bold == .all || (bold == .first && i == 0)
            line += isBold ? "\u{1B}[1m" + cell + "\u{1B}[0m" : cell
            if !isLast { line += String(repeating: " ", count: gap) }
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line + "\n"
    }

    /// The indices of the columns to show: all of them if they fit `total` cells at their
    /// natural widths; otherwise droppable columns go, in their order, until they fit
    /// (or none is left to drop).
    public static func columnsToKeep(_ widths: [Int], droppable: [Int], into total: Int) -> [Int] {
        var keep = Array(widths.indices)
        func need() -> Int { keep.reduce(0) { $0 + widths[$1] } + gap * max(0, keep.count - 1) }
        for d in droppable where need() > total {
            keep.removeAll { $0 == d }
        }
        return keep
    }

    /// Shrinks the widest columns until the row fits `total` cells (each keeps at least 3).
    public static func fit(_ widths: [Int], into total: Int) -> [Int] {
        var w = widths
        let gaps = gap * max(0, w.count - 1)
        while w.reduce(0, +) + gaps > total {
            guard let i = w.indices.max(by: { w[$0] < w[$1] }), w[i] > 3 else { break }
            w[i] -= 1
        }
        return w
    }
}
