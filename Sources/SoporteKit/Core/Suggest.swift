/// "Did you mean" support: the closest candidate by edit distance, if close enough.
public enum Suggest {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c.lowercased()))
            let limit = max(2, c.count / 3)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        if best == nil {
            // A unique prefix is a good guess too (`acc` -> `accounts`).
            let prefixed = candidates.filter { $0.hasPrefix(word) && !word.isEmpty }
            if prefixed.count == 1 { return prefixed[0] }
        }
        return best?.0
    }

    /// Damerau-Levenshtein distance with adjacent transpositions.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
