/// A zip archive written front to back, entry by entry, in constant memory (PKWARE's
/// APPNOTE.TXT): each entry's local header goes out with its CRC and sizes left at zero
/// (general purpose bit 3), its bytes are stored as they come with the CRC-32 computed
/// on the way, and a data descriptor after them gives the CRC and sizes. The central
/// directory at the end repeats them; readers use it.
///
/// Entries are stored, not deflated: the bytes pass `IOStreams` as the text they are, so
/// the run's secret check sees them (docs/CONTRACT.md §10.1), and no compressor is needed.
///
/// Zip64: an entry, an offset or the directory beyond 4 GiB - 1 gets the Zip64 fields in
/// the central directory and 8-byte sizes in its data descriptor, and the archive the
/// Zip64 end records (as Go's archive/zip writes it: the local header cannot know the
/// size in advance, and readers take the sizes from the directory).
struct ZipStream {
    /// Where the archive's bytes go (stdout, through IOStreams).
    let emit: ([UInt8]) throws -> Void
    /// Sizes and offsets above this use Zip64 (a parameter so that tests reach that path).
    let zip64Above: UInt64

    private struct Entry {
        let name: [UInt8]
        let offset: UInt64
        var crc: UInt32 = 0
        var size: UInt64 = 0
    }

    private var entries: [Entry] = []
    private var open: Entry?
    private var crc = CRC32()
    private(set) var written: UInt64 = 0

    init(zip64Above: UInt64 = 0xFFFF_FFFF, emit: @escaping ([UInt8]) throws -> Void) {
        self.emit = emit
        self.zip64Above = zip64Above
    }

    /// 1980-01-01 00:00 in MS-DOS form: the same workbook for the same data (no clock).
    static let dosTime: UInt16 = 0
    static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    /// Bit 3: CRC and sizes follow the data. Bit 11: names are UTF-8.
    static let flags: UInt16 = 0x0008 | 0x0800

    private mutating func out(_ b: [UInt8]) throws {
        try emit(b)
        written += UInt64(b.count)
    }

    /// Starts an entry (ending the one before).
    mutating func begin(_ name: String) throws {
        try end()
        let n = Array(name.utf8)
        var h: [UInt8] = []
        h.le32(0x0403_4B50)
        h.le16(20)                 // version needed: 2.0 (stored, data descriptor)
        h.le16(ZipStream.flags)
        h.le16(0)                  // stored
        h.le16(ZipStream.dosTime)
        h.le16(ZipStream.dosDate)
        h.le32(0); h.le32(0); h.le32(0)   // CRC, sizes: in the data descriptor
        h.le16(UInt16(n.count))
        h.le16(0)
        h += n
        open = Entry(name: n, offset: written)
        crc = CRC32()
        try out(h)
    }

    /// Bytes of the open entry.
    mutating func write(_ b: [UInt8]) throws {
        guard open != nil else { return }
        crc.update(b)
        open!.size += UInt64(b.count)  // checked just above
        try out(b)
    }

    /// Ends the open entry with its data descriptor.
    mutating func end() throws {
        guard var e = open else { return }
        open = nil
        e.crc = crc.value
        var d: [UInt8] = []
        d.le32(0x0807_4B50)
        d.le32(e.crc)
        if e.size > zip64Above { d.le64(e.size); d.le64(e.size) } else { d.le32(UInt32(e.size)); d.le32(UInt32(e.size)) }
        try out(d)
        entries.append(e)
    }

    /// Ends the open entry and writes the central directory: the archive is whole.
    mutating func close() throws {
        try end()
        let start = written
        for e in entries {
            let big = e.size > zip64Above || e.offset > zip64Above
            var extra: [UInt8] = []
            if big {
                extra.le16(0x0001)
                extra.le16(24)
                extra.le64(e.size); extra.le64(e.size); extra.le64(e.offset)
            }
            var c: [UInt8] = []
            c.le32(0x0201_4B50)
            c.le16(big ? 45 : 20)  // made by: MS-DOS attributes, spec 2.0 (4.5 with Zip64)
            c.le16(big ? 45 : 20)
            c.le16(ZipStream.flags)
            c.le16(0)
            c.le16(ZipStream.dosTime)
            c.le16(ZipStream.dosDate)
            c.le32(e.crc)
            c.le32(big ? 0xFFFF_FFFF : UInt32(e.size))
            c.le32(big ? 0xFFFF_FFFF : UInt32(e.size))
            c.le16(UInt16(e.name.count))
            c.le16(UInt16(extra.count))
            c.le16(0)              // comment
            c.le16(0)              // disk
            c.le16(0)              // internal attributes
            c.le32(0)              // external attributes
            c.le32(big ? 0xFFFF_FFFF : UInt32(e.offset))
            c += e.name
            c += extra
            try out(c)
        }
        let size = written - start
        if start > zip64Above || size > zip64Above || entries.count >= 0xFFFF {
            let record = written
            var z: [UInt8] = []
            z.le32(0x0606_4B50)
            z.le64(44)             // size of the rest of this record
            z.le16(45); z.le16(45)
            z.le32(0); z.le32(0)   // this disk, the directory's disk
            z.le64(UInt64(entries.count)); z.le64(UInt64(entries.count))
            z.le64(size); z.le64(start)
            z.le32(0x0706_4B50)    // the locator
            z.le32(0)
            z.le64(record)
            z.le32(1)
            try out(z)
        }
        var eocd: [UInt8] = []
        eocd.le32(0x0605_4B50)
        eocd.le16(0); eocd.le16(0)
        let count = UInt16(min(entries.count, 0xFFFF))
        eocd.le16(count); eocd.le16(count)
        eocd.le32(size > zip64Above ? 0xFFFF_FFFF : UInt32(size))
        eocd.le32(start > zip64Above ? 0xFFFF_FFFF : UInt32(start))
        eocd.le16(0)
        try out(eocd)
    }
}

/// CRC-32 as zip (and PNG, gzip) use it: polynomial 0xEDB88320, reflected. Eight bytes a
/// step with eight tables ("slicing by 8"): a byte at a time was 15 % of a walk's CPU
/// under -o xlsx (perf, 100,000 invoices).
struct CRC32 {
    /// Table k gives the CRC of a byte followed by k zero bytes; 256 entries each, end to end.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 256 * 8)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let prev = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()
    private var state: UInt32 = 0xFFFF_FFFF

    mutating func update(_ bytes: [UInt8]) {
        var c = state
        CRC32.tables.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                var i = 0
                let n = b.count
                while i + 8 <= n {
                    let one = c ^ (UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24)
                    let two = UInt32(b[i + 4]) | UInt32(b[i + 5]) << 8 | UInt32(b[i + 6]) << 16 | UInt32(b[i + 7]) << 24
                    c = t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
                        ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
                        ^ t[3 * 256 + Int(two & 0xFF)] ^ t[2 * 256 + Int((two >> 8) & 0xFF)]
                        ^ t[256 + Int((two >> 16) & 0xFF)] ^ t[Int(two >> 24)]
                    i += 8
                }
                while i < n {
                    c = t[Int((c ^ UInt32(b[i])) & 0xFF)] ^ (c >> 8)
                    i += 1
                }
            }
        }
        state = c
    }

    var value: UInt32 { state ^ 0xFFFF_FFFF }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func le64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { append(UInt8((v >> UInt64(s)) & 0xFF)) } }
}
