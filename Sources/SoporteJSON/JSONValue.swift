/// A JSON value that keeps what the server said: object keys in their order and numbers
/// as their literal source text, so that re-serializing never changes `100.10` or
/// `9007199254740993`.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number's literal text, already validated against the JSON grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Member lookup on objects; nil for other kinds or missing keys.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The integer value of a number literal without fraction or exponent.
    public var intValue: Int? {
        switch self {
        case .number(let n): return Int(n)
        case .string(let s): return Int(s)
        default: return nil
        }
    }

    /// The value as a Double, for comparisons only (never for output).
    public var doubleValue: Double? {
        if case .number(let n) = self { return Double(n) }
        return nil
    }

    /// Text for a cell: strings bare, null empty, numbers and booleans as literals,
    /// arrays and objects as compact JSON.
    public var scalarText: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return s
        case .array, .object: return JSONWriter.compact(self)
        }
    }

    /// Convenience for integer literals.
    public static func int(_ v: Int) -> JSONValue { .number(String(v)) }
}

/// An object whose members stay in the order they were read or added.
public struct JSONObject: Equatable, Sendable {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// Builds from parallel arrays; sharing one `keys` array between many objects
    /// (copy-on-write) keeps large collections small.
    public init(keys: [String], values: [JSONValue]) {
        precondition(keys.count == values.count, "keys and values must pair up")  // programmer error
        self.keys = keys
        self.values = values
    }

    /// Builds from keys that may repeat, as JavaScript's `JSON.parse` and jq read them
    /// (docs/CONTRACT.md §12.1): each key once, at the place of its first occurrence, with the value of
    /// its last.
    public init(lastWins keys: [String], values: [JSONValue]) {
        precondition(keys.count == values.count, "keys and values must pair up")  // programmer error
        var place: [String: Int] = [:]
        for (k, v) in zip(keys, values) {
            if let p = place[k] {
                self.values[p] = v
            } else {
                place[k] = self.keys.count
                self.keys.append(k)
                self.values.append(v)
            }
        }
    }

    /// Whether a key occurs more than once: pairs compared for a few keys, a set for more.
    public static func hasDuplicates(_ keys: ArraySlice<String>) -> Bool {
        let n = keys.count
        guard n > 1 else { return false }
        if n <= 16 {
            for i in keys.indices.dropFirst() {
                for j in keys.startIndex..<i where keys[j] == keys[i] { return true }
            }
            return false
        }
        var seen = Set<String>(minimumCapacity: n)
        for k in keys where !seen.insert(k).inserted { return true }
        return false
    }

    public var count: Int { keys.count }

    public var entries: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }

    public func index(of key: String) -> Int? { keys.firstIndex(of: key) }

    /// Setting nil removes the key; setting an existing key keeps its position.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = keys.firstIndex(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let v = newValue { values[i] = v } else { keys.remove(at: i); values.remove(at: i) }
            } else if let v = newValue {
                keys.append(key)
                values.append(v)
            }
        }
    }

    /// Appends without checking for a duplicate key (for builders that know their keys).
    public mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
    }
}
