import SoporteJSON

/// `-o table`: rows buffered to size the columns by display width, cut to the
/// terminal width on a TTY, header in capitals, API text sanitized for the terminal.
public final class TableWriter: ItemWriter {
    let io: IOStreams
    let plan: ColumnPlan
    let headers: Bool
    var columns: [String]?
    /// Every row's cells, UTF-8, joined by NUL (sanitized text never holds a raw control
    /// character), all rows in one buffer; `rowEnds` marks where each ends. 100,000
    /// accounts took 70 MiB as arrays of cells and 38 MiB as a string a row.
    var text: [UInt8] = []
    var rowEnds: [Int] = []
    /// The widest cell of each column so far, header included.
    var widths: [Int] = []

    public init(io: IOStreams, plan: ColumnPlan, headers: Bool) {
        self.io = io
        self.plan = plan
        self.headers = headers
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
        var fitted = widths
        if io.stdoutIsTTY, let w = io.terminalWidth { fitted = TableLayout.fit(widths, into: w) }
        if headers {
            try io.out(TableLayout.line(cols.map { $0.uppercased() }, widths: fitted, bold: io.colorEnabled ? .all : .none))
        }
        var start = 0
        for end in rowEnds {
            let cells = text[start..<end].split(separator: 0, omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            try io.out(TableLayout.line(cells, widths: fitted, bold: .none))
            start = end
        }
        text = []
        rowEnds = []
        try io.flush()
    }

    /// `get`: a vertical KEY VALUE table, nested objects flattened to dotted keys.
    public static func vertical(_ item: JSONValue, io: IOStreams, fields: [String]?) throws {
        guard let obj = item.objectValue else {
            try io.out(Sanitizer.forTerminal(item.scalarText) + "\n")
            return
        }
        var keys: [String] = []
        if let f = fields { keys = f } else { ColumnPlan.flatten(obj, prefix: "", into: &keys) }
        let rows = keys.map { [$0.uppercased(), Sanitizer.forTerminal((ColumnPlan.cell(obj, $0) ?? .null).scalarText)] }
        try io.out(TableLayout.render(header: nil, rows: rows, width: io.stdoutIsTTY ? io.terminalWidth : nil,
                                      color: io.colorEnabled, boldFirstColumn: true))
        try io.flush()
    }
}

/// Column sizing and cutting, separate from I/O so it can be tested alone.
public enum TableLayout {
    static let gap = 2

    public static func render(header: [String]?, rows: [[String]], width: Int?, color: Bool,
                              boldFirstColumn: Bool = false) -> String {
        let all = (header.map { [$0] } ?? []) + rows
        guard let n = all.first?.count, n > 0 else { return "" }
        var widths = Array(repeating: 0, count: n)
        for r in all { for (i, c) in r.enumerated() where i < n { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
        if let w = width { widths = fit(widths, into: w) }
        var out = ""
        for (ri, r) in all.enumerated() {
            let bold: Bold = !color ? .none : (header != nil && ri == 0) ? .all : boldFirstColumn ? .first : .none
            out += line(r, widths: widths, bold: bold)
        }
        return out
    }

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
