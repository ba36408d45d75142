/// One `key = value` line of a config file.
public struct INIEntry: Equatable, Sendable {
    public var key: String
    public var value: String
    public var line: Int
}

/// A parsed config file: sections of entries, with line numbers for messages.
/// Kept with its source lines so `config set` can rewrite one line and keep the rest.
public struct INIFile: Equatable, Sendable {
    public var sections: [String: [INIEntry]] = [:]
    public var sectionOrder: [String] = []

    public init() {}

    public func value(_ key: String, in section: String) -> String? {
        entry(key, in: section)?.value
    }

    /// The entry that counts (the last one) for `key` in `section`.
    public func entry(_ key: String, in section: String) -> INIEntry? {
        sections[section]?.last { $0.key == key }
    }

    /// Parses INI text: `[section]`, `key = value`, `#`/`;` comment lines.
    /// Keys before any section belong to `default`.
    public static func parse(_ text: String, path: String) throws -> INIFile {
        var f = INIFile()
        var current = "default"
        var lineNo = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNo += 1
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw SoporteError.config("\(path):\(lineNo): bad section header '\(line)'")
                }
                let name = String(line.dropFirst().dropLast()).trimmingWhitespace()
                guard !name.isEmpty, !name.contains(where: { $0 == "[" || $0 == "]" }) else {
                    throw SoporteError.config("\(path):\(lineNo): bad section header '\(line)'")
                }
                current = name
                if f.sections[current] == nil { f.sections[current] = []; f.sectionOrder.append(current) }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw SoporteError.config("\(path):\(lineNo): expected 'key = value', found '\(line.prefix(40))'")
            }
            let key = String(line[..<eq]).trimmingWhitespace()
            var value = String(line[line.index(after: eq)...]).trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw SoporteError.config("\(path):\(lineNo): bad key '\(key.prefix(40))'")
            }
            if value.count >= 2, (value.hasPrefix("\"") && value.hasSuffix("\"")) || (value.hasPrefix("'") && value.hasSuffix("'")) {
                value = String(value.dropFirst().dropLast())
            }
            if f.sections[current] == nil { f.sections[current] = []; f.sectionOrder.append(current) }
            f.sections[current, default: []].append(INIEntry(key: key, value: value, line: lineNo))
        }
        return f
    }

    /// Text with `key` in `section` set to `value`: the existing line is replaced in place,
    /// or the key is added at the end of its section (created at the end if missing).
    /// Every other line, comment and blank is kept byte for byte.
    public static func setting(_ key: String, to value: String, in profile: ProfileName, text: String) -> String {
        let section = profile.name
        let eol = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = text.isEmpty ? [] : text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let newLine = "\(key) = \(value)"
        var current = "default"
        var sectionSeen = false
        var lastLineOfSection: Int? = nil
        var replaceAt: Int? = nil
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingWhitespace()
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast()).trimmingWhitespace()
                if current == section { sectionSeen = true; lastLineOfSection = i }
                continue
            }
            guard current == section else { continue }
            if section == "default" && !sectionSeen { sectionSeen = true }
            if !line.isEmpty && !line.hasPrefix("#") && !line.hasPrefix(";") {
                lastLineOfSection = i
                if let eq = line.firstIndex(of: "="), String(line[..<eq]).trimmingWhitespace() == key {
                    replaceAt = i
                }
            }
        }
        if let r = replaceAt {
            lines[r] = newLine
        } else if sectionSeen, let last = lastLineOfSection {
            lines.insert(newLine, at: last + 1)
        } else {
            if !lines.isEmpty && lines.last?.trimmingWhitespace() != "" { lines.append("") }
            lines.append("[\(section)]")
            lines.append(newLine)
        }
        return lines.joined(separator: eol) + eol
    }

    /// The key that `config use NAME` writes: the profile used when neither `--profile`
    /// nor `SOPORTE_PROFILE` names one. It belongs to the lines before the first section
    /// (which are `[default]`'s), so that it reads as a setting of the whole file.
    public static let defaultProfileKey = "default_profile"

    /// Text with `default_profile = NAME`: the existing line (before the first section or
    /// in `[default]`) is replaced in place, else the line goes at the top, before the first
    /// section header. Every other line is kept byte for byte.
    public static func settingDefaultProfile(_ profile: ProfileName, text: String) -> String {
        let key = defaultProfileKey
        if parse0(text).entry(key, in: ProfileName.standard.name) != nil {
            return setting(key, to: profile.name, in: .standard, text: text)
        }
        let eol = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = text.isEmpty ? [] : text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let newLine = "\(key) = \(profile.name)"
        if let header = lines.firstIndex(where: { $0.trimmingWhitespace().hasPrefix("[") }) {
            lines.insert(contentsOf: [newLine, ""], at: header)
        } else {
            lines.append(newLine)
        }
        return lines.joined(separator: eol) + eol
    }

    /// Parses text already known to parse (the config commands' own reads); empty if not.
    static func parse0(_ text: String) -> INIFile { (try? parse(text, path: "")) ?? INIFile() }

    /// Text without any `key` line in `section`; every other line is kept byte for byte.
    public static func removing(_ key: String, in profile: ProfileName, text: String) -> String {
        let section = profile.name
        let eol = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = text.isEmpty ? [] : text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var current = "default"
        var keep: [String] = []
        for raw in lines {
            let line = raw.trimmingWhitespace()
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast()).trimmingWhitespace()
            } else if current == section, !line.hasPrefix("#"), !line.hasPrefix(";"),
                      let eq = line.firstIndex(of: "="), String(line[..<eq]).trimmingWhitespace() == key {
                continue
            }
            keep.append(raw)
        }
        return keep.isEmpty ? "" : keep.joined(separator: eol) + eol
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
