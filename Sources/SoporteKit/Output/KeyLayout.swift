#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON

/// The keys a row's columns expect of an item, in the order a walk of the item meets
/// them, laid out flat so that a tape item is matched with no allocation and no
/// reference counting per key: a column `limits.databases` expects a key `limits` whose
/// value is an object, and in it a key `databases` whose value is a cell. Columns that
/// share a dotted prefix share the object, as flattening the first item made them.
///
/// An item matches when its keys are these, in this order, with objects where objects
/// are expected and cells where cells are; anything else (a key more or less, another
/// order, a nested object where a cell was, a key twice) does not, and goes the general way.
struct KeyLayout {
    /// Per expected key: its bytes' range in `keyBytes`, and the member count of the object
    /// it opens, or -1 when its value is a cell.
    private var keys: [(start: Int32, end: Int32, members: Int32)] = []
    private var keyBytes: [UInt8] = []
    private var rootMembers: Int32 = 0
    let cellCount: Int

    init(columns: [String]) {
        final class Node {
            let key: [UInt8]
            let isCell: Bool
            var children: [Node] = []
            init(_ key: [UInt8], isCell: Bool) { self.key = key; self.isCell = isCell }
        }
        let root = Node([], isCell: false)
        for column in columns {
            let parts = column.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
            var node = root
            for part in parts.dropLast() {
                if let last = node.children.last, !last.isCell, last.key == part {
                    node = last
                } else {
                    let inner = Node(part, isCell: false)
                    node.children.append(inner)
                    node = inner
                }
            }
            node.children.append(Node(parts.last ?? [], isCell: true))
        }
        var keys: [(start: Int32, end: Int32, members: Int32)] = []
        var bytes: [UInt8] = []
        func lay(_ node: Node) {
            for child in node.children {
                let start = Int32(bytes.count)
                bytes += child.key
                keys.append((start, Int32(bytes.count), child.isCell ? -1 : Int32(child.children.count)))
                if !child.isCell { lay(child) }
            }
        }
        lay(root)
        self.keys = keys
        keyBytes = bytes
        rootMembers = Int32(root.children.count)
        cellCount = columns.count
    }

    /// Writes to `cells` the token index of each cell of the object at `object`, in column
    /// order, when the object's keys are laid out as expected; false when they are not.
    func match(_ tape: JSONTape, _ tokens: UnsafeBufferPointer<JSONTape.Token>, _ bytes: UnsafeBufferPointer<UInt8>,
               object: Int, into cells: UnsafeMutableBufferPointer<Int32>) -> Bool {
        guard cells.count == cellCount else { return false }
        return keys.withUnsafeBufferPointer { keys in
            keyBytes.withUnsafeBufferPointer { keyBytes in
                var w = Walk(tape: tape, tokens: tokens, bytes: bytes, keys: keys, keyBytes: keyBytes, cells: cells)
                return w.walk(object, members: rootMembers) && w.cell == cells.count
            }
        }
    }

    private struct Walk {
        let tape: JSONTape
        let tokens: UnsafeBufferPointer<JSONTape.Token>
        let bytes: UnsafeBufferPointer<UInt8>
        let keys: UnsafeBufferPointer<(start: Int32, end: Int32, members: Int32)>
        let keyBytes: UnsafeBufferPointer<UInt8>
        let cells: UnsafeMutableBufferPointer<Int32>
        /// The next expected key, and the next cell to fill.
        var key = 0
        var cell = 0

        mutating func walk(_ object: Int, members: Int32) -> Bool {
            // (An object with duplicate keys could not match unique keys anyway; said here once.)
            guard tokens[object].kind == .object, tokens[object].count == members, !tokens[object].duplicates else { return false }
            var k = object + 1
            for _ in 0..<Int(members) {
                let want = keys[key]
                key += 1
                guard keyMatches(k, want.start, want.end) else { return false }
                let v = k + 1
                let value = tokens[v]
                let opens = value.kind == .object && value.count > 0
                if want.members >= 0 {
                    guard opens, walk(v, members: want.members) else { return false }
                } else {
                    guard !opens, cell < cells.count else { return false }
                    cells[cell] = Int32(v)
                    cell += 1
                }
                k = Int(value.next)
            }
            return true
        }

        func keyMatches(_ k: Int, _ start: Int32, _ end: Int32) -> Bool {
            let t = tokens[k]
            let want = UnsafeBufferPointer(rebasing: keyBytes[Int(start)..<Int(end)])
            if t.escaped { return tape.decodedString(k).utf8.elementsEqual(want) }
            let n = Int(t.end - t.start)
            guard n == want.count else { return false }
            return n == 0 || memcmp(bytes.baseAddress! + Int(t.start), want.baseAddress!, n) == 0
        }
    }
}
