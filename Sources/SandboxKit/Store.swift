#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON
import SoporteSystem

/// The simulator's data and the rules for changing it. Not thread-safe on its own:
/// the simulator holds its lock around every call.
struct Store {
    var collections: [String: [JSONObject]] = [:]
    var positions: [String: [Int: Int]] = [:]
    var nextID: [String: Int] = [:]
    /// Counts changes; timestamps of changes derive from it, never from the clock.
    var mutations = 0

    static let required: [String: [String]] = [
        "accounts": ["domain", "username", "email", "password", "package", "server_id"],
        "servers": ["name", "hostname"],
        "packages": ["name", "disk_quota", "price"],
        "invoices": ["account_id", "amount"],
        "subscriptions": ["account_id", "plan", "amount"],
    ]
    static let readOnly: Set<String> = ["id", "created_at", "updated_at"]
    /// Ids and the change counter (2^53: exact in a JavaScript client, far from overflow).
    static let counterRange = 0...(1 << 53)

    static func load(options: Simulator.Options) throws -> Store {
        var s = Store()
        if let p = options.statePath, let bytes = try? Files.read(p, limit: 1 << 30) {
            guard let doc = try? JSONParser.parse(bytes), let cols = doc["collections"]?.objectValue else {
                throw APIFailure(500, "STATE", "state file \(p) is not a soporte-sandbox state file")
            }
            for (name, v) in cols.entries { s.collections[name] = (v.arrayValue ?? []).compactMap(\.objectValue) }
            // Ids and the change counter are added to; bounded, they cannot overflow.
            guard let mutations = RangeChecked.int(doc["mutations"] ?? .int(0), in: Store.counterRange) else {
                throw APIFailure(500, "STATE", "state file \(p): mutations must be a whole number from 0 to \(Store.counterRange.upperBound)")
            }
            s.mutations = mutations
            for (name, records) in s.collections {
                for r in records where r["id"].map({ RangeChecked.int($0, in: Store.counterRange) == nil }) ?? false {
                    throw APIFailure(500, "STATE", "state file \(p): \(name) has an id that is not a whole number from 0 to \(Store.counterRange.upperBound)")
                }
            }
        } else {
            s.collections = DataGenerator.generate(seed: options.seed, sizes: options.sizes)
        }
        for name in s.collections.keys { s.reindex(name) }
        return s
    }

    mutating func reindex(_ name: String) {
        var pos: [Int: Int] = [:]
        var maxID = 0
        for (i, r) in (collections[name] ?? []).enumerated() {
            if let id = r["id"]?.intValue { pos[id] = i; maxID = max(maxID, id) }
        }
        positions[name] = pos
        nextID[name] = maxID + 1
    }

    func index(_ name: String, _ id: Int) -> Int? { positions[name]?[id] }

    mutating func logicalTime() -> String {
        mutations += 1
        return CivilTime.iso(DataGenerator.base + 400 * 86400 + mutations)
    }

    /// Embeds related records for `include=server,package,account`.
    func include(_ r: JSONObject, _ names: [String]) -> JSONObject {
        var o = r
        for n in names {
            let coll = n + "s"
            if let id = r["\(n)_id"]?.intValue, let i = index(coll, id), let rel = collections[coll]?[i] {
                var summary = JSONObject()
                for k in ["id", "name", "hostname", "domain", "disk_quota", "price", "status"] { if let v = rel[k] { summary[k] = v } }
                o[n] = .object(summary)
            } else if r["\(n)_id"] != nil {
                o[n] = .null
            }
        }
        return o
    }

    // MARK: - Validation

    func validate(_ name: String, _ body: JSONObject, creating: Bool, existingID: Int? = nil) throws {
        var details = JSONObject()
        func add(_ f: String, _ m: String) {
            var list = details[f]?.arrayValue ?? []
            list.append(.string(m))
            details[f] = .array(list)
        }
        let template = collections[name]?.first
        if creating {
            for f in Store.required[name] ?? [] where body[f] == nil || body[f] == .null || body[f] == .string("") {
                add(f, "The \(f.replacingUnderscores) field is required.")
            }
        }
        for (k, v) in body.entries {
            if Store.readOnly.contains(k) { add(k, "The \(k.replacingUnderscores) field is read-only."); continue }
            if k == "password" { continue }
            guard let t = template, let old = t[k] else {
                if template != nil { add(k, "Unknown field '\(k)'.") }
                continue
            }
            switch (old, v) {
            case (.number, .number), (.string, .string), (.null, _), (_, .null), (.bool, .bool), (.array, .array), (.object, .object): break
            case (.number, _): add(k, "The \(k.replacingUnderscores) must be a number.")
            case (.string, _): add(k, "The \(k.replacingUnderscores) must be a string.")
            default: add(k, "The \(k.replacingUnderscores) has the wrong type.")
            }
        }
        if name == "accounts" {
            if let e = body["email"]?.stringValue, !e.contains("@") || e.contains(" ") { add("email", "The email must be a valid email address.") }
            if let d = body["domain"]?.stringValue {
                if !d.contains(".") || d.contains(" ") || d.contains("/") { add("domain", "The domain must be a valid domain name.") }
                else if collections[name]!.contains(where: { $0["domain"]?.stringValue == d && $0["id"]?.intValue != existingID }) {
                    add("domain", "The domain has already been taken.")
                }
            }
            if let u = body["username"]?.stringValue {
                let ok = !u.isEmpty && u.count <= 16 && u.first!.isLetter && u.allSatisfy { ($0.isLetter && $0.isASCII && $0.isLowercase) || $0.isNumber }
                if !ok { add("username", "The username must be 1-16 lowercase letters and digits, starting with a letter.") }
                else if collections[name]!.contains(where: { $0["username"]?.stringValue == u && $0["id"]?.intValue != existingID }) {
                    add("username", "The username has already been taken.")
                }
            }
            if creating, let p = body["password"] {
                if (p.stringValue ?? "").count < 8 { add("password", "The password must be at least 8 characters.") }
            }
            if let p = body["package"]?.stringValue, !(collections["packages"] ?? []).contains(where: { $0["name"]?.stringValue == p }) {
                add("package", "The selected package is invalid.")
            }
            if let s = body["server_id"] {
                if let sid = s.intValue { if index("servers", sid) == nil { add("server_id", "The selected server id is invalid.") } }
                else if s != .null { add("server_id", "The server id must be an integer.") }
            }
            if let st = body["status"]?.stringValue, !["active", "suspended"].contains(st) { add("status", "The status must be active or suspended.") }
        }
        if details.count > 0 { throw APIFailure(422, "VALIDATION_ERROR", "Validation failed", details: details) }
    }

