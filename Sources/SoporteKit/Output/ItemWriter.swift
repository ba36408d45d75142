#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON

/// Writes a stream of items (list output) in one format. `finish(complete:)` is called
/// once; `complete: false` after a failed walk (JSON then leaves its array unclosed so
/// that no consumer mistakes partial data for a whole document).
public protocol ItemWriter: AnyObject {
    func write(_ item: JSONValue) throws
    /// The item at `index` of a tape. JSON writers copy its bytes; the others decode it.
    /// `escapedString` may replace strings that had escapes (a secret spelt with them).
    func write(_ tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) throws
    func finish(complete: Bool) throws
    /// True while items handed to the writer are held back, not yet on stdout (a table
    /// sizing its columns): a walk stopped by a signal must print them first (docs/CONTRACT.md §13.4).
    var holdsRows: Bool { get }
}

extension ItemWriter {
    public var holdsRows: Bool { false }

    public func write(_ tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) throws {
        try write(tape.value(at: index, escapedString: escapedString))
    }
}

/// How columns are chosen and cells are read, shared by table, CSV and TSV.
public struct ColumnPlan {
    /// Columns asked for with --fields, if any.
    public var requested: [String]?
    /// The resource's default table columns, if any.
    public var defaults: [String]?
    /// The resource's known fields with nested objects as dotted names: the CSV/TSV
    /// columns of a list without items, the columns its items would have had.
    public var flatDefaults: [String]?

    public init(requested: [String]?, defaults: [String]?) {
        self.requested = requested
        self.defaults = defaults
    }

    /// Columns for a table: --fields, else the defaults present in the item, else its keys.
    public func tableColumns(first: JSONValue?) -> [String] {
        if let r = requested { return r }
        guard let obj = first?.objectValue else { return defaults ?? [] }
        if let d = defaults {
            let present = d.filter { ColumnPlan.cell(obj, $0) != nil }
            if !present.isEmpty { return present }
        }
        return obj.keys
    }

    /// Columns for CSV/TSV: --fields, else every field of the first item with nested
    /// objects flattened to dotted names (`server.name`), in the server's order; with no
    /// item at all, the resource's known fields flattened the same way (so that the header
    /// has the same columns whether or not there are items: docs/CONTRACT.md §14.3).
    public func flatColumns(first: JSONValue?) -> [String] {
        if let r = requested { return r }
        guard let obj = first?.objectValue else { return first == nil ? (flatDefaults ?? defaults ?? []) : ["value"] }
        var cols: [String] = []
        ColumnPlan.flatten(obj, prefix: "", into: &cols)
        return cols
    }

    static func flatten(_ o: JSONObject, prefix: String, into cols: inout [String]) {
        for (k, v) in o.entries {
            if case .object(let inner) = v, inner.count > 0 {
                flatten(inner, prefix: prefix + k + ".", into: &cols)
            } else {
                cols.append(prefix + k)
            }
        }
    }

    /// Finds cells by position: rows of a page share their key layout, so the positions
    /// of the columns are worked out once per layout instead of searched per cell.
    public struct CellReader {
        private var layout: [String] = []
        /// Per column: where its value is (top-level index, then the rest of a dotted path).
        private var positions: [(Int, ArraySlice<String>)?] = []
        let columns: [String]
        let parts: [[String]]

        public init(columns: [String]) {
            self.columns = columns
            parts = columns.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        }

        public mutating func cells(_ o: JSONObject) -> [JSONValue] {
            if o.keys != layout {
                layout = o.keys
                positions = columns.indices.map { c in
                    if let i = o.index(of: columns[c]) { return (i, []) }       // a literal key wins
                    if parts[c].count > 1, let i = o.index(of: parts[c][0]) { return (i, parts[c].dropFirst()) }
                    return nil
                }
            }
            return positions.map { pos in
                guard let (i, rest) = pos else { return .null }
                var v = o.values[i]
                for k in rest {
                    guard let next = v[k] else { return .null }
                    v = next
                }
                return v
            }
        }
    }

    /// The value at a dotted path (`server.name`); a literal key with a dot wins.
    public static func cell(_ o: JSONObject, _ path: String) -> JSONValue? {
        if let v = o[path] { return v }
        guard path.contains(".") else { return nil }
        var cur: JSONValue = .object(o)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = cur[String(part)] else { return nil }
            cur = next
        }
        return cur
    }
}

/// `-o json`: one array, written item by item (pretty on a TTY). With `fields`, each item
/// holds only those, in their order (`Fields.select`), whatever the server sent: Laravel
/// ignores `fields=` (docs/CONTRACT.md §12.1).
public final class JSONArrayWriter: ItemWriter {
    let io: IOStreams
    let pretty: Bool
    let fields: [String]?
    var count = 0
    var scratch: [UInt8] = []

    public init(io: IOStreams, pretty: Bool, fields: [String]? = nil) {
        self.io = io
        self.pretty = pretty
        self.fields = fields
    }

