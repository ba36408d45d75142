import SoporteJSON

/// `-o xlsx` (docs/CONTRACT.md §14.1): an Office Open XML workbook of one sheet, streamed in constant
/// memory. Columns are the CSV writer's (`ColumnPlan.flatColumns`, `CellReader`); cells
/// are typed (`SheetCell`); strings are inline (`t="inlineStr"`), so no shared-string
/// table has to be held until the end. Only the first rows wait, to size the columns
/// (`<cols>` comes before the rows in the sheet's XML); after them every row goes out as
/// it comes. The header row is bold and frozen and carries an autofilter.
///
/// A walk that fails (`finish(complete: false)`) leaves the archive without its central
/// directory: no reader takes part of a walk for the whole of it, as with `-o json`.
public final class XLSXWriter: ItemWriter {
    /// Rows looked at to size the columns, and the most bytes held for them.
    static let sizingRows = 100
    static let sizingBytes = 8 << 20
    /// What a sheet holds (ECMA-376, Excel's limits).
    static let maxRows = 1_048_576
    static let maxColumns = 16_384
    /// What the help of the commands that take `-o xlsx` says of it.
    public static let help = "-o xlsx also writes a workbook (Excel, LibreOffice): redirect it to a file."
    /// Bytes gathered before they are checked for secrets and written.
    static let chunk = 1 << 16

    let io: IOStreams
    let plan: ColumnPlan
    let headers: Bool
    let sheetName: String
    private var zip: ZipStream
    private var columns: [String]?
    private var reader: ColumnPlan.CellReader?
    private var refs: [[UInt8]] = []
    private var widths: [Int] = []
    /// Rows written so far (the header included).
    private var rows = 0
    /// Rows held until the columns are sized; then nil.
    private var held: [UInt8]? = []
    private var pending: [UInt8] = []
    private var row: [UInt8] = []

    public init(io: IOStreams, plan: ColumnPlan, headers: Bool, sheetName: String) {
        self.io = io
        self.plan = plan
        self.headers = headers
        self.sheetName = XLSXWriter.validSheetName(sheetName)
        zip = ZipStream { [io] bytes in try io.out(bytes) }
    }

    /// A sheet name Excel takes: 1 to 31 characters, none of `[ ] : * ? / \`.
    static func validSheetName(_ s: String) -> String {
        let cleaned = String(s.unicodeScalars.filter { !"[]:*?/\\".unicodeScalars.contains($0) && $0.value >= 0x20 }.prefix(31).map(Character.init))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }

    // MARK: - Items

    public func write(_ item: JSONValue) throws {
        if reader == nil {
            let cols = plan.flatColumns(first: item)
            try start(cols)
        }
        let cells = reader!.cells(item.objectValue ?? JSONObject([("value", item)]))  // set by start
        try append(cells)
    }

    private func start(_ cols: [String]) throws {
        guard cols.count <= XLSXWriter.maxColumns else {
            throw SoporteError.usage("-o xlsx holds at most \(XLSXWriter.maxColumns) columns, not \(cols.count): use -o csv")
        }
        columns = cols
        reader = ColumnPlan.CellReader(columns: cols)
        refs = cols.indices.map(SheetCell.columnName)
        widths = cols.map { _ in 0 }
        try zip.begin("[Content_Types].xml")
        try zip.write(Array(XLSXParts.contentTypes.utf8))
        try zip.begin("_rels/.rels")
        try zip.write(Array(XLSXParts.rootRels.utf8))
        try zip.begin("xl/_rels/workbook.xml.rels")
        try zip.write(Array(XLSXParts.workbookRels.utf8))
        try zip.begin("xl/styles.xml")
        try zip.write(Array(XLSXParts.styles.utf8))
        try zip.begin("xl/worksheets/sheet1.xml")
        try zip.write(Array(XLSXParts.sheetHead(frozen: headers && !cols.isEmpty).utf8))
        if headers { try append(cols.map { .string($0) }, style: .header) }
    }

