import SoporteJSON
import SoporteSystem

/// The command line that resumes a walk from a page: the same words and options as
/// typed (no option carries a secret), shell-quoted, with `--from-page N` in place of
/// `--page`/`--from-page`, and `--limit` lowered by what was already written.
public struct ResumeHint: Sendable {
    /// The command words and options, without --page, --from-page and --limit.
    public let words: [String]
    public let limit: Int?
    /// `soporte` and the words, quoted once (a walk asks for the command twice a page).
    let quoted: String

    public init(words: [String], limit: Int?) {
        self.words = words
        self.limit = limit
        quoted = (["soporte"] + words).map(ShellQuote.quote).joined(separator: " ")
    }

    public func command(fromPage page: Int, written: Int) -> String {
        var c = quoted + " --from-page " + String(page)
        if let l = limit { c += " --limit " + String(max(1, l - written)) }
        return c
    }
}

/// Walks a collection: page 1 first (it tells how many there are), then the rest
/// several at a time, writing items strictly in page order as each next page arrives.
/// A page that comes back short while the collection did not change is fetched once
/// more, then fails the walk; the walk never ends with exit 0 and items missing.
public final class PageWalker {
    let client: APIClient
    let io: IOStreams
    let path: String
    let options: ListOptions
    let label: String
    let concurrency: Int
    let resume: ResumeHint?
    /// Called with the first page's items before they are written (for the checks of
    /// names asked for); an error thrown there ends the walk before any item is written.
    public var onFirstPage: (([JSONValue]) throws -> Void)?
    /// False when the writer prints nothing until the walk is whole (totals): a failure
    /// then says that nothing was printed and that the command is to be run again,
    /// since `--from-page` would total part of the list.
    public var resumable = true
    /// The signal notes' fixed parts, made at the first page.
    var notes: ResumeNotes?

    public init(client: APIClient, io: IOStreams, path: String, options: ListOptions, label: String,
                concurrency: Int, resume: ResumeHint?) {
        self.client = client
        self.io = io
        self.path = path
        self.options = options
        self.label = label
        self.concurrency = max(1, concurrency)
        self.resume = resume
    }

    struct Fetched: Sendable {
        let result: Result<APIAnswer, SoporteError>
        let allowance: PageAllowance
    }

    /// Runs the walk; returns the number of items written. On failure the writer is
    /// finished as incomplete and the error says how far it got and how to resume.
    @discardableResult
    public func run(into writer: any ItemWriter) throws -> Int {
        let start = options.page ?? options.fromPage ?? 1
        var walk = Walk(walker: self, writer: writer, plan: WalkPlan(startPage: start, limit: options.limit, perPage: options.pageSize),
                        budget: WalkBudget(head: start))
        defer {
            walk.budget.abandon()
            SignalNote.clear()
        }
        if !resumable {
            // What a signal prints: the totals are not out, and --from-page would total part.
            let m = "\(label): walk stopped; no totals were printed (they need the whole list): run the command again"
            SignalNote.set(bytes: Array((io.style.json ? "{\"warning\":{\"code\":\"WALK_STOPPED\",\"message\":\"\(m)\"}}\n" : "\nsoporte: \(m)\n").utf8))
        }
        if try walk.firstPage(start), options.page == nil, walk.plan.lastPageNeeded > start {
            try walk.rest(from: start + 1, to: walk.plan.lastPageNeeded)
            io.clearProgress()
        }
        if options.page == nil, let expected = walk.plan.shortfall(written: walk.written, limitReached: options.limit.map { walk.written >= $0 } ?? false) {
            let last = walk.plan.lastPageNeeded
            throw walk.failed(SoporteError(.server, "meta.total said \(expected) items from page \(start) on, and pages \(start)-\(last) gave \(walk.written) (meta.last_page is \(walk.plan.lastPage)); items would be missing"), last + 1)
        }
        try writer.finish(complete: true)
        noteLimit(walk.plan, written: walk.written)
        // A signal taken up only once the last page was in: every item is out, and the
        // run still ends as an interrupted one.
        if let sig = Interrupts.pending {
            throw SoporteError(Interrupts.isTermination(sig) ? .terminated : .interrupted,
                               "\(label): \(Interrupts.describe(sig)) after the last page; all \(walk.written) items were written")
        }
        return walk.written
    }

