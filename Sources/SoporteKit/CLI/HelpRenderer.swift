/// Renders `--help` text from the command table: the command's own options first, in
/// full; the global options in full on the top page and as a compact list elsewhere (as
/// gh's "INHERITED FLAGS"); everything wrapped to `width` columns.
public enum HelpRenderer {
    public static func render(path: [String], spec: CommandSpec, globals: [OptionSpec], width: Int = 80) -> String {
        let width = max(40, min(width, 120))
        var out = ""
        let full = (["soporte"] + path).joined(separator: " ")
        out += wrap(spec.summary, width: width) + "\n\n"
        out += "Usage:\n"
        if spec.subcommands.isEmpty {
            out += "  \(full)" + (spec.arguments.isEmpty ? "" : " \(spec.argumentsUsage)") + " [OPTIONS]\n"
        } else {
            out += "  \(full) COMMAND [OPTIONS]\n"
        }
        if let d = spec.details { out += "\n" + wrap(d, width: width) + "\n" }
        if !spec.subcommands.isEmpty {
            out += "\nCommands:\n"
            let names = spec.subcommands.map { c in c.name + (c.aliases.isEmpty ? "" : " (\(c.aliases.joined(separator: ", ")))") }
            out += table(zip(names, spec.subcommands.map(\.summary)).map { ($0, $1) }, width: width)
        }
        if !spec.arguments.isEmpty {
            out += "\nArguments:\n"
            out += table(spec.arguments.map { ($0.name, $0.help) }, width: width)
        }
        let own = path.isEmpty ? spec.options : spec.options
        if !own.isEmpty {
            out += "\nOptions:\n" + optionLines(own, width: width)
        }
        if path.isEmpty {
            out += "\nGlobal options (every command takes them):\n" + optionLines(globals, width: width)
        } else {
            out += "\nGlobal options:\n"
            out += wrap(globals.map { o in (o.short.map { "-\($0), " } ?? "") + "--" + o.long + (o.valueName.map { " " + $0 } ?? "") }
                .joined(separator: "  "), width: width, indent: 2)
            out += "\n  (see 'soporte --help' for what they do)\n"
        }
        // A group without examples of its own shows its subcommands' first ones.
        let examples = spec.examples.isEmpty ? Array(spec.subcommands.compactMap(\.examples.first).prefix(4)) : spec.examples
        if !examples.isEmpty {
            out += "\nExamples:\n"
            for e in examples { out += "  $ \(e)\n" }
        }
        if !spec.subcommands.isEmpty {
            out += "\n" + wrap("Run '\(full) COMMAND --help' for more on a command.", width: width) + "\n"
        }
        return out
    }

    /// The help text of one option, with its choices, default and whether it is required.
    public static func optionHelp(_ o: OptionSpec) -> String {
        var help = o.help
        if case .choices(let cs) = o.completion, !help.contains(cs.joined(separator: ", ")) {
            help += " One of: \(cs.joined(separator: ", "))."
        }
        if o.required { help += " (required)" }
        if let d = o.defaultText { help += " [default: \(d)]" }
        return help
    }

    static func optionLines(_ opts: [OptionSpec], width: Int) -> String {
        table(opts.map { ($0.usageText, optionHelp($0)) }, width: width)
    }

    /// Two columns: names left, text right and wrapped under itself; a name too wide for
    /// the left column gets a line of its own.
    static func table(_ rows: [(String, String)], width: Int) -> String {
        let left = min(rows.map(\.0.count).max() ?? 0, 30)
        let textWidth = max(20, width - left - 4)
        var out = ""
        for (name, text) in rows {
            let lines = wrapLines(text, width: textWidth)
            let pad = String(repeating: " ", count: left + 4)
            if name.count > left {
                out += "  \(name)\n"
                for l in lines { out += pad + l + "\n" }
            } else {
                out += "  " + name.padding(left) + "  " + (lines.first ?? "") + "\n"
                for l in lines.dropFirst() { out += pad + l + "\n" }
            }
        }
        return out
    }

    public static func wrap(_ text: String, width: Int, indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent)
        return wrapLines(text, width: width - indent).map { pad + $0 }.joined(separator: "\n")
    }

    static func wrapLines(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

extension String {
    /// Left-aligned to `width` characters (ASCII help text only).
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
