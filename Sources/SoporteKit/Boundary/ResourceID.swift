import SoporteJSON

/// An id of the API's: a whole number from 1 to 2^63-1 (docs/BOUNDARIES.md, "Ids").
/// Its existence proves the check was made: a path segment, a JSON body, a journal or
/// history record built from one can only hold decimal digits.
public struct ResourceID: Hashable, Sendable, CustomStringConvertible {
    public let value: Int64

    public static let range: ClosedRange<Int64> = 1...Int64.max

    public init?(_ value: Int64) {
        guard ResourceID.range.contains(value) else { return nil }
        self.value = value
    }

    /// The decimal text, without leading zeros: what goes in paths, bodies and records.
    public var description: String { String(value) }

    /// A JSON number.
    public var json: JSONValue { .number(description) }

    // MARK: - From the user

    /// A word the user typed: digits only are an id (leading zeros allowed, `007` is 7),
    /// checked for range; nil when the word is not all digits (it is then a name).
    public static func typed(_ word: String) throws -> ResourceID? {
        guard !word.isEmpty, word.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        let digits = word.drop { $0 == "0" }
        guard digits.utf8.count <= 19, let v = Int64(digits), let id = ResourceID(v) else {
            throw SoporteError.usage("an id must be a whole number from 1 to \(Int64.max), not '\(Sanitizer.forTerminal(String(word.prefix(40))))'")
        }
        return id
    }

    // MARK: - From the server

    /// An id the server gave: a JSON integer, or a string of decimal digits without
    /// leading zeros, in range. Anything else is nil.
    public init?(server v: JSONValue) {
        let text: String
        switch v {
        case .number(let n): text = n
        case .string(let s): text = s
        default: return nil
        }
        let u = text.utf8
        guard let first = u.first, first != UInt8(ascii: "0"), u.count <= 19, u.allSatisfy(ASCII.isDigit),
              let n = Int64(text) else { return nil }
        self.init(n)
    }

    /// The id the server gave in `field` of an item, or exit 8 naming the value (escaped):
    /// no request is ever built from something that is not an id.
    public static func fromServer(_ v: JSONValue?, what: String, requestID: String?) throws -> ResourceID {
        guard let v else {
            throw SoporteError(.server, "\(what) has no id", requestID: requestID)
        }
        guard let id = ResourceID(server: v) else {
            let shown = JSONWriter.compact(v)
            throw SoporteError(.server, "\(what) has the id \(Sanitizer.forTerminal(String(shown.prefix(80)))), which is not an id (a whole number from 1 to \(Int64.max)); nothing was sent with it",
                               requestID: requestID)
        }
        return id
    }
}

/// Byte classes for parsing text from outside.
enum ASCII {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