    /// One row: typed cells, references, and the widths of the first rows.
    private func append(_ cells: [JSONValue], style forced: SheetCell.Style? = nil) throws {
        guard rows < XLSXWriter.maxRows else {
            throw SoporteError.usage("-o xlsx holds at most \(XLSXWriter.maxRows) rows: use -o csv, or --limit")
        }
        rows += 1
        let number = Array(String(rows).utf8)
        let sizing = held != nil
        var out = row
        row = []
        out.removeAll(keepingCapacity: true)
        out += "<row r=\"".utf8; out += number; out += "\">".utf8
        for (i, v) in cells.enumerated() {
            var shown = 0
            func open(_ type: String?, _ style: SheetCell.Style) {
                out += "<c r=\"".utf8; out += refs[i]; out += number; out.append(0x22)
                if let type { out += " t=\"".utf8; out += type.utf8; out.append(0x22) }
                if style != .plain { out += " s=\"".utf8; out += String(style.rawValue).utf8; out.append(0x22) }
                out.append(0x3E)
            }
            func text(_ s: String, _ style: SheetCell.Style) {
                open("inlineStr", style)
                out += "<is><t xml:space=\"preserve\">".utf8
                var s = s
                if s.withUTF8(SheetCell.needsEscaping) {
                    // Escaped, a secret's text would not be found by the byte check below.
                    var r = io.secrets.redact(s)
                    r.withUTF8 { SheetCell.appendEscaped($0, to: &out) }
                } else {
                    s.withUTF8 { out.append(contentsOf: $0) }
                }
                out += "</t></is></c>".utf8
                if sizing { shown = DisplayWidth.of(String(s.prefix(200))) }
            }
            switch v {
            case .null: break
            case .string(let s) where forced == nil:
                var s = s
                if let (serial, style) = s.withUTF8({ SheetCell.dateSerial($0) }) {
                    open(nil, style); out += "<v>".utf8; out += serial; out += "</v></c>".utf8
                    shown = style == .date ? 10 : style == .dateTime ? 19 : 23
                } else {
                    text(s, .plain)
                }
            case .string(let s): text(s, forced ?? .plain)
            case .number(let n) where SheetCell.isFiniteNumber(n):
                open(nil, .plain); out += "<v>".utf8; out += n.utf8; out += "</v></c>".utf8
                shown = n.utf8.count
            case .bool(let b):
                open("b", .plain); out += (b ? "<v>1</v></c>" : "<v>0</v></c>").utf8
                shown = 5
            default:
                text(v.scalarText, .plain)  // containers as compact JSON, as in CSV
            }
            if sizing, shown > widths[i] { widths[i] = shown }
        }
        out += "</row>".utf8
        if held != nil {
            held!.append(contentsOf: out)  // checked just above
            if rows > XLSXWriter.sizingRows || held!.count > XLSXWriter.sizingBytes { try settle() }
        } else {
            pending.append(contentsOf: out)
            if pending.count >= XLSXWriter.chunk { try drain() }
        }
        row = out
    }

    /// The first rows are in: the column widths, then the rows held for them.
    private func settle() throws {
        guard let rowsHeld = held else { return }
        held = nil
        var head: [UInt8] = []
        if !widths.isEmpty {
            head += "<cols>".utf8
            for (i, w) in widths.enumerated() {
                let width = min(max(w, 4), 60) + 2
                head += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(width)\" customWidth=\"1\"/>".utf8
            }
            head += "</cols>".utf8
        }
        head += "<sheetData>".utf8
        try zip.write(head)
        pending = rowsHeld
        try drain()
    }

    /// Writes the gathered rows, with any secret's text in them replaced (as IOStreams
    /// would, but before the CRC, so that the archive stays whole).
    private func drain() throws {
        guard !pending.isEmpty else { return }
        try zip.write(io.secrets.redact(pending))
        pending.removeAll(keepingCapacity: true)
    }

    public func finish(complete: Bool) throws {
        defer { try? io.flush() }
        guard complete else {
            if held == nil { try drain() }
            return
        }
        if columns == nil {
            try start(headers ? plan.flatColumns(first: nil) : [])
        }
        try settle()
        try drain()
        let cols = columns ?? []
        let range = cols.isEmpty ? nil : "A1:" + String(decoding: SheetCell.columnName(cols.count - 1), as: UTF8.self) + String(max(rows, 1))
        try zip.write(Array(XLSXParts.sheetTail(filter: headers ? range : nil).utf8))
        try zip.begin("xl/workbook.xml")
        try zip.write(Array(XLSXParts.workbook(sheet: sheetName, filter: headers ? range : nil).utf8))
        try zip.close()
        try io.flush()
    }
}
