/// Numbers people type (options, config values, ids) are plain decimal: digits, and for
/// non-integers one `.` between digits. `0x10`, `1e3`, `+5`, ` 5`, `inf` are not numbers
/// here (Swift's `Int("+5")` and `Double("0x10")` would take them). docs/BOUNDARIES.md.
enum PlainDecimal {
    static func isWhole(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy(ASCII.isDigit)
    }

    static func isDecimal(_ s: String) -> Bool {
        let parts = s.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(ASCII.isDigit) }
    }
}