    /// One walk's state: the plan, what was written, the ids of the last two pages, and
    /// the memory budget its pages share.
    struct Walk {
        let walker: PageWalker
        let writer: any ItemWriter
        var plan: WalkPlan
        let budget: WalkBudget
        var written = 0
        // Ids of the last two pages: when the collection shifts during a walk, repeats
        // come from the neighbouring page, so this window catches them in constant memory.
        var seen = RecentIDs()

        /// Page 1 alone (it tells how many there are); false when nothing more is wanted.
        mutating func firstPage(_ start: Int) throws -> Bool {
            let allowance = budget.allowance(page: start)
            defer { allowance.releaseAll() }
            // Nothing was written yet: a failure here is just the request's error.
            var first = try walker.fetch(start, allowance: allowance)
            // `--page N` is that page whatever its meta says; a walk must trust the counts.
            do { try plan.first(meta: first.meta, itemCount: first.count) } catch let e as SoporteError where walker.options.page == nil {
                throw SoporteError(e.status, "\(walker.label): \(e.message)", requestID: first.requestID)
            } catch {}
            if walker.options.page == nil && plan.firstPageIsShort(itemCount: first.count) {
                first = try walker.refetchShort(start, got: first.count, plan: plan, failed: { failed($0, $1) })
            }
            if let f = walker.onFirstPage { try f((0..<first.count).map { first.value($0, escaped: walker.escaped) }) }
            let more: Bool
            publish(page: start, writing: true)
            do { more = try emit(first) } catch { try? writer.finish(complete: false); throw error }
            publish(page: start + 1)
            return more
        }

        /// The signal note for where the walk stands. Rows a table holds are not out yet:
        /// if a signal ends the run before they are, the note says none were written and
        /// resumes from the first page.
        func publish(page: Int, writing: Bool = false) {
            if writer.holdsRows {
                walker.publishResume(page: plan.startPage, written: 0)
            } else {
                walker.publishResume(page: page, written: written, writing: writing)
            }
        }

        /// Pages `from...to`, `concurrency` in flight, written in order. The workers only
        /// fetch (each asks for its next page as soon as it has one); a page is parsed here,
        /// in its turn, so pages read ahead hold their bytes only.
        ///
        /// A table holds its rows until the end to size its columns (docs/CONTRACT.md §13.4), and a
        /// signal handler cannot format them: while it holds rows, SIGINT and SIGTERM are
        /// handed to this thread (`Interrupts`). The signal cancels the workers, which
        /// wakes the wait for the next page; the walk then stops as on an error (`failed`),
        /// which prints the rows held and counts them in its message. The main thread
        /// only waits here or parses and hands items to the writer (the workers fetch),
        /// so it takes the signal up at once; if it cannot (a short page asked for again
        /// on this thread), the signal ends the run after two seconds, as it always did.
        mutating func rest(from: Int, to last: Int) throws {
            budget.advance(head: from)
            let budget = self.budget
            let (client, path, options) = (walker.client, walker.path, walker.options)
            let workers = OrderedWorkers<Fetched>(count: last - from + 1, width: walker.concurrency, window: walker.concurrency * 2) { i in
                let p = from + i
                let allowance = budget.allowance(page: p)
                do {
                    let a = try client.send(APICall("GET", path, query: options.query(page: p), decode: false), allowance: allowance)
                    return Fetched(result: .success(a), allowance: allowance)
                } catch let e as SoporteError {
                    return Fetched(result: .failure(e), allowance: allowance)
                } catch {
                    return Fetched(result: .failure(SoporteError(.unexpected, "\(error)")), allowance: allowance)
                }
            }
            defer { workers.cancel() }
            if writer.holdsRows {
                try Interrupts.deferred(wake: { workers.cancel() }) { try pages(from: from, to: last, workers) }
            } else {
                try pages(from: from, to: last, workers)
            }
        }