    public func write(_ item: JSONValue) throws {
        let item = fields.map { Fields.select($0, from: item) } ?? item
        scratch.removeAll(keepingCapacity: true)
        scratch.append(count == 0 ? 0x5B : 0x2C)
        if pretty { scratch.append(contentsOf: [0x0A, 0x20, 0x20]) }
        JSONWriter.write(item, into: &scratch, indent: pretty ? 2 : nil, level: pretty ? 1 : 0)
        count += 1
        try io.out(scratch)
    }

    public func write(_ tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) throws {
        if let f = fields { return try write(Fields.select(f, tape: tape, index, escapedString: escapedString)) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(count == 0 ? 0x5B : 0x2C)
        if pretty { scratch.append(contentsOf: [0x0A, 0x20, 0x20]) }
        JSONWriter.write(tape, index, into: &scratch, indent: pretty ? 2 : nil, level: pretty ? 1 : 0, escapedString: escapedString)
        count += 1
        try io.out(scratch)
    }

    public func finish(complete: Bool) throws {
        if complete {
            try io.out(count == 0 ? "[]\n" : (pretty ? "\n]\n" : "]\n"))
        }
        try io.flush()
    }
}

/// `-o ndjson`: one compact object per line; `fields` as for `JSONArrayWriter`.
public final class NDJSONWriter: ItemWriter {
    let io: IOStreams
    let fields: [String]?
    var scratch: [UInt8] = []
    public init(io: IOStreams, fields: [String]? = nil) {
        self.io = io
        self.fields = fields
    }

    public func write(_ item: JSONValue) throws {
        let item = fields.map { Fields.select($0, from: item) } ?? item
        scratch.removeAll(keepingCapacity: true)
        JSONWriter.write(item, into: &scratch, indent: nil, level: 0)
        scratch.append(0x0A)
        try io.out(scratch)
    }

    public func write(_ tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) throws {
        if let f = fields { return try write(Fields.select(f, tape: tape, index, escapedString: escapedString)) }
        try io.out { buf in
            JSONWriter.write(tape, index, into: &buf, indent: nil, level: 0, escapedString: escapedString)
            buf.append(0x0A)
        }
    }

    public func finish(complete: Bool) throws { try io.flush() }
}

/// `-o csv` (RFC 4180, LF line ends) and `-o tsv` (escaped tabs, newlines, backslashes).
/// Columns are fixed by --fields or the first item; later extra fields are not shown.
public final class DelimitedWriter: ItemWriter {
    public enum Style { case csv, tsv }
    let io: IOStreams
    let style: Style
    let plan: ColumnPlan
    let headers: Bool
    let csvSafe: Bool
    var columns: [String]?
    var reader: ColumnPlan.CellReader?
    var scratch: [UInt8] = []

    public init(io: IOStreams, style: Style, plan: ColumnPlan, headers: Bool, csvSafe: Bool) {
        self.io = io
        self.style = style
        self.plan = plan
        self.headers = headers
        self.csvSafe = csvSafe
    }

    /// The keys the columns expect, for matching a tape item (made with the columns).
    var layout: KeyLayout?
    /// Kept between items (no allocation per row): the cells' token indices.
    var cellBuffer: [Int32] = []
    var containerScratch: [UInt8] = []

    /// A tape's tokens and bytes, borrowed for one item: reads without reference counting
    /// or calls into the JSON module per token (they were a third of a csv walk's CPU).
    struct TapeView {
        let tape: JSONTape
        let tokens: UnsafeBufferPointer<JSONTape.Token>
        let bytes: UnsafeBufferPointer<UInt8>

        @inline(__always) subscript(i: Int) -> JSONTape.Token { tokens[i] }

        @inline(__always) func raw(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            let t = tokens[i]
            return UnsafeBufferPointer(rebasing: bytes[Int(t.start)..<Int(t.end)])
        }
    }

    /// From a tape: an item whose keys are laid out as the columns expect (the usual
    /// case) is matched once, in order, and its cells written from the page's bytes; any
    /// other item goes through the value path.
    public func write(_ tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) throws {
        guard let columns, plan.requested == nil, tape[index].kind == .object else {
            return try write(tape.value(at: index, escapedString: escapedString))
        }
        if layout == nil {
            layout = KeyLayout(columns: columns)
            cellBuffer = [Int32](repeating: 0, count: columns.count)
        }
        let layout = layout!
        var cells = cellBuffer
        cellBuffer = []
        defer { cellBuffer = cells }
        let separator: UInt8 = style == .csv ? 0x2C : 0x09
        let wrote: Bool = try tape.tokens.withUnsafeBufferPointer { tokens in
            try tape.bytes.withUnsafeBufferPointer { bytes in
                try cells.withUnsafeMutableBufferPointer { cells in
                    guard layout.match(tape, tokens, bytes, object: index, into: cells) else { return false }
                    let view = TapeView(tape: tape, tokens: tokens, bytes: bytes)
                    try io.out { out in
                        for (i, c) in cells.enumerated() {
                            if i > 0 { out.append(separator) }
                            cell(view, Int(c), escapedString, into: &out)
                        }
                        out.append(0x0A)
                    }
                    return true
                }
            }
        }
        if !wrote { try write(tape.value(at: index, escapedString: escapedString)) }
    }

