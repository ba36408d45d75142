/// Renders shell completion scripts from the command table, and runs `soporte completion`.
public enum Completion {
    static func run(_ parsed: ParsedCommand, io: IOStreams) throws {
        let shell = parsed.arguments[0]
        guard let script = script(for: shell) else {
            throw SoporteError.usage("unknown shell '\(shell)' (use bash, zsh or fish)")
        }
        try io.out(script)
        try io.flush()
    }

    public static func script(for shell: String, root: CommandSpec = CommandTable.root) -> String? {
        switch shell {
        case "bash": return bash(root)
        case "zsh": return zsh(root)
        case "fish": return fish(root)
        default: return nil
        }
    }

    /// Every command path with its node, depth first (root is the empty path).
    static func paths(_ root: CommandSpec) -> [([String], CommandSpec)] {
        var out: [([String], CommandSpec)] = []
        func visit(_ p: [String], _ c: CommandSpec) {
            out.append((p, c))
            for s in c.subcommands { visit(p + [s.name], s) }
        }
        visit([], root)
        return out
    }

    static func optionWords(_ c: CommandSpec, root: CommandSpec) -> [String] {
        var opts = CommandTable.globalOptions + (c == root ? [] : c.options)
        if c == root { opts = root.options }
        var words: [String] = []
        for o in opts {
            words.append("--\(o.long)")
            if let s = o.short { words.append("-\(s)") }
        }
        return words
    }

    static func valueOptions(_ root: CommandSpec) -> [OptionSpec] { root.allOptions().filter(\.takesValue) }

    /// Shell code that prints profile names from the config file.
    static let profilesCommand = #"sed -n 's/^[[:space:]]*\[\([^]]*\)\][[:space:]]*$/\1/p' "$(soporte config path 2>/dev/null)" 2>/dev/null"#

    // MARK: - Shared by bash and zsh

    /// `--output|-o`: the case pattern that matches an option.
    static func pattern(_ o: OptionSpec) -> String {
        (["--\(o.long)"] + (o.short.map { ["-\($0)"] } ?? [])).joined(separator: "|")
    }

    /// The loop (the same text in bash and zsh) that collects the command words typed
    /// before the cursor, skipping options and the values of options that take one.
    static func wordScan(_ root: CommandSpec, word: String, first: Int, last: String, collect: String) -> String {
        let valuePattern = valueOptions(root).map(pattern).joined(separator: "|")
        return """
                for ((i=\(first); i<\(last); i++)); do
                    w="\(word)"
                    if [[ $skip == 1 ]]; then skip=0; continue; fi
                    case "$w" in
                        \(valuePattern)) skip=1 ;;
                        -*) ;;
                        *) \(collect) ;;
                    esac
                done

            """
    }

    /// `case "$prev"`: values for the option just typed, by its completion hint.
    static func valueCases(_ root: CommandSpec, action: (CompletionHint) -> String) -> String {
        var s = "    case \"$prev\" in\n"
        for o in valueOptions(root) { s += "        \(pattern(o))) \(action(o.completion)) return ;;\n" }
        return s + "    esac\n"
    }

    /// Words to offer after a command: its subcommands, or its first argument's choices.
    static func candidates(_ c: CommandSpec, root: CommandSpec) -> [String] {
        guard c.subcommands.isEmpty else { return c.subcommands.map(\.name) }
        switch c.arguments.first?.completion {
        case .choices(let cs): return cs
        case .commands: return root.subcommands.map(\.name)
        default: return []
        }
    }

    // MARK: - bash

    static func bash(_ root: CommandSpec) -> String {
        var s = "# bash completion for soporte (generated from the command table; do not edit)\n"
        s += "_soporte() {\n"
        s += "    local cur prev path i w skip=0\n"
        s += "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
        s += "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        s += "    path=\"\"\n"
        s += wordScan(root, word: "${COMP_WORDS[i]}", first: 1, last: "COMP_CWORD", collect: "path=\"$path $w\"")
        s += valueCases(root) { hint in
            switch hint {
            case .choices(let cs): return "COMPREPLY=($(compgen -W \"\(cs.joined(separator: " "))\" -- \"$cur\"));"
            case .file: return "COMPREPLY=($(compgen -f -- \"$cur\"));"
            case .profiles: return "COMPREPLY=($(compgen -W \"$(\(profilesCommand))\" -- \"$cur\"));"
            default: return ""
            }
        }
        s += "    case \"$path\" in\n"
        for (p, c) in paths(root) {
            let key = p.isEmpty ? "\"\"" : "\" \(p.joined(separator: " "))\""
            let files = c.subcommands.isEmpty && c.arguments.first?.completion == .file ? " $(compgen -f -- \"$cur\")" : ""
            s += "        \(key))\n"
            s += "            if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"\(optionWords(c, root: root).joined(separator: " "))\" -- \"$cur\"))\n"
            s += "            else COMPREPLY=($(compgen -W \"\(candidates(c, root: root).joined(separator: " "))\" -- \"$cur\")\(files)); fi ;;\n"
        }
        s += "    esac\n"
        s += "}\n"
        s += "complete -F _soporte soporte\n"
        return s
    }