        mutating func pages(from: Int, to last: Int, _ workers: OrderedWorkers<Fetched>) throws {
            for page in from...last {
                budget.advance(head: page)
                let next = workers.next()
                if let sig = Interrupts.pending {
                    next?.allowance.releaseAll()
                    throw failed(SoporteError(Interrupts.isTermination(sig) ? .terminated : .interrupted, Interrupts.describe(sig)), page)
                }
                guard let fetched = next else { break }
                defer { fetched.allowance.releaseAll() }
                let fetchedPage: Page
                switch fetched.result {
                case .failure(let e): throw failed(e, page)
                case .success(let a):
                    do { fetchedPage = try Page.read(a, page: page, path: walker.path, reader: walker.client.reader) } catch let e as SoporteError { throw failed(e, page) }
                }
                let items = try checked(fetchedPage, page: page)
                let more: Bool
                publish(page: page, writing: true)
                let before = written
                do { more = try emit(items) } catch let e as SoporteError {
                    // Some of this page may be out already: the walk resumes from it, with
                    // only the pages before it counted (as the signal note says).
                    written = before
                    throw failed(e, page, whileWriting: true)
                }
                publish(page: page + 1)
                walker.io.progress("\(walker.label): page \(page)/\(plan.lastPage), \(written)" + (plan.total.map { "/\($0)" } ?? ""))
                if !more { break }
            }
        }

        /// A later page, once the plan's checks pass (a short page asked again).
        mutating func checked(_ items: Page, page: Int) throws -> Page {
            var items = items
            switch plan.check(page: page, meta: items.meta, itemCount: items.count) {
            case .ok: break
            case .drift(let a, let b):
                walker.io.warn("COLLECTION_CHANGED", "\(walker.label) changed during the walk (total \(a) -> \(b)); items may be missing, repeated ids are skipped")
            case .outOfOrder(let got):
                throw failed(SoporteError(.server, "asked for page \(page) and got page \(got) (the walk repeats or goes backwards)"), page)
            case .short(let got, _):
                items = try walker.refetchShort(page, got: got, plan: plan, failed: { failed($0, $1) })
            case .invalid(let key, let text):
                // Believable only when the total shows this page ends the collection.
                guard let t = plan.total, written + items.count >= t else {
                    throw failed(SoporteError(.server, WalkPlan.invalid((key, text), page: page).message, requestID: items.requestID), page)
                }
            }
            return items
        }

        mutating func emit(_ page: Page) throws -> Bool {
            let escaped = walker.escaped
            var more = true
            for k in 0..<page.count {
                if let l = walker.options.limit, written >= l { more = false; break }
                if let id = page.id(k), !seen.insert(id) { continue }
                try page.write(k, to: writer, escaped: escaped)
                written += 1
            }
            seen.endPage()
            // The page is out before the walk goes on or ends (--limit reached in it too):
            // an output error here is this page's, with its resume command.
            try walker.io.flush()
            return more
        }

        /// The error of a walk stopped at `page`: what was written and how to go on.
        /// `whileWriting`: it stopped part-way through writing `page` (an output error), so
        /// some of its items may be out and come again on resume.
        func failed(_ e: SoporteError, _ page: Int, whileWriting: Bool = false) -> SoporteError {
            // The progress line goes first: a table prints its rows now, on the same terminal.
            walker.io.clearProgress()
            try? writer.finish(complete: false)
            if e.status == .brokenPipe { return e }
            var err = e
            if !walker.resumable {
                let nothing = e.status == .usage ? "no totals were printed" : "no totals were printed (they need the whole list): run the command again"
                if e.status != .usage {
                    err.message = "\(walker.label): walk stopped at page \(page)" + (plan.lastPage > page ? " of \(plan.lastPage)" : "") + ": " + e.message
                }
                if walker.io.style.json { walker.io.warn("WALK_STOPPED", "\(walker.label): " + nothing) } else { err.details = [nothing] + e.details }
                return err
            }
            err.message = "\(walker.label): walk stopped \(whileWriting ? "while writing" : "at") page \(page)" + (plan.lastPage > page ? " of \(plan.lastPage)" : "") + ": " + e.message
            let resumeWith = "resume with: " + (walker.resume.map { $0.command(fromPage: page, written: written) } ?? "--from-page \(page)")
            let count = whileWriting
                ? "\(written) items were written before page \(page) (some of its items may have been written too and will come again)"
                : "\(written) items were written"
            if walker.io.style.json {
                // The error line keeps the API's own details; the way on is a line of its own.
                walker.io.warn("WALK_STOPPED", "\(walker.label): walk stopped \(whileWriting ? "while writing" : "at") page \(page); \(count); \(resumeWith)")
            } else {
                let stopped = e.status == .interrupted || e.status == .terminated
                err.details = [whileWriting ? count : "\(written) items were written before " + (stopped ? "it stopped" : "the failure"), resumeWith] + e.details
            }
            return err
        }
    }

