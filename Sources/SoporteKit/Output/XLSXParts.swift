/// The fixed parts of the workbook `XLSXWriter` writes (ECMA-376 Part 1 and Part 2, the
/// Open Packaging Conventions): content types, relationships, styles, and the XML around
/// the sheet's rows.
enum XLSXParts {
    static let xmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static let contentTypes = xmlHead + """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """

    static let rootRels = xmlHead + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="\(relNS)/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    static let workbookRels = xmlHead + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="\(relNS)/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="\(relNS)/styles" Target="styles.xml"/>\
        </Relationships>
        """

    /// cellXfs by `SheetCell.Style`: plain, bold header, date, date-time, date-time with
    /// milliseconds (ISO 8601 order, so that every locale reads them the same way).
    static let styles = xmlHead + """
        <styleSheet xmlns="\(mainNS)">\
        <numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
        <numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/>\
        <numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm:ss.000"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
        <font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    /// The sheet up to its column widths; the header row frozen when there is one.
    static func sheetHead(frozen: Bool) -> String {
        let pane = frozen
            ? "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
            : ""
        return xmlHead + "<worksheet xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
            + "<sheetViews><sheetView workbookViewId=\"0\">\(pane)</sheetView></sheetViews>"
            + "<sheetFormatPr defaultRowHeight=\"15\"/>"
    }

    static func sheetTail(filter range: String?) -> String {
        "</sheetData>" + (range.map { "<autoFilter ref=\"\($0)\"/>" } ?? "") + "</worksheet>"
    }

    /// The workbook, written after the sheet so that it can name the filtered range.
    static func workbook(sheet: String, filter range: String?) -> String {
        var names = ""
        if let range {
            let abs = range.split(separator: ":").map { ref -> String in
                let letters = ref.prefix { $0.isLetter }
                return "$" + letters + "$" + ref.dropFirst(letters.count)
            }.joined(separator: ":")
            let quoted = "'" + sheet.replacingAll("'", with: "''") + "'"
            names = "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">"
                + SheetCell.attribute(quoted) + "!" + abs + "</definedName></definedNames>"
        }
        return xmlHead + "<workbook xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
            + "<bookViews><workbookView/></bookViews>"
            + "<sheets><sheet name=\"\(SheetCell.attribute(sheet))\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
            + names + "</workbook>"
    }
}