    // MARK: - zsh

    static func zsh(_ root: CommandSpec) -> String {
        var s = "#compdef soporte\n# zsh completion for soporte (generated from the command table; do not edit)\n"
        s += "_soporte() {\n"
        s += "    local -a path_words\n"
        s += "    local i w skip=0 prev cur\n"
        s += "    cur=\"${words[CURRENT]}\"\n"
        s += "    prev=\"${words[CURRENT-1]}\"\n"
        s += wordScan(root, word: "${words[i]}", first: 2, last: "CURRENT", collect: "path_words+=(\"$w\")")
        s += valueCases(root) { hint in
            switch hint {
            case .choices(let cs): return "compadd -- \(cs.joined(separator: " "));"
            case .file: return "_files;"
            case .profiles: return "compadd -- ${(f)\"$(\(profilesCommand))\"};"
            default: return ""
            }
        }
        s += "    case \"${path_words[*]}\" in\n"
        for (p, c) in paths(root) {
            let key = "\"\(p.joined(separator: " "))\""
            let words = candidates(c, root: root)
            s += "        \(key))\n"
            s += "            if [[ \"$cur\" == -* ]]; then compadd -- \(optionWords(c, root: root).joined(separator: " "))\n"
            if !c.subcommands.isEmpty {
                let described = c.subcommands.map { "'\($0.name):\($0.summary.replacingOccurrences("'", "'\\''").replacingOccurrences(":", "\\:"))'" }
                s += "            else local -a cmds; cmds=(\(described.joined(separator: " "))); _describe -t commands command cmds; fi ;;\n"
            } else if !words.isEmpty {
                s += "            else compadd -- \(words.joined(separator: " ")); fi ;;\n"
            } else {
                s += "            else _files; fi ;;\n"
            }
        }
        s += "    esac\n"
        s += "}\n"
        s += "if [[ \"${funcstack[1]}\" == _soporte ]]; then _soporte \"$@\"; else compdef _soporte soporte; fi\n"
        return s
    }

    // MARK: - fish

    static func fish(_ root: CommandSpec) -> String {
        var s = "# fish completion for soporte (generated from the command table; do not edit)\n"
        s += "complete -c soporte -f\n"
        func esc(_ t: String) -> String { "'" + t.replacingOccurrences("\\", "\\\\").replacingOccurrences("'", "\\'") + "'" }
        for o in CommandTable.globalOptions + [OptionSpec("version", help: "Print the version and exit.")] {
            s += fishOption(o, condition: nil, esc: esc)
        }
        for (p, c) in paths(root) where !p.isEmpty {
            let parent = Array(p.dropLast())
            let cond: String
            if parent.isEmpty {
                cond = "__fish_use_subcommand"
            } else {
                let siblings = (paths(root).first { $0.0 == parent }?.1.subcommands.map(\.name) ?? []).joined(separator: " ")
                cond = "__fish_seen_subcommand_from \(parent.last!); and not __fish_seen_subcommand_from \(siblings)"
            }
            s += "complete -c soporte -n \(esc(cond)) -a \(esc(p.last!)) -d \(esc(c.summary))\n"
            if c.subcommands.isEmpty {
                let here = p.count == 1 ? "__fish_seen_subcommand_from \(p[0])" : "__fish_seen_subcommand_from \(p[0]); and __fish_seen_subcommand_from \(p.last!)"
                for o in c.options { s += fishOption(o, condition: here, esc: esc) }
                if let a = c.arguments.first, case .choices(let cs) = a.completion {
                    s += "complete -c soporte -n \(esc(here)) -a \(esc(cs.joined(separator: " ")))\n"
                }
            }
        }
        return s
    }

    static func fishOption(_ o: OptionSpec, condition: String?, esc: (String) -> String) -> String {
        var line = "complete -c soporte"
        if let c = condition { line += " -n \(esc(c))" }
        line += " -l \(o.long)"
        if let sh = o.short { line += " -s \(sh)" }
        switch o.completion {
        case .choices(let cs): line += " -x -a \(esc(cs.joined(separator: " ")))"
        case .file: line += " -r -F"
        case .profiles: line += " -x -a \(esc("(" + profilesCommand + ")"))"
        default: if o.takesValue { line += " -x" }
        }
        line += " -d \(esc(o.help))"
        return line + "\n"
    }
}
