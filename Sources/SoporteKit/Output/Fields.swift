import SoporteJSON

/// `--fields` applied to whole documents, and the check that names asked for (fields,
/// sort keys, includes) came back at all: the API's field set is open, so nothing is
/// refused up front; what was asked for and is absent from every item is said instead
/// (docs/CONTRACT.md §10.3).
public enum Fields {
    /// The object cut to `paths` (dotted for nested values), in the order given; nested
    /// paths keep their nesting (`server.name` -> `{"server": {"name": ...}}`).
    public static func select(_ paths: [String], from v: JSONValue) -> JSONValue {
        guard let o = v.objectValue else { return v }
        return .object(select(paths, direct: { o[$0] }, dotted: { ColumnPlan.cell(o, $0.joined(separator: ".")) }))
    }

    /// The same, for the item at `index` of a tape (list output): only the values asked
    /// for are built, the rest of the item is never decoded.
    public static func select(_ paths: [String], tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) -> JSONValue {
        guard tape[index].kind == .object else { return tape.value(at: index, escapedString: escapedString) }
        func value(_ i: Int) -> JSONValue { tape.value(at: i, escapedString: escapedString) }
        return .object(select(paths, direct: { tape.member(index, $0).map(value) }, dotted: { parts in
            var cur = index
            for part in parts {
                guard tape[cur].kind == .object, let m = tape.member(cur, part) else { return nil }
                cur = m
            }
            return value(cur)
        }))
    }

    /// A literal key wins (`direct`); else a dotted name's path (`dotted`), kept nested.
    static func select(_ paths: [String], direct: (String) -> JSONValue?, dotted: ([String]) -> JSONValue?) -> JSONObject {
        var out = JSONObject()
        for p in paths {
            if let v = direct(p) { out[p] = v; continue }
            let parts = p.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count > 1, let value = dotted(parts) else { continue }
            out = insert(value, at: parts[...], into: out)
        }
        return out
    }

    static func insert(_ value: JSONValue, at path: ArraySlice<String>, into o: JSONObject) -> JSONObject {
        var o = o
        guard let head = path.first else { return o }
        if path.count == 1 { o[head] = value; return o }
        let inner = o[head]?.objectValue ?? JSONObject()
        o[head] = .object(insert(value, at: path.dropFirst(), into: inner))
        return o
    }

    /// Each name of `names` present in none of `items` (a dotted name counts when its
    /// path resolves), with the closest name the items do have, or failing that (the API
    /// was asked for those fields only, so the items hold none) the closest of `known`.
    public static func missing(_ names: [String], in items: [JSONValue], known: [String] = []) -> [(name: String, suggestion: String?)] {
        let objects = items.compactMap(\.objectValue)
        guard !objects.isEmpty else { return [] }
        var have: [String] = []
        for o in objects.prefix(20) {
            var flat: [String] = []
            ColumnPlan.flatten(o, prefix: "", into: &flat)
            for k in o.keys + flat where !have.contains(k) { have.append(k) }
        }
        var out: [(String, String?)] = []
        for n in names where !out.contains(where: { $0.0 == n }) {
            let found = objects.contains { ColumnPlan.cell($0, n) != nil }
            if !found { out.append((n, Suggest.closest(to: n, in: have) ?? Suggest.closest(to: n, in: known))) }
        }
        return out
    }
}