    // MARK: - Changes

    mutating func create(_ name: String, body: JSONObject) throws -> JSONObject {
        try validate(name, body, creating: true)
        let id = nextID[name] ?? 1
        nextID[name] = id + 1
        let now = logicalTime()
        var rec = JSONObject()
        if let t = collections[name]?.first {
            for k in t.keys {
                switch k {
                case "id": rec[k] = .int(id)
                case "created_at", "updated_at": rec[k] = .string(now)
                case "status": rec[k] = body[k] ?? .string(name == "invoices" ? "pending" : "active")
                case "package_id":
                    let pname = body["package"]?.stringValue
                    rec[k] = (collections["packages"] ?? []).first { $0["name"]?.stringValue == pname }?["id"] ?? .null
                default: rec[k] = body[k] ?? (t[k].map(Store.emptyLike) ?? .null)
                }
            }
        } else {
            rec["id"] = .int(id)
            for (k, v) in body.entries where k != "password" { rec[k] = v }
        }
        collections[name, default: []].append(rec)
        positions[name, default: [:]][id] = collections[name]!.count - 1
        return rec
    }

    static func emptyLike(_ v: JSONValue) -> JSONValue {
        switch v {
        case .array: return .array([])
        case .number: return .int(0)
        case .object(let o): return .object(JSONObject(keys: o.keys, values: o.values.map(emptyLike)))
        default: return .null
        }
    }

    mutating func update(_ name: String, id: Int, body: JSONObject, replace: Bool) throws -> JSONObject {
        var required = JSONObject()
        if replace {
            for f in Store.required[name] ?? [] where f != "password" && body[f] == nil { required[f] = .array([.string("The \(f.replacingUnderscores) field is required.")]) }
            if required.count > 0 { throw APIFailure(422, "VALIDATION_ERROR", "Validation failed", details: required) }
        }
        try validate(name, body, creating: false, existingID: id)
        let i = index(name, id)!
        var rec = collections[name]![i]
        for (k, v) in body.entries where k != "password" { rec[k] = v }
        if name == "accounts", let p = body["package"]?.stringValue {
            rec["package_id"] = (collections["packages"] ?? []).first { $0["name"]?.stringValue == p }?["id"] ?? .null
        }
        if rec["updated_at"] != nil { rec["updated_at"] = .string(logicalTime()) }
        collections[name]![i] = rec
        return rec
    }

    mutating func setStatus(_ name: String, id: Int, status: String, extra: [(String, JSONValue)]) throws -> JSONObject {
        let i = index(name, id)!
        var rec = collections[name]![i]
        rec["status"] = .string(status)
        for (k, v) in extra { rec[k] = v }
        if rec["updated_at"] != nil { rec["updated_at"] = .string(logicalTime()) }
        collections[name]![i] = rec
        return rec
    }

    mutating func delete(_ name: String, id: Int) {
        guard let i = index(name, id) else { return }
        collections[name]!.remove(at: i)
        mutations += 1
        let keep = nextID[name]
        reindex(name)
        nextID[name] = keep  // ids are never reused
    }

    // MARK: - Persistence

    func save(to path: String) throws {
        var cols = JSONObject()
        for name in collections.keys.sorted() { cols[name] = .array(collections[name]!.map { .object($0) }) }
        let doc = JSONObject([("format", .string("soporte-sandbox-state/1")), ("mutations", .int(mutations)), ("collections", .object(cols))])
        var bytes: [UInt8] = []
        JSONWriter.write(.object(doc), into: &bytes, indent: nil, level: 0)
        do { try Files.writeAtomically(path, bytes, mode: 0o600) } catch {
            throw APIFailure(500, "STATE", "\(error)")
        }
    }

}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