    /// What the writer asks of strings that had escapes (a secret spelt with them).
    var escaped: ((String) -> String?)? { client.reader.escapedStrings }

    func fetch(_ page: Int, allowance: PageAllowance) throws -> Page {
        let a = try client.send(APICall("GET", path, query: options.query(page: page), decode: false), allowance: allowance)
        return try Page.read(a, page: page, path: path, reader: client.reader)
    }

    /// A short page is asked for once more; still short, it ends the walk (exit 8).
    func refetchShort(_ page: Int, got: Int, plan: WalkPlan, failed: (SoporteError, Int) -> SoporteError) throws -> Page {
        io.note("SHORT_PAGE", "\(label): page \(page) had \(got) of \(plan.perPage) items; asking for it again")
        let allowance = WalkBudget(head: page).allowance(page: page)
        defer { allowance.releaseAll() }
        let again: Page
        do { again = try fetch(page, allowance: allowance) } catch let e as SoporteError { throw failed(e, page) }
        if case .count(let t) = PageCount.read(again.meta?["total"]), let old = plan.total, t != old {
            return again  // the collection changed: not a short page after all
        }
        if page < plan.lastPage && again.count < plan.perPage {
            throw failed(SoporteError(.server, "page \(page) had \(again.count) of \(plan.perPage) items twice while the total stayed \(plan.total.map(String.init) ?? "the same"); items would be missing",
                                      requestID: again.requestID), page)
        }
        return again
    }

    /// What a signal prints (SignalNote): where the walk stands. `writing` says page `page`
    /// is being written now, so some of its items may already be out and come again.
    func publishResume(page: Int, written: Int, writing: Bool = false) {
        guard let r = resume else { return }
        if notes == nil { notes = ResumeNotes(label: label, resume: r, json: io.style.json) }
        notes?.publish(page: page, written: written, writing: writing)
    }

    func noteLimit(_ plan: WalkPlan, written: Int) {
        guard let l = plan.limit, written >= l, let t = plan.total, t > written, io.stderrIsTTY else { return }
        io.note("LIMIT", "showing the first \(written) of \(t) \(label) (--limit \(l))")
    }

}

/// The two notes a walk publishes for a signal (SignalNote) twice a page, made of parts
/// written once (the label and the command escaped for the style): only the page and the
/// counts change, and digits need no escaping.
///   stopped while writing page P; W items were written before it (some of page P's may
///   have been written too and will come again); resume with: CMD --from-page P
///   stopped before page P; W items were written; resume with: CMD --from-page P
/// (CMD also gets `--limit` lowered by W when the walk had one.)
struct ResumeNotes {
    private let head: [UInt8]
    private let command: [UInt8]
    private let tail: [UInt8]
    private let limit: Int?
    private var line: [UInt8] = []

