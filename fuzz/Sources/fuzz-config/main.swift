import FuzzDriver
import SoporteKit

// Config text: parsing returns or throws, and what `config set` writes always parses
// back with the new value.
runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let file = try? INIFile.parse(text, path: "fuzz") else { return }
    _ = try? Settings.resolve(options: OptionValues(), env: [:], file: file, configPath: "fuzz")
    let section = file.sectionOrder.first ?? "default"
    let out = INIFile.setting("retries", to: "7", in: section, text: text)
    let again = try? INIFile.parse(out, path: "fuzz")
    precondition(again?.value("retries", in: section) == "7", "config set lost its value")
}
