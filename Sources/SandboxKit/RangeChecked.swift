import SoporteJSON

/// Whole numbers that come from outside (a query, a path, a header, a control body),
/// read without trapping: ASCII digits with an optional leading `-`, nil when the text
/// is anything else or the value is outside the range. `Int(_:)` alone would accept
/// `+5` and leave the range, and the arithmetic on it, to every caller.
enum RangeChecked {
    static func int<S: StringProtocol>(_ text: S, in range: ClosedRange<Int>) -> Int? {
        var digits = Substring(text).utf8[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for c in digits {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            // Accumulating towards the sign keeps Int.min readable and Int.max + 1 out.
            let digit = Int(c - UInt8(ascii: "0"))
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
        }
        return range.contains(value) ? value : nil
    }

    /// A JSON integer literal (or a string of digits) inside `range`; nil otherwise,
    /// including for `1.0`, `1e3` and numbers beyond Int.
    static func int(_ v: JSONValue, in range: ClosedRange<Int>) -> Int? {
        switch v {
        case .number(let n): return int(n, in: range)
        case .string(let s): return int(s, in: range)
        default: return nil
        }
    }

    /// The message for a value outside `range`, in the API's wording.
    static func message(_ field: String, _ range: ClosedRange<Int>) -> String {
        "The \(field) must be an integer from \(range.lowerBound) to \(range.upperBound)."
    }
}
