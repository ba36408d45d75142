import XCTest
@testable import SoporteKit
import SoporteJSON

/// The pieces of `-o xlsx` alone: the zip's CRC and records, the date serials, the
/// escaping of text, and a whole workbook's sheet (docs/CONTRACT.md §14.1).
final class XLSXTests: XCTestCase {
    func testCRC32OfTheCheckString() {
        var c = CRC32()
        c.update(Array("123456789".utf8))
        XCTAssertEqual(c.value, 0xCBF4_3926)
        var long = CRC32()
        long.update((0..<1000).map { UInt8($0 % 256) })
        XCTAssertEqual(long.value, 0x74E3_FB41, "eight bytes a step, then the tail")
        var split = CRC32()
        split.update(Array("1234".utf8))
        split.update(Array("56789".utf8))
        XCTAssertEqual(split.value, 0xCBF4_3926, "in pieces")
        var empty = CRC32()
        empty.update([])
        XCTAssertEqual(empty.value, 0)
    }

    func le32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) } }

    func zip(zip64Above: UInt64 = 0xFFFF_FFFF) throws -> [UInt8] {
        var out: [UInt8] = []
        var z = ZipStream(zip64Above: zip64Above) { out += $0 }
        try z.begin("a.txt")
        try z.write(Array("1234".utf8))
        try z.write(Array("56789".utf8))
        try z.begin("b.txt")
        try z.close()
        return out
    }

    func testEntriesHaveDataDescriptorsAndTheDirectoryRepeatsThem() throws {
        let b = try zip()
        XCTAssertEqual(le32(b, 0), 0x0403_4B50)
        XCTAssertEqual(b[6] & 0x08, 0x08, "bit 3: sizes after the data")
        XCTAssertEqual(le32(b, 14), 0, "no CRC in the local header")
        let descriptor = 30 + 5 + 9
        XCTAssertEqual(le32(b, descriptor), 0x0807_4B50)
        XCTAssertEqual(le32(b, descriptor + 4), 0xCBF4_3926)
        XCTAssertEqual(le32(b, descriptor + 8), 9)
        let eocd = b.count - 22
        XCTAssertEqual(le32(b, eocd), 0x0605_4B50)
        XCTAssertEqual(b[eocd + 10], 2, "two entries")
        let dir = Int(le32(b, eocd + 16))
        XCTAssertEqual(le32(b, dir), 0x0201_4B50)
        XCTAssertEqual(le32(b, dir + 16), 0xCBF4_3926)
        XCTAssertEqual(le32(b, dir + 20), 9)
        XCTAssertNotEqual(le32(b, eocd - 20), 0x0706_4B50, "no Zip64 records when small")
    }

    func testBeyondTheLimitZip64FieldsAndEndRecords() throws {
        let b = try zip(zip64Above: 4)
        let eocd = b.count - 22
        XCTAssertEqual(le32(b, eocd - 20), 0x0706_4B50, "the Zip64 locator")
        XCTAssertEqual(le32(b, eocd - 20 - 56), 0x0606_4B50, "the Zip64 end record")
        XCTAssertEqual(le32(b, eocd + 16), 0xFFFF_FFFF)
        let descriptor = 30 + 5 + 9
        XCTAssertEqual(le32(b, descriptor + 8), 9, "8-byte sizes: low half")
        XCTAssertEqual(le32(b, descriptor + 12), 0, "8-byte sizes: high half")
    }

    func serial(_ s: String) -> String? {
        var s = s
        return s.withUTF8 { SheetCell.dateSerial($0) }.map { String(decoding: $0.serial, as: UTF8.self) }
    }

    func testDatesAreSerialsInUTC() {
        XCTAssertEqual(serial("1970-01-01"), "25569")
        XCTAssertEqual(serial("2026-03-01T12:00:00Z"), "46082.5")
        XCTAssertEqual(serial("2026-03-01T14:00:00+02:00"), "46082.5")
        XCTAssertEqual(serial("2026-03-01T07:00:00-05:00"), "46082.5")
        XCTAssertEqual(serial("2026-03-01T00:00:00.5Z"), "46082.000005787")
        XCTAssertEqual(serial("2026-03-01T23:59:59.9996Z"), "46083", "rounded to the millisecond, into the next day")
        XCTAssertEqual(serial("1900-03-01"), "61")
        XCTAssertEqual(serial("2024-02-29"), "45351")
        for text in ["1900-02-28", "2026-02-30", "2026-13-01", "2026-03-01T10:00:00", "2026-03-01 10:00:00Z",
                     "2026-03-01T24:00:00Z", "2026-03-01T10:00:60Z", "2026-03-01T10:00:00+0200", "007", "1e5", "2026-3-1",
                     "2026-03-01T10:00:00.Z", "2026-03-01T10:00:00Zx"] {
            XCTAssertNil(serial(text), text)
        }
    }

    func testTextIsEscapedForXMLAndOOXML() {
        func esc(_ s: String) -> String {
            var out: [UInt8] = []
            var s = s
            s.withUTF8 { SheetCell.appendEscaped($0, to: &out) }
            return String(decoding: out, as: UTF8.self)
        }
        XCTAssertEqual(esc("a<b>&c"), "a&lt;b&gt;&amp;c")
        XCTAssertEqual(esc("a\r\nb\tc"), "a&#13;\nb\tc")
        XCTAssertEqual(esc("\u{1}\u{1B}\u{1F}"), "_x0001__x001B__x001F_")
        XCTAssertEqual(esc("_x0041_ and _x41_"), "_x005F_x0041_ and _x41_")
        XCTAssertEqual(esc("x\u{FFFF}\u{FFFE}\u{FEFF}"), "x_xFFFF__xFFFE_\u{FEFF}")
        XCTAssertEqual(esc("ñ 山田"), "ñ 山田")
    }

    func testColumnNames() {
        XCTAssertEqual(String(decoding: SheetCell.columnName(0), as: UTF8.self), "A")
        XCTAssertEqual(String(decoding: SheetCell.columnName(25), as: UTF8.self), "Z")
        XCTAssertEqual(String(decoding: SheetCell.columnName(26), as: UTF8.self), "AA")
        XCTAssertEqual(String(decoding: SheetCell.columnName(16_383), as: UTF8.self), "XFD")
    }

    /// The sheet's XML, read out of the stored archive (entries are stored, so it is there as text).
    func sheet(_ items: [String], fields: [String]? = nil, headers: Bool = true) throws -> String {
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts())
        let w = XLSXWriter(io: io, plan: ColumnPlan(requested: fields, defaults: ["id"]), headers: headers, sheetName: "accounts")
        for i in items { try w.write(try JSONParser.parse(i)) }
        try w.finish(complete: true)
        let text = out.text
        let start = text.range(of: "<worksheet")!.lowerBound
        let end = text.range(of: "</worksheet>")!.upperBound
        return String(text[start..<end])
    }

    func testCellsAreTyped() throws {
        let s = try sheet([#"{"id":7,"n":"007","e":"1e5","amount":100.10,"ok":true,"none":null,"at":"2026-03-01T12:00:00Z","tags":["a"],"limits":{"db":5}}"#])
        XCTAssertTrue(s.contains(#"<c r="A2"><v>7</v></c>"#), s)
        XCTAssertTrue(s.contains(#"<c r="B2" t="inlineStr"><is><t xml:space="preserve">007</t></is></c>"#), s)
        XCTAssertTrue(s.contains(#"<c r="C2" t="inlineStr"><is><t xml:space="preserve">1e5</t></is></c>"#), s)
        XCTAssertTrue(s.contains(#"<c r="D2"><v>100.10</v></c>"#), s)
        XCTAssertTrue(s.contains(#"<c r="E2" t="b"><v>1</v></c>"#), s)
        XCTAssertFalse(s.contains(#"r="F2""#), "null: no cell")
        XCTAssertTrue(s.contains(#"<c r="G2" s="3"><v>46082.5</v></c>"#), s)
        XCTAssertTrue(s.contains(#"<t xml:space="preserve">["a"]</t>"#), s)
        XCTAssertTrue(s.contains(#"<c r="I1" t="inlineStr" s="1"><is><t xml:space="preserve">limits.db</t>"#), s)
        XCTAssertTrue(s.contains(#"<autoFilter ref="A1:I2"/>"#), s)
        XCTAssertTrue(s.contains(#"state="frozen""#), s)
    }

    func testNoHeadersNoFilterNoPaneAndNoItemsStillAHeader() throws {
        let bare = try sheet([#"{"id":1}"#], headers: false)
        XCTAssertFalse(bare.contains("autoFilter") || bare.contains("frozen") || bare.contains("r=\"2\""), bare)
        let empty = try sheet([])
        XCTAssertTrue(empty.contains(#"<t xml:space="preserve">id</t>"#) && empty.contains(#"<autoFilter ref="A1:A1"/>"#), empty)
    }

    func testASecretIsReplacedBeforeTheCRCSoNothingIsLeftForTheStream() throws {
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts())
        io.secrets.add("skLive9f8e7d", placeholder: "$SOPORTE_API_TOKEN")
        let w = XLSXWriter(io: io, plan: ColumnPlan(requested: nil, defaults: nil), headers: true, sheetName: "x")
        try w.write(try JSONParser.parse(#"{"a":"skLive9f8e7d","b":"<skLive9f8e7d>"}"#))
        try w.finish(complete: true)
        XCTAssertFalse(out.text.contains("skLive9f8e7d"))
        // Each entry's descriptor holds the CRC of the bytes that went out: replaced after
        // the CRC (by the stream), the archive would not be whole.
        let b = out.bytes
        var i = 0, entries = 0
        while i + 30 <= b.count, le32(b, i) == 0x0403_4B50 {
            let nameLength = Int(b[i + 26]) | Int(b[i + 27]) << 8
            let start = i + 30 + nameLength
            var end = start
            while le32(b, end) != 0x0807_4B50 { end += 1 }
            var crc = CRC32()
            crc.update(Array(b[start..<end]))
            XCTAssertEqual(le32(b, end + 4), crc.value)
            XCTAssertEqual(Int(le32(b, end + 8)), end - start)
            entries += 1
            i = end + 16
        }
        XCTAssertEqual(entries, 6)
        XCTAssertTrue(out.text.contains("<t xml:space=\"preserve\">[redacted]</t>") && out.text.contains("&lt;[redacted]&gt;"), out.text)
    }

    func testAFailedWalkWritesNoCentralDirectory() throws {
        let out = BufferSink()
        let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts())
        let w = XLSXWriter(io: io, plan: ColumnPlan(requested: nil, defaults: nil), headers: true, sheetName: "x")
        try w.write(try JSONParser.parse(#"{"a":1}"#))
        try w.finish(complete: false)
        let b = out.bytes
        XCTAssertFalse(b.isEmpty)
        XCTAssertFalse((0..<max(0, b.count - 3)).contains { b[$0] == 0x50 && b[$0 + 1] == 0x4B && b[$0 + 2] == 0x05 && b[$0 + 3] == 0x06 })
    }
}