    /// One cell from a tape value: a string's text (decoded only when it had escapes),
    /// a literal as written, null empty, a container as compact JSON.
    private func cell(_ tape: TapeView, _ i: Int, _ escapedString: ((String) -> String?)?, into out: inout [UInt8]) {
        let t = tape[i]
        switch t.kind {
        case .null: return
        case .string where t.escaped:
            var text = tape.tape.decodedString(i)
            if let f = escapedString, let r = f(text) { text = r }
            append(text, isString: true, to: &out)
        case .string:
            let raw = tape.raw(i)
            if style == .csv && csvSafe, let f = raw.first, DelimitedWriter.startsAFormula(f) {
                append(String(decoding: raw, as: UTF8.self), isString: true, to: &out)
                return
            }
            switch style {
            case .csv: DelimitedWriter.appendCSV(raw, to: &out)
            case .tsv: DelimitedWriter.appendTSV(raw, to: &out)
            }
        case .number, .true, .false:
            out.append(contentsOf: tape.raw(i))
        case .array, .object:
            // Compact JSON, quoted as a cell (no formula check: it is not a string).
            var json = containerScratch
            containerScratch = []
            json.removeAll(keepingCapacity: true)
            JSONWriter.write(tape.tape, i, into: &json, indent: nil, level: 0, escapedString: escapedString)
            json.withUnsafeBufferPointer { buf in
                switch style {
                case .csv: DelimitedWriter.appendCSV(buf, to: &out)
                case .tsv: DelimitedWriter.appendTSV(buf, to: &out)
                }
            }
            containerScratch = json
        }
    }

    public func write(_ item: JSONValue) throws {
        var r: ColumnPlan.CellReader
        if let existing = reader {
            r = existing
        } else {
            let cols = plan.flatColumns(first: item)
            columns = cols
            r = ColumnPlan.CellReader(columns: cols)
            if headers { try row(cols.map { ($0, false) }) }
        }
        let cells = r.cells(item.objectValue ?? JSONObject([("value", item)]))
        reader = r
        try row(cells)
    }

    private func row(_ cells: [JSONValue]) throws {
        var out = scratch  // moved out of the instance for the loop
        scratch = []
        out.removeAll(keepingCapacity: true)
        for (i, v) in cells.enumerated() {
            if i > 0 { out.append(style == .csv ? 0x2C : 0x09) }
            switch v {
            case .string(let text): append(text, isString: true, to: &out)
            case .number(let n): out.append(contentsOf: n.utf8)
            case .null: break
            default: append(v.scalarText, isString: false, to: &out)
            }
        }
        out.append(0x0A)
        try io.out(out)
        scratch = out
    }

    private func row(_ headerCells: [(String, Bool)]) throws {
        var out: [UInt8] = []
        for (i, (text, _)) in headerCells.enumerated() {
            if i > 0 { out.append(style == .csv ? 0x2C : 0x09) }
            append(text, isString: false, to: &out)
        }
        out.append(0x0A)
        try io.out(out)
    }

    /// CSV and TSV stay data: exact, with only their own quoting (docs/CONTRACT.md §10.2).
    private func append(_ text: String, isString: Bool, to out: inout [UInt8]) {
        var t = text
        if style == .csv && csvSafe && isString, let f = t.utf8.first, DelimitedWriter.startsAFormula(f) {
            t = "'" + t
        }
        t.withUTF8 { buf in
            switch style {
            case .csv: DelimitedWriter.appendCSV(buf, to: &out)
            case .tsv: DelimitedWriter.appendTSV(buf, to: &out)
            }
        }
    }

    /// A cell starting with one of = + - @ TAB CR is a formula to a spreadsheet
    /// (`--csv-safe` prefixes it with a single quote).
    static func startsAFormula(_ first: UInt8) -> Bool {
        [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first)
    }

    /// RFC 4180: quoted (with doubled quotes) only when it holds a comma, quote, CR or LF.
    static func appendCSV(_ buf: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard buf.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(contentsOf: buf)
            return
        }
        out.append(0x22)
        for b in buf {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }

    static func appendTSV(_ buf: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard buf.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }) else {
            out.append(contentsOf: buf)
            return
        }
        for b in buf {
            switch b {
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            default: out.append(b)
            }
        }
    }

    public func finish(complete: Bool) throws {
        if columns == nil, headers, complete {
            let cols = plan.flatColumns(first: nil)
            if !cols.isEmpty { try row(cols.map { ($0, false) }) }
        }
        try io.flush()
    }
}
