#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON

/// Commands that act on `ID...`: IDs from arguments or stdin (`-`), confirmation for
/// destructive ones, a few at a time, one result line per ID in input order, and the
/// exit status of the first failure.
struct BulkAction: Sendable {
    let verb: String
    let pastTense: String
    let method: String
    let noun: Resource
    let destructive: Bool
    let path: @Sendable (String) -> String
    let body: @Sendable (Invocation) -> [UInt8]?

    static func accounts(_ verb: String) -> BulkAction {
        switch verb {
        case "delete":
            return BulkAction(verb: "delete", pastTense: "deleted", method: "DELETE", noun: .accounts, destructive: true,
                              path: { "/whm/accounts/\($0)" }, body: { _ in nil })
        case "suspend":
            return BulkAction(verb: "suspend", pastTense: "suspended", method: "POST", noun: .accounts, destructive: true,
                              path: { "/whm/accounts/\($0)/suspend" }, body: { inv in
                                  inv.options.last("reason").map { Array(JSONWriter.compact(.object(JSONObject([("reason", .string($0))]))).utf8) }
                              })
        default:
            return BulkAction(verb: "unsuspend", pastTense: "unsuspended", method: "POST", noun: .accounts, destructive: false,
                              path: { "/whm/accounts/\($0)/unsuspend" }, body: { _ in nil })
        }
    }

    static let cancelSubscription = BulkAction(verb: "cancel", pastTense: "cancelled", method: "POST", noun: .subscriptions,
                                               destructive: true, path: { "/billing/subscriptions/\($0)/cancel" }, body: { _ in nil })

    static func run(_ inv: Invocation, action: BulkAction) throws {
        let ids = try collectIDs(inv)
        guard !ids.isEmpty else { throw SoporteError.usage("no IDs given") }
        let client = try inv.client()
        if action.destructive && !inv.settings.yes && !inv.settings.dryRun {
            let what = ids.count == 1 ? "\(action.noun.singular) \(ids[0])" : "\(ids.count) \(action.noun.plural)"
            guard inv.io.stderrIsTTY else {
                throw SoporteError.usage("refusing to \(action.verb) \(what) without confirmation: no terminal to ask on; pass --yes")
            }
            guard Posix.confirm(prompt: "\(action.verb.capitalizedFirst) \(what)? [y/N] ") else {
                throw SoporteError.usage("not confirmed; nothing was sent")
            }
        }
        let calls = ids.map { APICall(action.method, action.path(Percent.encode($0)), body: action.body(inv)) }
        if inv.settings.dryRun {
            for c in calls { try inv.io.out(client.curlLine(for: c) + "\n") }
            return
        }
        // A few at a time; results are printed in input order.
        let results = ResultBox(count: calls.count)
        let width = min(inv.settings.concurrency, calls.count)
        let next = Counter()
        for _ in 0..<width {
            Posix.startThread {
                while let i = next.take(below: calls.count) {
                    do {
                        _ = try client.send(calls[i])
                        results.set(i, nil)
                    } catch let e as SoporteError {
                        results.set(i, e)
                    } catch {
                        results.set(i, SoporteError(.unexpected, "\(error)"))
                    }
                }
            }
        }
        var firstFailure: SoporteError?
        for i in 0..<calls.count {
            let r = results.wait(i)
            let json = inv.settings.output == .json || inv.settings.output == .ndjson
            if let e = r {
                if firstFailure == nil { firstFailure = e }
                if json {
                    try inv.io.out(JSONWriter.compact(.object(JSONObject([("id", .string(ids[i])), ("result", .string("failed")),
                                                                          ("error", .string(e.message))]))) + "\n")
                } else {
                    try inv.io.out("failed \(ids[i]): \(e.message)\n")
                }
            } else if json {
                try inv.io.out(JSONWriter.compact(.object(JSONObject([("id", .string(ids[i])), ("result", .string(action.pastTense))]))) + "\n")
            } else {
                try inv.io.out("\(action.pastTense) \(ids[i])\n")
            }
            try inv.io.flush()
        }
        if let f = firstFailure {
            let failed = (0..<calls.count).filter { results.wait($0) != nil }.count
            throw SoporteError(f.status, "\(failed) of \(ids.count) failed; first failure: \(f.message)", requestID: f.requestID)
        }
    }

    /// IDs from the arguments; `-` reads stdin, one per line, first whitespace field.
    static func collectIDs(_ inv: Invocation) throws -> [String] {
        var ids: [String] = []
        for a in inv.args {
            if a == "-" {
                let text = String(decoding: try inv.ctx.readStdin(), as: UTF8.self)
                for line in text.split(whereSeparator: \.isNewline) {
                    guard let field = line.split(whereSeparator: \.isWhitespace).first else { continue }
                    if field.hasPrefix("#") { continue }
                    ids.append(try ResourceCommands.checkID(String(field)))
                }
            } else {
                ids.append(try ResourceCommands.checkID(a))
            }
        }
        return ids
    }
}

/// Per-index results filled by workers, waited for in order.
final class ResultBox: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var done: [Bool]
    private var errors: [SoporteError?]

    init(count: Int) {
        done = Array(repeating: false, count: count)
        errors = Array(repeating: nil, count: count)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
    }

    func set(_ i: Int, _ e: SoporteError?) {
        pthread_mutex_lock(&mutex)
        errors[i] = e
        done[i] = true
        pthread_cond_broadcast(&cond)
        pthread_mutex_unlock(&mutex)
    }

    func wait(_ i: Int) -> SoporteError? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while !done[i] { pthread_cond_wait(&cond, &mutex) }
        return errors[i]
    }
}

/// Hands out indices 0, 1, 2... to workers. Thread-safe.
final class Counter: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value = 0
    init() { pthread_mutex_init(&mutex, nil) }
    func take(below n: Int) -> Int? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard value < n else { return nil }
        value += 1
        return value - 1
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
