import SoporteJSON

/// Where a `/v1` path points: the health check, a collection, one record, or an action
/// on one record. Ids are range-checked here; anything else is a 404.
enum Target: Equatable {
    case health
    case collection(String)
    case record(String, Int)
    case action(String, Int, String)

    static let collections = [
        "whm/accounts": "accounts", "whm/servers": "servers", "whm/packages": "packages",
        "billing/invoices": "invoices", "billing/subscriptions": "subscriptions",
    ]

    static func parts(_ path: String) -> [Substring] { path.dropFirst(3).split(separator: "/") }

    /// `/v1/admin/...`: for admin tokens only.
    static func isAdmin(_ path: String) -> Bool { parts(path).first == "admin" }

    static func resolve(_ path: String) throws(APIFailure) -> Target {
        let parts = parts(path)
        if parts == ["admin", "system", "health"] { return .health }
        guard parts.count >= 2, let name = collections[parts[0] + "/" + parts[1]], parts.count <= 4 else {
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(path).")
        }
        guard parts.count > 2 else { return .collection(name) }
        guard let id = RangeChecked.int(parts[2], in: 0...Int.max) else {
            throw Laravel.modelNotFound(name, String(parts[2]), envelopeMessage: "\(name.dropLast().capitalizedFirst) '\(parts[2])' not found.")
        }
        return parts.count == 3 ? .record(name, id) : .action(name, id, String(parts[3]))
    }
}

extension Simulator {
    // MARK: - Reads, on a snapshot

    func read(_ r: SimRequest, _ target: Target, store: Store, health: SimulatorState.HealthState) throws -> SimResponse {
        switch target {
        case .health:
            guard r.method == "GET" else { throw methodNotAllowed(r, target) }
            return answer(200, .object(JSONObject([("data", .object(JSONObject([
                ("status", .string(health.status)), ("version", .string("1.0.0-sandbox")), ("checks", .object(health.reportedChecks)),
                ("accounts", .int(store.collections["accounts"]?.count ?? 0)),
            ])))])), nil)
        case .collection(let name):
            let style = QueryEngine.PageStyle(laravel: options.dialect == .laravel, numbers: options.pageNumbers)
            let v = try QueryEngine.list(store.collections[name] ?? [], query: r.query, linkBase: linkBase(r), style: style) { rec, inc in
                store.include(rec, inc)
            }
            return answer(200, v, name)
        case .record(let name, let id):
            let rec = try existing(store, name, id)
            let includes = r.query.last { $0.0 == "include" }?.1.split(separator: ",").map(String.init) ?? []
            return answer(200, .object(JSONObject([("data", .object(includes.isEmpty ? rec : store.include(rec, includes)))])), name)
        case .action(let name, let id, _):
            _ = try existing(store, name, id)
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path).")
        }
    }

    // MARK: - Changes, under the lock

    func change(_ r: SimRequest, _ target: Target, _ store: inout Store) throws -> SimResponse {
        switch target {
        case .health:
            throw methodNotAllowed(r, target)
        case .collection(let name):
            guard r.method == "POST" else { throw methodNotAllowed(r, target) }
            let created = try store.create(name, body: try parseBody(r))
            try persist(store)
            return answer(201, .object(JSONObject([("data", .object(created))])), name)
        case .record(let name, let id):
            _ = try existing(store, name, id)
            switch r.method {
            case "PATCH", "PUT":
                let updated = try store.update(name, id: id, body: try parseBody(r), replace: r.method == "PUT")
                try persist(store)
                return answer(200, .object(JSONObject([("data", .object(updated))])), name)
            case "DELETE":
                store.delete(name, id: id)
                try persist(store)
                return SimResponse(status: 204)
            default:
                throw methodNotAllowed(r, target)
            }
        case .action(let name, let id, let verb):
            _ = try existing(store, name, id)
            guard r.method == "POST" else { throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path).") }
            let result = try store.act(verb, on: name, id: id, body: (try? parseBody(r)) ?? JSONObject(), route: r.path)
            try persist(store)
            return answer(200, .object(JSONObject([("data", .object(result))])), name)
        }
    }

    // MARK: - Helpers

    /// The record, or the API's 404 for it.
    func existing(_ store: Store, _ name: String, _ id: Int) throws -> JSONObject {
        guard let i = store.index(name, id), let rec = store.collections[name]?[i] else {
            throw Laravel.modelNotFound(name, String(id), envelopeMessage: "\(name.dropLast().capitalizedFirst) \(id) not found.")
        }
        return rec
    }

    /// The page URLs' base: the address the sandbox listens on and the request's path
    /// (a Host header is the client's word, and a proxy's name is not the sandbox's).
    func linkBase(_ r: SimRequest) -> String { origin + r.path }

    func methodNotAllowed(_ r: SimRequest, _ target: Target) -> APIFailure {
        var f = APIFailure(405, "METHOD_NOT_ALLOWED", "\(r.method) is not allowed on \(r.path).")
        let allowed: String
        switch target {
        case .health: allowed = "GET, HEAD"
        case .collection: allowed = "GET, HEAD, POST"
        case .record: allowed = "GET, HEAD, PUT, PATCH, DELETE"
        case .action: allowed = "POST"
        }
        f.laravelMessage = "The \(r.method) method is not supported for this route. Supported methods: \(allowed)."
        return f
    }

    /// A JSON answer in the dialect: Laravel's money as strings (for a collection's
    /// records), its escapes.
    func answer(_ status: Int, _ v: JSONValue, _ collection: String?) -> SimResponse {
        var v = v
        if options.dialect == .laravel, let c = collection { v = Laravel.castMoney(v, collection: c) }
        return SimResponse(status: status, headers: [("Content-Type", "application/json")], body: options.dialect.encode(v))
    }

    func parseBody(_ r: SimRequest) throws -> JSONObject {
        if r.body.isEmpty { return JSONObject() }
        guard let v = try? JSONParser.parse(r.body) else { throw APIFailure(400, "BAD_REQUEST", "The request body is not valid JSON.") }
        guard let o = v.objectValue else { throw APIFailure(400, "BAD_REQUEST", "The request body must be a JSON object.") }
        return o
    }

    /// Saves the store to `--state` before the change is answered.
    func persist(_ store: Store) throws {
        guard let p = options.statePath else { return }
        do { try store.save(to: p) } catch {
            throw APIFailure(500, "SERVER_ERROR", "Could not save state: \(error)")
        }
    }
}

extension StringProtocol {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
