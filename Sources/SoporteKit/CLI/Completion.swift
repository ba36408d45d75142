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

    // MARK: - Values that depend on the command (docs/CONTRACT.md §14.6)

    /// What an option's value completes to on one command, beyond its own hint.
    enum ValueWords: Equatable {
        /// Field names; `commas`: a comma list (the part after the last comma is
        /// completed); `descending`: a `-` before a name is kept (`--sort -created_at`).
        case fields([String], commas: Bool, descending: Bool)
        case words([String])
    }

    /// The options whose values depend on command `c`: the resource's fields for
    /// `--fields`, `--sort`, `--filter`, and `-o` with the formats only it prints.
    func commandValues(_ c: CommandSpec) -> [(OptionSpec, ValueWords)] {
        var out: [(OptionSpec, ValueWords)] = []
        let all = globals + c.options
        func opt(_ long: String) -> OptionSpec? { all.first { $0.long == long } }
        if !c.fields.isEmpty {
            if let o = opt("fields") { out.append((o, .fields(c.fields, commas: true, descending: false))) }
            if let o = c.options.first(where: { $0.long == "sort" }) { out.append((o, .fields(c.fields, commas: true, descending: true))) }
            if let o = c.options.first(where: { $0.long == "filter" }) { out.append((o, .fields(c.fields, commas: false, descending: false))) }
        }
        if !c.extraFormats.isEmpty, let o = opt("output") {
            out.append((o, .words(OutputFormat.dataFormats.map(\.rawValue) + c.extraFormats.map(\.rawValue))))
        }
        return out
    }

    /// The resource whose cached ids complete `c`'s arguments, if any.
    func cachedResource(_ c: CommandSpec) -> String? {
        if case .ids(let r) = c.arguments.first?.completion { return r }
        return nil
    }

    static func cachePath(_ resource: String) -> String { "\"${XDG_CACHE_HOME:-$HOME/.cache}/soporte/\(resource)\"" }

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

    /// `case PATH in ... case "$prev"`: the values that depend on the command, before the
    /// global ones (`valueCases`) answer for every command alike.
    /// `key` spells a path as the case pattern; `after` the pattern of the path followed
    /// by arguments (`servers get 1 --fields `).
    func commandValueCases(pathExpr: String, key: ([String]) -> String, after: ([String]) -> String,
                           action: (ValueWords) -> String) -> String {
        var s = ""
        for (p, c) in paths() {
            let values = commandValues(c)
            guard !values.isEmpty else { continue }
            let keys = spellings(p).flatMap { c.arguments.isEmpty ? [key($0)] : [key($0), after($0)] }
            s += "        \(keys.joined(separator: "|")))\n"
            s += "            case \"$prev\" in\n"
            for (o, words) in values { s += "                \(Completion.pattern(o))) \(action(words)) return ;;\n" }
            s += "            esac ;;\n"
        }
        return s.isEmpty ? "" : "    case \"\(pathExpr)\" in\n" + s + "    esac\n"
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
        s += """
            # Field names for a value: after the last comma of a list ($2 holds ','), and
            # after a leading '-' ($2 holds '-'); no word of it is ever expanded.
            _soporte_words() {
                local pre="" last="$cur" w
                if [[ $2 == *,* && $cur == *,* ]]; then pre="${cur%,*},"; last="${cur##*,}"; fi
                if [[ $2 == *-* && $last == -* ]]; then pre="$pre-"; last="${last#-}"; fi
                COMPREPLY=()
                for w in $1; do [[ $w == "$last"* ]] && COMPREPLY+=("$pre$w"); done
            }
            # Ids and names from the cache of the last 'list' walk (never a request).
            _soporte_cached() {
                local f="${XDG_CACHE_HOME:-$HOME/.cache}/soporte/$1" w
                local -a ws
                COMPREPLY=()
                [[ -f $f ]] || return 0
                while IFS=$'\\t' read -r -a ws; do
                    for w in "${ws[@]}"; do [[ $w == "$cur"* ]] && COMPREPLY+=("$w"); done
                done < "$f"
            }

            """
        s += "_soporte() {\n"
        s += "    local cur prev path i w skip=0\n"
        s += "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
        s += "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        s += "    path=\"\"\n"
        s += wordScan(word: "${COMP_WORDS[i]}", first: 1, last: "COMP_CWORD", collect: "path=\"$path $w\"")
        s += commandValueCases(pathExpr: "$path", key: { $0.isEmpty ? "\"\"" : "\" \($0.joined(separator: " "))\"" },
                                after: { "\" \($0.joined(separator: " ")) \"*" }) { words in
            switch words {
            case .fields(let f, let commas, let desc): return "_soporte_words \"\(f.joined(separator: " "))\" \"\(commas ? "," : "")\(desc ? "-" : "")\";"
            case .words(let w): return "COMPREPLY=($(compgen -W \"\(w.joined(separator: " "))\" -- \"$cur\"));"
            }
        }
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
            // After a variadic argument's first word (`suspend 42 `), the same command.
            let more = c.arguments.first.map { $0.variadic || cachedResource(c) != nil } == true && !p.isEmpty
            let key = spellings(p).map { $0.isEmpty ? "\"\"" : "\" \($0.joined(separator: " "))\"" + (more ? "|\" \($0.joined(separator: " ")) \"*" : "") }.joined(separator: "|")
            let files = c.subcommands.isEmpty && c.arguments.first?.completion == .file ? " $(compgen -f -- \"$cur\")" : ""
            s += "        \(key))\n"
            s += "            if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"\(optionWords(c, isRoot: p.isEmpty).joined(separator: " "))\" -- \"$cur\"))\n"
            if let r = cachedResource(c) {
                s += "            else _soporte_cached \(r); fi ;;\n"
            } else {
                s += "            else COMPREPLY=($(compgen -W \"\(candidates(c).joined(separator: " "))\" -- \"$cur\")\(files)); fi ;;\n"
            }
        }
        s += "    esac\n"
        s += "}\n"
        s += "complete -F _soporte soporte\n"
        return s
    }

    // MARK: - zsh

    func zsh() -> String {
        var s = "#compdef soporte\n# zsh completion for soporte (generated from the command table; do not edit)\n"
        s += """
            _soporte_cached() {
                local f="${XDG_CACHE_HOME:-$HOME/.cache}/soporte/$1" t
                [[ -f $f ]] || return 0
                t="$(<$f)"
                compadd -- ${(ps:\\t:)${t//$'\\n'/$'\\t'}}
            }

            """
        s += "_soporte() {\n"
        s += "    local -a path_words\n"
        s += "    local i w skip=0 prev cur\n"
        s += "    cur=\"${words[CURRENT]}\"\n"
        s += "    prev=\"${words[CURRENT-1]}\"\n"
        s += wordScan(word: "${words[i]}", first: 2, last: "CURRENT", collect: "path_words+=(\"$w\")")
        s += commandValueCases(pathExpr: "${path_words[*]}", key: { "\"\($0.joined(separator: " "))\"" },
                                after: { "\"\($0.joined(separator: " ")) \"*" }) { words in
            switch words {
            case .fields(let f, let commas, let desc):
                return (commas ? "compset -P '*,'; " : "") + (desc ? "compset -P '-'; " : "") + "compadd -- \(f.joined(separator: " "));"
            case .words(let w): return "compadd -- \(w.joined(separator: " "));"
            }
        }
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
            let more = c.arguments.first.map { $0.variadic || cachedResource(c) != nil } == true && !p.isEmpty
            let key = spellings(p).map { "\"\($0.joined(separator: " "))\"" + (more ? "|\"\($0.joined(separator: " ")) \"*" : "") }.joined(separator: "|")
            let words = candidates(c)
            s += "        \(key))\n"
            s += "            if [[ \"$cur\" == -* ]]; then compadd -- \(optionWords(c, isRoot: p.isEmpty).joined(separator: " "))\n"
            if !c.subcommands.isEmpty {
                let described = c.subcommands.flatMap { sub in ([sub.name] + sub.aliases).map { (sub, $0) } }.map { (sub, name) in "'\(name):\(sub.summary.replacingAll("'", with: "'\\''").replacingAll(":", with: "\\:"))'" }
                s += "            else local -a cmds; cmds=(\(described.joined(separator: " "))); _describe -t commands command cmds; fi ;;\n"
            } else if let r = cachedResource(c) {
                s += "            else _soporte_cached \(r); fi ;;\n"
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
        s += """
            # Field names for a value: after the last comma of a list (mode holds ','), and
            # after a leading '-' (mode holds '-').
            function __soporte_fields
                set -l mode $argv[1]
                set -e argv[1]
                set -l tok (commandline -ct)
                set -l pre ''
                if string match -q -- '*,*' $mode; and string match -q -- '*,*' $tok
                    set pre (string replace -r '[^,]*$' '' -- $tok)
                    set tok (string replace -r '^.*,' '' -- $tok)
                end
                if string match -q -- '*-*' $mode; and string match -q -- '-*' $tok
                    set pre "$pre-"
                end
                for w in $argv
                    printf '%s%s\\n' $pre $w
                end
            end
            # Ids and names from the cache of the last 'list' walk (never a request).
            function __soporte_cached
                set -l d "$XDG_CACHE_HOME"
                test -n "$d"; or set d "$HOME/.cache"
                test -f "$d/soporte/$argv[1]"; and string split \\t < "$d/soporte/$argv[1]"
            end

            """
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
                if let r = cachedResource(c) {
                    s += "complete -c soporte -n \(esc(here)) -a \(esc("(__soporte_cached \(r))"))\n"
                }
                for (o, words) in commandValues(c) {
                    var line = "complete -c soporte -n \(esc(here)) -l \(o.long)"
                    if let sh = o.short { line += " -s \(sh)" }
                    switch words {
                    case .fields(let f, let commas, let desc):
                        let mode = (commas ? "," : "") + (desc ? "-" : "")
                        line += " -x -a \(esc("(__soporte_fields \(mode.isEmpty ? "." : mode) \(f.joined(separator: " ")))"))"
                    case .words(let w): line += " -x -a \(esc(w.joined(separator: " ")))"
                    }
                    s += line + "\n"
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
