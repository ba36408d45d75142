import SoporteJSON
import SoporteSystem

/// The ids and names of the last `list` walk of each resource, for shell completion
/// after `get` and the bulk verbs (docs/CONTRACT.md §14.6): the completion scripts read this file and
/// never send a request. One line per item, `ID` or `ID<TAB>NAME...` (the resource's
/// `nameFields`), at most 10,000 lines, in `$XDG_CACHE_HOME/soporte/RESOURCE` (else
/// `~/.cache/soporte/RESOURCE`), mode 0600 in a folder 0700, replaced atomically when a
/// walk completes. Only ids the server gave as ids (`ResourceID`) and names made of
/// `A-Z a-z 0-9 . _ @ + -` are written: a completion script can never be handed a word
/// that its shell would expand.
final class ListCache: ItemWriter {
    static let most = 10_000
    let inner: any ItemWriter
    let resource: Resource
    let path: String
    let fs: any FileSystem
    let io: IOStreams
    let verbose: Bool
    /// A table under it holds its rows until the end (an interrupt must print them).
    var holdsRows: Bool { inner.holdsRows }
    private var lines: [String] = []

    init(wrapping inner: any ItemWriter, resource: Resource, env: [String: String], fs: any FileSystem, io: IOStreams, verbose: Bool) {
        self.inner = inner
        self.resource = resource
        self.path = ListCache.folder(env: env) + "/" + resource.name
        self.fs = fs
        self.io = io
        self.verbose = verbose
    }

    /// `$XDG_CACHE_HOME/soporte`, else `~/.cache/soporte`; "" without either (no cache).
    static func folder(env: [String: String]) -> String {
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty { return x + "/soporte" }
        guard let h = env["HOME"], !h.isEmpty else { return "" }
        return h + "/.cache/soporte"
    }

    func write(_ item: JSONValue) throws {
        try inner.write(item)
        guard lines.count < ListCache.most, let id = ResourceID(server: item["id"] ?? .null) else { return }
        note(id, resource.nameFields.compactMap { item[$0]?.stringValue })
    }

    func write(_ tape: JSONTape, _ index: Int, escapedString: ((String) -> String?)?) throws {
        try inner.write(tape, index, escapedString: escapedString)
        guard lines.count < ListCache.most, let m = tape.member(index, "id"), let id = ResourceID(server: tape.value(at: m)) else { return }
        note(id, resource.nameFields.compactMap { f in
            tape.member(index, f).flatMap { tape[$0].kind == .string ? tape.decodedString($0) : nil }
        })
    }

    private func note(_ id: ResourceID, _ names: [String]) {
        lines.append(([id.description] + names.filter(ListCache.isSafeName)).joined(separator: "\t"))
    }

    static func isSafeName(_ s: String) -> Bool {
        (1...253).contains(s.utf8.count) && s.utf8.allSatisfy { ASCII.isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || ".-_@+".utf8.contains($0) }
            && !s.hasPrefix("-")
    }

    func finish(complete: Bool) throws {
        try inner.finish(complete: complete)
        guard complete else { return }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        // The folder is made only below one that exists (the home, or XDG_CACHE_HOME's
        // parent): a HOME of /nonexistent stays nonexistent.
        let cacheHome = Files.folder(of: Files.folder(of: path))
        guard path.hasPrefix("/"), fs.mode(of: Files.folder(of: cacheHome)) != nil else {
            if verbose { io.note("CACHE", "no completion cache: \(Files.folder(of: cacheHome)) does not exist") }
            return
        }
        do {
            try fs.makeDirectories(Files.folder(of: path), mode: 0o700)
            try fs.writeAtomically(path, bytes, mode: 0o600)
        } catch {
            // Completion is a comfort: a cache that cannot be written (no HOME, a read-only
            // home) never fails the list, and is said only under -v.
            if verbose { io.note("CACHE", "could not write the completion cache \(path): \(error.reason)") }
        }
    }
}
