import SoporteJSON

/// How the simulated server spells its answers (`--dialect`): the soporteclientes.net
/// API as the overview documents it, or what a stock Laravel 8 application serving the
/// same data sends (error bodies, escapes, money as strings, the paginator's metadata,
/// the throttle's headers), so that a client's tests can meet both.
public enum Dialect: String, Sendable, CaseIterable {
    case soporteclientes
    case laravel

    /// The body of an error answer: the API's envelope, or Laravel's `{"message"}`
    /// (and `errors` for a 422), without a request id.
    func errorBody(_ f: APIFailure, requestID: String, now: Double) -> JSONValue {
        switch self {
        case .soporteclientes:
            return f.envelope(requestID: requestID, now: now)
        case .laravel:
            if f.status == 422 {
                return .object(JSONObject([("message", .string("The given data was invalid.")), ("errors", .object(f.details ?? JSONObject()))]))
            }
            return .object(JSONObject([("message", .string(Laravel.message(for: f)))]))
        }
    }

    /// A JSON value's bytes, escaped as this dialect's server escapes them.
    func encode(_ v: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(v, into: &out, indent: nil, level: 0)
        return self == .laravel ? Laravel.escaped(out) : out
    }
}

/// How `meta.current_page` and `meta.last_page` are spelt (`--page-numbers`), whatever
/// the dialect: `5`, `5.0` (PHP's `json_encode(ceil(...))`), `5e0` or `"5"`.
public enum PageNumbers: String, Sendable, CaseIterable {
    case int, float, exp, string

    func spell(_ n: Int) -> JSONValue {
        switch self {
        case .int: return .int(n)
        case .float: return .number("\(n).0")
        case .exp: return .number("\(n)e0")
        case .string: return .string(String(n))
        }
    }
}

/// What a stock Laravel 8 application does differently, in one place.
enum Laravel {
    /// The Eloquent model behind each collection, for `No query results for model [...]`.
    static let models = ["accounts": "Account", "invoices": "Invoice", "subscriptions": "Subscription",
                         "servers": "Server", "packages": "Package"]

    /// Columns with a `decimal:2` cast, which Laravel serializes as strings (`"100.10"`).
    /// JSON columns (an invoice's `lines`, a server's `load`) keep their numbers.
    static let moneyKeys: [String: Set<String>] = [
        "invoices": ["amount", "tax"], "subscriptions": ["amount"], "packages": ["price"],
    ]

    /// The message of an error answer: the one a throw site chose (a model not found, a
    /// method not allowed), else what Laravel's handler sends for the status.
    static func message(for f: APIFailure) -> String {
        if let m = f.laravelMessage { return m }
        switch f.status {
        case 401: return "Unauthenticated."
        case 403: return "This action is unauthorized."
        // A NotFoundHttpException from the router has no message (Laravel 8 sends "").
        case 404: return ""
        case 429: return "Too Many Attempts."
        case 503: return "Service Unavailable"
        // Anything not an HTTP exception (a crash, a failed save) is "Server Error".
        case 500...599: return "Server Error"
        default: return f.message
        }
    }

    /// The 404 of route model binding for a record that is not there.
    static func modelNotFound(_ collection: String, _ id: String, envelopeMessage: String) -> APIFailure {
        var f = APIFailure(404, "RESOURCE_NOT_FOUND", envelopeMessage)
        f.laravelMessage = "No query results for model [App\\Models\\\(models[collection] ?? "Model")] \(id)"
        return f
    }

    // MARK: - Money

    /// `doc` with the money of `collection`'s records (in `data`, one or a list) and of
    /// the records they include (`package`) as strings.
    static func castMoney(_ doc: JSONValue, collection: String) -> JSONValue {
        guard case .object(var o) = doc, let data = o["data"] else { return doc }
        switch data {
        case .object(let rec): o["data"] = .object(cast(rec, collection))
        case .array(let items): o["data"] = .array(items.map { $0.objectValue.map { .object(cast($0, collection)) } ?? $0 })
        default: return doc
        }
        return .object(o)
    }

