/// An option that takes a value, with the decoder that checks and types it. Commands
/// read options through these keys, so a misspelt name is a compile error and every
/// value is checked (range, choices, header safety) in one place.
public struct Opt<Value: Sendable>: Sendable {
    public let spec: OptionSpec
    let decode: @Sendable (_ value: String, _ flag: String) throws -> Value

    public init(_ spec: OptionSpec, decode: @escaping @Sendable (String, String) throws -> Value) {
        self.spec = spec
        self.decode = decode
    }
}

/// A boolean option.
public struct Flag: Sendable {
    public let spec: OptionSpec
    public init(_ long: String, short: Character? = nil, help: String, repeatable: Bool = false) {
        spec = OptionSpec(long, short: short, help: help, repeatable: repeatable)
    }
}

extension Opt where Value == String {
    /// Free text.
    public static func text(_ long: String, short: Character? = nil, value: String, help: String, default d: String? = nil,
                            repeatable: Bool = false, required: Bool = false, completion: CompletionHint = .none) -> Opt<String> {
        Opt(OptionSpec(long, short: short, value: value, help: help, default: d, repeatable: repeatable, required: required,
                       completion: completion)) { v, _ in v }
    }

    /// Text that becomes an HTTP header value: CR, LF and NUL are refused (docs/CONTRACT.md §10.3).
    public static func headerValue(_ long: String, value: String, help: String) -> Opt<String> {
        Opt(OptionSpec(long, value: value, help: help)) { v, flag in
            if let why = HeaderValue.problem(v) { throw SoporteError.usage("\(flag) \(why)") }
            return v
        }
    }
}

extension Opt where Value == Int {
    /// A whole number in `range`; anything else is a usage error naming the range.
    public static func int(_ long: String, value: String = "N", help: String, range: ClosedRange<Int>,
                           default d: String? = nil, required: Bool = false) -> Opt<Int> {
        Opt(OptionSpec(long, value: value, help: help, default: d, required: required)) { v, flag in
            try IntegerArgument.parse(v, name: flag, range: range)
        }
    }
}

extension Opt where Value == Double {
    public static func number(_ long: String, value: String, help: String, range: NumberRange, default d: String? = nil) -> Opt<Double> {
        Opt(OptionSpec(long, value: value, help: help, default: d)) { v, flag in
            guard let n = range.parse(v) else { throw SoporteError.usage("\(flag) must be \(range.description), not '\(Sanitizer.forTerminal(v))'") }
            return n
        }
    }
}

extension Opt {
    /// One of an enum's raw values.
    public static func choice<E: RawRepresentable & Sendable>(_ long: String, short: Character? = nil, value: String, help: String,
                                                             choices: [E], default d: String? = nil) -> Opt<E> where E.RawValue == String {
        let names = choices.map(\.rawValue)
        return Opt<E>(OptionSpec(long, short: short, value: value, help: help, default: d, completion: .choices(names))) { v, flag in
            guard let e = E(rawValue: v), names.contains(v) else {
                let hint = Suggest.closest(to: v, in: names).map { "; did you mean '\($0)'?" } ?? ""
                throw SoporteError.usage("\(flag) must be one of \(names.joined(separator: ", ")), not '\(Sanitizer.forTerminal(v))'\(hint)")
            }
            return e
        }
    }
}

/// Whole numbers from outside (options, IDs, config): parsed without trapping, and
/// refused outside their range with a message that names it.
public enum IntegerArgument {
    public static func parse(_ s: String, name: String, range: ClosedRange<Int>) throws -> Int {
        guard s.utf8.count <= 20, PlainDecimal.isWhole(s), let v = Int(s), range.contains(v) else {
            throw SoporteError.usage("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(Sanitizer.forTerminal(String(s.prefix(40))))'")
        }
        return v
    }
}

extension OptionValues {
    /// The last value given for `o`, decoded; nil when not given.
    public func value<V>(_ o: Opt<V>) throws -> V? {
        guard let p = sequence.last(where: { $0.name == o.spec.long }) else { return nil }
        return try o.decode(p.value, p.typed)
    }

    /// Every value given for `o`, in order.
    public func values<V>(_ o: Opt<V>) throws -> [V] {
        try sequence.filter { $0.name == o.spec.long }.map { try o.decode($0.value, $0.typed) }
    }

    /// Every value given for any of `opts`, decoded, in the order typed (options of one
    /// kind that build one thing, as --set and --set-string build one body).
    public func values<V>(anyOf opts: [Opt<V>]) throws -> [V] {
        try sequence.compactMap { pair in try opts.first { $0.spec.long == pair.name }.map { try $0.decode(pair.value, pair.typed) } }
    }

    public func isSet(_ f: Flag) -> Bool { sequence.contains { $0.name == f.spec.long } }
    public func count(_ f: Flag) -> Int { sequence.reduce(0) { $0 + ($1.name == f.spec.long ? 1 : 0) } }
    public func has<V>(_ o: Opt<V>) -> Bool { sequence.contains { $0.name == o.spec.long } }
}
