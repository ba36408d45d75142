/// Renders shell completion scripts from the command table, and runs `soporte completion`.
public struct Completion {
    public enum Shell: String, CaseIterable, Sendable { case bash, zsh, fish }

    let root: CommandSpec
    let globals: [OptionSpec]

    public init(root: CommandSpec, globals: [OptionSpec]) {
        self.root = root
        self.globals = globals
    }

    public func script(for shell: Shell) -> String {
        switch shell {
        case .bash: return bash()
        case .zsh: return zsh()
        case .fish: return fish()
        }
    }

    /// Every command path with its node, depth first (root is the empty path).
    func paths() -> [([String], CommandSpec)] { root.paths() }

    /// The same path under every spelling its aliases allow (`accounts ls`).
    func spellings(_ p: [String]) -> [[String]] {
        var out: [[String]] = [[]]
        var node = root
        for word in p {
            guard let sub = node.subcommand(word) else { break }
            let names = [sub.name] + sub.aliases
            out = out.flatMap { prefix in names.map { prefix + [$0] } }
            node = sub
        }
        return out
    }

    func optionWords(_ c: CommandSpec, isRoot: Bool) -> [String] {
        let opts = globals + c.options
        var words: [String] = []
        for o in opts {
            words.append("--\(o.long)")
            if let s = o.short { words.append("-\(s)") }
        }
        return words
    }

    func valueOptions() -> [OptionSpec] { (globals + root.allOptions()).filter(\.takesValue) }

    /// Shell code that prints profile names from the config file.
    static let profilesCommand = #"sed -n 's/^[[:space:]]*\[\([^]]*\)\][[:space:]]*$/\1/p' "$(soporte config path 2>/dev/null)" 2>/dev/null"#

    // MARK: - Shared by bash and zsh

    /// `--output|-o`: the case pattern that matches an option.
    static func pattern(_ o: OptionSpec) -> String {
        (["--\(o.long)"] + (o.short.map { ["-\($0)"] } ?? [])).joined(separator: "|")
    }

