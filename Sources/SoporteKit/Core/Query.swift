import SoporteSystem

/// An ordered list of query parameters.
public struct Query: Equatable, Sendable {
    public var items: [(String, String)] = []
    public init(_ items: [(String, String)] = []) { self.items = items }

    public static func == (a: Query, b: Query) -> Bool {
        a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public mutating func add(_ k: String, _ v: String) { items.append((k, v)) }

    public mutating func set(_ k: String, _ v: String) {
        items.removeAll { $0.0 == k }
        items.append((k, v))
    }

    public var encoded: String {
        items.map { Percent.encodeKey($0.0) + "=" + Percent.encode($0.1) }.joined(separator: "&")
    }
}