    init(label: String, resume: ResumeHint, json: Bool) {
        func text(_ s: String) -> [UInt8] {
            guard json else { return Array(s.utf8) }
            var out: [UInt8] = []
            var s = s
            s.withUTF8 { JSONWriter.writeStringBody($0, into: &out) }
            return out
        }
        head = (json ? Array(#"{"warning":{"code":"WALK_STOPPED","message":""#.utf8) : Array("\nsoporte: ".utf8)) + text(label)
        command = text(resume.quoted)
        tail = Array((json ? "\"}}\n" : "\n").utf8)
        limit = resume.limit
    }

    mutating func publish(page: Int, written: Int, writing: Bool) {
        line.removeAll(keepingCapacity: true)
        line += head
        if writing {
            line += ": walk stopped while writing page ".utf8
            digits(page)
            line += "; ".utf8
            digits(written)
            line += " items were written before it (some of page ".utf8
            digits(page)
            line += "'s may have been written too and will come again); resume with: ".utf8
        } else {
            line += ": walk stopped before page ".utf8
            digits(page)
            line += "; ".utf8
            digits(written)
            line += " items were written; resume with: ".utf8
        }
        line += command
        line += " --from-page ".utf8
        digits(page)
        if let l = limit {
            line += " --limit ".utf8
            digits(max(1, l - written))
        }
        line += tail
        SignalNote.set(bytes: line)
    }

    private mutating func digits(_ n: Int) {
        line += String(n).utf8
    }
}

/// A page of a walk as it is held until written: a tape over its bytes (items copied
/// out as they are), or, when a secret shows in its raw bytes, decoded values with every
/// secret replaced. Read by the writer, in its turn (the workers only fetch).
struct Page: Sendable {
    let tape: JSONTape?
    /// Tape indices of the items (fast path).
    let items: [Int32]
    /// The items (slow path).
    let values: [JSONValue]
    let meta: JSONValue?
    let requestID: String?
    /// A string with escapes in the tape holds a secret once decoded: only then are the
    /// writers given the hook that replaces them.
    var escapedSecret = false

    var count: Int { tape == nil ? values.count : items.count }

    /// Reads a page answer; an answer that is not the API's shape is an error.
    static func read(_ a: APIAnswer, page: Int, path: String, reader: AnswerReader) throws -> Page {
        let shapeError = SoporteError(.server, "the answer for page \(page) of \(path) has no 'data' list (not the API's shape)", requestID: a.requestID)
        if reader.secrets.contains(a.body) {
            let json: JSONValue
            do { json = try reader.json(a.body) } catch let e as JSONParseError { throw notJSON(e, path: path, requestID: a.requestID) }
            guard let items = json["data"]?.arrayValue else { throw shapeError }
            return Page(tape: nil, items: [], values: items, meta: json["meta"], requestID: a.requestID)
        }
        var tape = JSONTape()
        do { try tape.parse(a.body, maxValues: AnswerReader.maxValues) } catch let e as JSONParseError {
            throw notJSON(e, path: path, requestID: a.requestID)
        }
        guard let data = tape.member(0, "data"), tape[data].kind == .array else { throw shapeError }
        var items: [Int32] = []
        items.reserveCapacity(Int(tape[data].count))
        var e = data + 1
        while e < Int(tape[data].next) {
            items.append(Int32(e))
            e = Int(tape[e].next)
        }
        let meta = tape.member(0, "meta").map { tape.value(at: $0) }
        // Strings with escapes are decoded and searched once for the page: the writers ask
        // about each of them only when a secret showed there (copying items whole otherwise).
        let escapedSecret = !reader.secrets.entries.isEmpty && reader.secrets.contains(tape.escapedStringsDecoded())
        return Page(tape: tape, items: items, values: [], meta: meta, requestID: a.requestID, escapedSecret: escapedSecret)
    }

    static func notJSON(_ e: JSONParseError, path: String, requestID: String?) -> SoporteError {
        SoporteError(.server, "the API's answer to GET \(path) is not valid JSON (\(e.description))", requestID: requestID)
    }

    /// The item's id as text (for the repeated-id check), if it has one.
    func id(_ k: Int) -> String? {
        guard let tape else {
            guard let id = values[k]["id"], !id.isNull else { return nil }
            return id.scalarText
        }
        guard let i = tape.member(Int(items[k]), "id"), tape[i].kind != .null else { return nil }
        return tape.scalarText(i)
    }

    func value(_ k: Int, escaped: ((String) -> String?)?) -> JSONValue {
        tape.map { $0.value(at: Int(items[k]), escapedString: escapedSecret ? escaped : nil) } ?? values[k]
    }

    func write(_ k: Int, to writer: any ItemWriter, escaped: ((String) -> String?)?) throws {
        if let tape { try writer.write(tape, Int(items[k]), escapedString: escapedSecret ? escaped : nil) } else { try writer.write(values[k]) }
    }
}

/// The ids written in the current and the previous page, compared as text.
struct RecentIDs {
    private var previous = Set<String>()
    private var current = Set<String>()

    /// False when the id was already written in this page or the one before.
    mutating func insert(_ id: String) -> Bool {
        if previous.contains(id) { return false }
        return current.insert(id).inserted
    }

    mutating func endPage() {
        swap(&previous, &current)
        current.removeAll(keepingCapacity: true)
    }
}