    /// The loop (the same text in bash and zsh) that collects the command words typed
    /// before the cursor, skipping options and the values of options that take one.
    func wordScan(word: String, first: Int, last: String, collect: String) -> String {
        let valuePattern = valueOptions().map(Completion.pattern).joined(separator: "|")
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
    func valueCases(action: (CompletionHint) -> String) -> String {
        var s = "    case \"$prev\" in\n"
        for o in valueOptions() { s += "        \(Completion.pattern(o))) \(action(o.completion)) return ;;\n" }
        return s + "    esac\n"
    }

    /// Words to offer after a command: its subcommands, or its first argument's choices.
    func candidates(_ c: CommandSpec) -> [String] {
        guard c.subcommands.isEmpty else { return c.subcommands.flatMap { [$0.name] + $0.aliases } }
        switch c.arguments.first?.completion {
        case .choices(let cs): return cs
        case .commands: return root.subcommands.map(\.name)
        default: return []
        }
    }

    // MARK: - bash

    func bash() -> String {
        var s = "# bash completion for soporte (generated from the command table; do not edit)\n"
        s += "_soporte() {\n"
        s += "    local cur prev path i w skip=0\n"
        s += "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
        s += "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        s += "    path=\"\"\n"
        s += wordScan(word: "${COMP_WORDS[i]}", first: 1, last: "COMP_CWORD", collect: "path=\"$path $w\"")
        s += valueCases { hint in
            switch hint {
            case .choices(let cs): return "COMPREPLY=($(compgen -W \"\(cs.joined(separator: " "))\" -- \"$cur\"));"
            case .file: return "COMPREPLY=($(compgen -f -- \"$cur\"));"
            case .profiles: return "COMPREPLY=($(compgen -W \"$(\(Completion.profilesCommand))\" -- \"$cur\"));"
            default: return ""
            }
        }
        s += "    case \"$path\" in\n"
        for (p, c) in paths() {
            let key = spellings(p).map { $0.isEmpty ? "\"\"" : "\" \($0.joined(separator: " "))\"" }.joined(separator: "|")
            let files = c.subcommands.isEmpty && c.arguments.first?.completion == .file ? " $(compgen -f -- \"$cur\")" : ""
            s += "        \(key))\n"
            s += "            if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"\(optionWords(c, isRoot: p.isEmpty).joined(separator: " "))\" -- \"$cur\"))\n"
            s += "            else COMPREPLY=($(compgen -W \"\(candidates(c).joined(separator: " "))\" -- \"$cur\")\(files)); fi ;;\n"
        }
        s += "    esac\n"
        s += "}\n"
        s += "complete -F _soporte soporte\n"
        return s
    }

    // MARK: - zsh

    func zsh() -> String {
        var s = "#compdef soporte\n# zsh completion for soporte (generated from the command table; do not edit)\n"
        s += "_soporte() {\n"
        s += "    local -a path_words\n"
        s += "    local i w skip=0 prev cur\n"
        s += "    cur=\"${words[CURRENT]}\"\n"
        s += "    prev=\"${words[CURRENT-1]}\"\n"
        s += wordScan(word: "${words[i]}", first: 2, last: "CURRENT", collect: "path_words+=(\"$w\")")
        s += valueCases { hint in
            switch hint {
            case .choices(let cs): return "compadd -- \(cs.joined(separator: " "));"
            case .file: return "_files;"
            case .profiles: return "compadd -- ${(f)\"$(\(Completion.profilesCommand))\"};"
            default: return ""
            }
        }
        s += "    case \"${path_words[*]}\" in\n"
        for (p, c) in paths() {
            let key = spellings(p).map { "\"\($0.joined(separator: " "))\"" }.joined(separator: "|")
            let words = candidates(c)
            s += "        \(key))\n"
            s += "            if [[ \"$cur\" == -* ]]; then compadd -- \(optionWords(c, isRoot: p.isEmpty).joined(separator: " "))\n"
            if !c.subcommands.isEmpty {
                let described = c.subcommands.flatMap { sub in ([sub.name] + sub.aliases).map { (sub, $0) } }.map { (sub, name) in "'\(name):\(sub.summary.replacingAll("'", with: "'\\''").replacingAll(":", with: "\\:"))'" }
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

    func fish() -> String {
        var s = "# fish completion for soporte (generated from the command table; do not edit)\n"
        s += "complete -c soporte -f\n"
        func esc(_ t: String) -> String { "'" + t.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'" }
        for o in globals + root.options {
            s += Completion.fishOption(o, condition: nil, esc: esc)
        }
        for (p, c) in paths() where !p.isEmpty {
            let parent = Array(p.dropLast())
            let cond: String
            if parent.isEmpty {
                cond = "__fish_use_subcommand"
            } else {
                let siblings = (paths().first { $0.0 == parent }?.1.subcommands.flatMap { [$0.name] + $0.aliases } ?? []).joined(separator: " ")
                cond = "__fish_seen_subcommand_from \(parent.last!); and not __fish_seen_subcommand_from \(siblings)"
            }
            for name in [p.last!] + c.aliases {
                s += "complete -c soporte -n \(esc(cond)) -a \(esc(name)) -d \(esc(c.summary))\n"
            }
            if c.subcommands.isEmpty {
                let lastNames = ([p.last!] + c.aliases).joined(separator: " ")
                let here = p.count == 1 ? "__fish_seen_subcommand_from \(p[0])" : "__fish_seen_subcommand_from \(p[0]); and __fish_seen_subcommand_from \(lastNames)"
                for o in c.options { s += Completion.fishOption(o, condition: here, esc: esc) }
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
        case .profiles: line += " -x -a \(esc("(" + Completion.profilesCommand + ")"))"
        default: if o.takesValue { line += " -x" }
        }
        line += " -d \(esc(o.help + (o.required ? " (required)" : "")))"
        return line + "\n"
    }
}
