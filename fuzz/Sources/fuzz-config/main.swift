import FuzzDriver
import SoporteKit

// Config text: parsing returns or throws; a value that `config set` accepts reads back as
// set, strictly (the next run must not refuse what config set wrote); settings resolve or
// throw, never trap, strict or lenient.
runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let file = try? INIFile.parse(text, path: "fuzz") else { return }
    _ = try? Settings.resolve(flags: GlobalFlags(), env: [:], file: file, configPath: "fuzz")
    _ = try? Settings.resolve(flags: GlobalFlags(), env: ["SOPORTE_PROFILE": "p"], file: file, configPath: "fuzz", strictness: .lenient)
    // Only a profile name is ever written as a section (a file may hold others).
    let section = file.sectionOrder.compactMap(ProfileName.init).first ?? .standard
    let out = INIFile.setting("retries", to: "7", in: section, text: text)
    let again = try? INIFile.parse(out, path: "fuzz")
    precondition(again?.value("retries", in: section.name) == "7", "config set lost its value")
    // Every key: a value the check accepts is one the reader accepts.
    let value = String(decoding: bytes.prefix(40), as: UTF8.self).trimmingCharactersForFuzz()
    for key in ConfigKey.all where key.problemWriting(value) == nil && !value.isEmpty {
        let written = INIFile.setting(key.name, to: value, in: .standard, text: "")
        guard let f = try? INIFile.parse(written, path: "fuzz") else { continue }
        do { _ = try Settings.resolve(flags: GlobalFlags(), env: [:], file: f, configPath: "fuzz") } catch {
            preconditionFailure("config set would write \(key.name) = \(value), which the reader refuses: \(error)")
        }
    }
}

extension String {
    func trimmingCharactersForFuzz() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
