/// Renders `--help` text from the command table.
public enum HelpRenderer {
    public static func render(path: [String], spec: CommandSpec, root: CommandSpec = CommandTable.root) -> String {
        var out = ""
        let full = (["soporte"] + path).joined(separator: " ")
        out += "\(spec.summary)\n\n"
        out += "Usage:\n"
        if spec.subcommands.isEmpty {
            var u = "  \(full)"
            if !spec.arguments.isEmpty { u += " \(spec.argumentsUsage)" }
            u += " [OPTIONS]"
            out += u + "\n"
        } else {
            out += "  \(full) COMMAND [OPTIONS]\n"
        }
        if let d = spec.details { out += "\n" + wrap(d, indent: 0, width: 78) + "\n" }
        if !spec.subcommands.isEmpty {
            out += "\nCommands:\n"
            let w = spec.subcommands.map(\.name.count).max() ?? 0
            for c in spec.subcommands {
                out += "  " + c.name.padding(w) + "  " + c.summary + "\n"
            }
        }
        if !spec.arguments.isEmpty {
            out += "\nArguments:\n"
            let w = spec.arguments.map(\.name.count).max() ?? 0
            for a in spec.arguments { out += "  " + a.name.padding(w) + "  " + a.help + "\n" }
        }
        let own = path.isEmpty ? spec.options.filter { $0.long == "version" } : spec.options
        if !own.isEmpty {
            out += "\nOptions:\n" + optionLines(own)
        }
        out += "\nGlobal options:\n" + optionLines(CommandTable.globalOptions)
        // A group without examples of its own shows its subcommands' first ones.
        let examples = spec.examples.isEmpty ? Array(spec.subcommands.compactMap(\.examples.first).prefix(4)) : spec.examples
        if !examples.isEmpty {
            out += "\nExamples:\n"
            for e in examples { out += "  $ \(e)\n" }
        }
        if !spec.subcommands.isEmpty {
            out += "\nRun '\(full) COMMAND --help' for more on a command.\n"
        }
        return out
    }

    static func optionLines(_ opts: [OptionSpec]) -> String {
        let w = min(opts.map(\.usageText.count).max() ?? 0, 30)
        var out = ""
        for o in opts {
            var help = o.help
            if case .choices(let cs) = o.completion, !help.contains(cs[0]) || cs.count > 3 {
                if !help.contains(cs.joined(separator: ", ")) { help += " One of: \(cs.joined(separator: ", "))." }
            }
            if let d = o.defaultText { help += " [default: \(d)]" }
            let u = o.usageText
            if u.count > w {
                out += "  \(u)\n  " + String(repeating: " ", count: w) + "  " + help + "\n"
            } else {
                out += "  " + u.padding(w) + "  " + help + "\n"
            }
        }
        return out
    }

    static func wrap(_ text: String, indent: Int, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width - indent {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        return lines.map { pad + $0 }.joined(separator: "\n")
    }
}

extension String {
    /// Left-aligned to `width` characters (ASCII help text only).
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