    private static func cast(_ rec: JSONObject, _ collection: String) -> JSONObject {
        let keys = moneyKeys[collection] ?? []
        var out = rec
        for (k, v) in rec.entries {
            if keys.contains(k), case .number(let text) = v {
                out[k] = .string(text)
            } else if case .object(let related) = v, moneyKeys[k + "s"] != nil {
                out[k] = .object(cast(related, k + "s"))
            }
        }
        return out
    }

    // MARK: - Pages

    /// A LengthAwarePaginator's `toArray()` without `data`, in its order: what the
    /// sandbox sends as `meta` in this dialect (the API's `links` object stays beside it).
    static func paginatorMeta(page: Int, lastPage: Int, perPage: Int, total: Int, from: JSONValue, to: JSONValue,
                              path: String, numbers: PageNumbers) -> JSONObject {
        func url(_ p: Int) -> JSONValue { .string("\(path)?page=\(p)") }
        return JSONObject([
            ("current_page", numbers.spell(page)), ("first_page_url", url(1)), ("from", from),
            ("last_page", numbers.spell(lastPage)), ("last_page_url", url(lastPage)),
            ("links", pageLinks(current: page, last: lastPage, url: url)),
            ("next_page_url", page < lastPage ? url(page + 1) : .null), ("path", .string(path)),
            ("per_page", .int(perPage)), ("prev_page_url", page > 1 ? url(page - 1) : .null),
            ("to", to), ("total", .int(total)),
        ])
    }

    /// Laravel 8's `links` array (UrlWindow, 3 pages on each side): Previous, the pages
    /// of the window with `...` between its parts, Next.
    static func pageLinks(current: Int, last: Int, url: (Int) -> JSONValue) -> JSONValue {
        let side = 3
        let window = side + 4
        var parts: [ClosedRange<Int>?] = []  // nil is "..."
        if last < side * 2 + 8 {
            parts = [1...last]
        } else if current <= window {
            parts = [1...(window + side), nil, (last - 1)...last]
        } else if current > last - window {
            parts = [1...2, nil, (last - (window + side - 1))...last]
        } else {
            parts = [1...2, nil, (current - side)...(current + side), nil, (last - 1)...last]
        }
        func link(_ u: JSONValue, _ label: String, _ active: Bool) -> JSONValue {
            .object(JSONObject([("url", u), ("label", .string(label)), ("active", .bool(active))]))
        }
        var out = [link(current > 1 ? url(current - 1) : .null, "&laquo; Previous", false)]
        for part in parts {
            guard let range = part else {
                out.append(link(.null, "...", false))
                continue
            }
            for p in range { out.append(link(url(p), String(p), p == current)) }
        }
        out.append(link(current < last ? url(current + 1) : .null, "Next &raquo;", false))
        return .array(out)
    }

    // MARK: - Escapes

    private static let hex = Array("0123456789abcdef".utf8)

    /// JSON text escaped as PHP's `json_encode` does by default: every character beyond
    /// ASCII as `\uXXXX` (lowercase; beyond the BMP as a surrogate pair) and `/` as `\/`.
    /// `json` is the writer's output, so both only occur inside strings, and a `/` is
    /// never part of an escape.
    static func escaped(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + json.count / 4)
        func unit(_ u: UInt32) {
            out += [0x5C, 0x75, hex[Int(u >> 12 & 0xF)], hex[Int(u >> 8 & 0xF)], hex[Int(u >> 4 & 0xF)], hex[Int(u & 0xF)]]
        }
        var i = 0
        while i < json.count {
            let b = json[i]
            if b < 0x80 {
                if b == 0x2F { out.append(0x5C) }
                out.append(b)
                i += 1
                continue
            }
            // The writer's bytes are valid UTF-8 (they come from Swift strings).
            let width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            guard i + width <= json.count else { unit(0xFFFD); break }
            var scalar = UInt32(b) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
            for k in 1..<width { scalar = scalar << 6 | UInt32(json[i + k] & 0x3F) }
            if scalar >= 0x10000 {
                let v = scalar - 0x10000
                unit(0xD800 + (v >> 10))
                unit(0xDC00 + (v & 0x3FF))
            } else {
                unit(scalar)
            }
            i += width
        }
        return out
    }
}
