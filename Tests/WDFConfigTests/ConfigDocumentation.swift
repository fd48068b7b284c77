import Glibc
import WDFCore

/// What the two documents of the configuration say about its keys: `Config/config.toml` (each key
/// as a commented-out `# key = default` line after its explanation) and the KEYS section of
/// `Docs/man/wdfplay.conf.5` (`\fBkey\fR (kind, default value)`), checked against the settings.
struct ConfigDocumentation {
    /// `(name, literal)` of each `# key = value` line of the shipped file, in order.
    var fileEntries: [(key: String, literal: String)] = []
    /// Keys of the shipped file whose line has no explanation above it.
    var unexplained: [String] = []
    /// `(name, "(kind, default literal)")` of each entry of the manual's KEYS section, in order.
    var manualEntries: [(key: String, heading: String)] = []

    init(configFile: String, manual: String) {
        var previous = ""
        for line in configFile.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            defer { previous = line }
            guard line.hasPrefix("# "), let equals = line.range(of: " = ") else { continue }
            let key = String(line[line.index(line.startIndex, offsetBy: 2)..<equals.lowerBound])
            guard !key.isEmpty, key.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) }) else { continue }
            fileEntries.append((key, String(line[equals.upperBound...])))
            if !previous.hasPrefix("#") || previous.contains(" = ") { unexplained.append(key) }
        }
        var inKeys = false
        var afterTP = false
        for line in manual.split(separator: "\n").map(String.init) {
            if line.hasPrefix(".SH ") { inKeys = line == ".SH KEYS" }
            guard inKeys else { continue }
            defer { afterTP = line == ".TP" }
            guard afterTP, line.hasPrefix("\\fB"), let end = line.range(of: "\\fR ") else { continue }
            let key = String(line[line.index(line.startIndex, offsetBy: 3)..<end.lowerBound])
            let heading = String(line[end.upperBound...]).replacingAll("\\(dq", with: "\"")
            manualEntries.append((key, heading))
        }
    }

    /// Each difference between the documents and `settings`, as a sentence naming the key.
    func problems(with settings: [any AnyConfigSetting]) -> [String] {
        var problems: [String] = []
        let fileKeys = fileEntries.map(\.key), manualKeys = manualEntries.map(\.key)
        for setting in settings {
            let literal = setting.defaultConfigValue.tomlLiteral
            if let entry = fileEntries.first(where: { $0.key == setting.name }) {
                if entry.literal != literal {
                    problems.append("config.toml shows \(setting.name) = \(entry.literal), but its default is \(literal)")
                }
            } else {
                problems.append("config.toml does not document \(setting.name)")
            }
            let heading = "(\(setting.kindName), default \(literal))"
            if let entry = manualEntries.first(where: { $0.key == setting.name }) {
                if entry.heading != heading {
                    problems.append("wdfplay.conf(5) heads \(setting.name) with \(entry.heading), not \(heading)")
                }
            } else {
                problems.append("wdfplay.conf(5) does not document \(setting.name)")
            }
        }
        let names = settings.map(\.name)
        for key in Set(fileKeys).subtracting(names).sorted() { problems.append("config.toml documents \(key), which is no key") }
        for key in Set(manualKeys).subtracting(names).sorted() { problems.append("wdfplay.conf(5) documents \(key), which is no key") }
        if fileKeys != names, Set(fileKeys) == Set(names) { problems.append("config.toml lists the keys in another order: \(fileKeys)") }
        if manualKeys != names, Set(manualKeys) == Set(names) { problems.append("wdfplay.conf(5) lists the keys in another order: \(manualKeys)") }
        for key in unexplained { problems.append("config.toml has no explanation above \(key)") }
        return problems
    }
}

private extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
