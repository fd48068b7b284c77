import Glibc
import TOMLKit
import WDFCore
import WDFPlatform

/// The configuration file (TOML): read with a size limit, parsed, and each key checked through
/// its setting; every problem is one `ConfigError` naming the file, line and key.
public enum ConfigFile {
    /// Largest configuration file accepted.
    static let maximumFileSize = 1 << 20

    /// Reads and parses the configuration file at `path`. A missing file (or a missing directory on
    /// the way to it) means all defaults; anything else that cannot be read is an error naming `path`.
    /// `~` in `library` is expanded against `home`, or `$HOME` when `home` is nil.
    public static func load(path: String, home: String? = nil) throws(ConfigError) -> Config {
        guard let text = try readFile(path) else { return Config(home: home) }
        return try parse(text, path: path, home: home)
    }

    /// Parses the text of a configuration file; `path` is only used in errors. Unknown keys
    /// (including `[tables]`), wrong types and out-of-range values are errors naming the line and
    /// the key. `~` in `library` is expanded against `home`, or `$HOME` when `home` is nil.
    public static func parse(_ text: String, path: String, home: String? = nil) throws(ConfigError) -> Config {
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].count(where: { $0 == UInt8(ascii: "\n") }) + 1
            throw ConfigError(path: path, line: line, message: "contains a NUL character, which TOML does not allow")
        }

        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw syntaxError(error, path: path)
        } catch {
            throw ConfigError(path: path, message: "is not valid TOML (\(error))")
        }

        var config = Config(home: home)
        let locations = TOMLKeyLocator.topLevelKeys(in: text)
        // Report problems in file order: the first one is the one the user meets first.
        let keys = table.keys.sorted { a, b in
            let lineA = locations[a]?.line ?? Int.max, lineB = locations[b]?.line ?? Int.max
            return lineA != lineB ? lineA < lineB : a < b
        }
        for name in keys {
            guard let tomlValue = table[name] else { continue }
            let location = locations[name]
            let value = ConfigFile.value(tomlValue)
            let isKey: Bool
            do throws(ConfigProblem) {
                isKey = try config.set(name, to: value, home: home ?? Config.currentHome)
            } catch {
                throw ConfigError(path: path, line: location?.line, key: name, message: error.message(key: name, value: value))
            }
            guard isKey else {
                throw ConfigError(path: path, line: location?.line, key: name,
                                  message: unknownKeyMessage(name, isTable: location?.isTableHeader ?? false))
            }
        }
        return config
    }

    // MARK: - Reading

    /// The file's text, or nil when it does not exist.
    private static func readFile(_ path: String) throws(ConfigError) -> String? {
        func failure(_ message: String) -> ConfigError { ConfigError(path: path, message: message) }
        func systemFailure(_ code: Int32) -> ConfigError {
            failure("cannot read the configuration file: \(String(cString: strerror(code)))")
        }
        guard !path.isEmpty else { throw failure("no configuration file path given") }

        let fd: Int32
        do {
            fd = try sys("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        } catch {
            if error.code == ENOENT { return nil }
            throw systemFailure(error.code)
        }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw systemFailure(errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw failure("is a directory, not a configuration file")
        default: throw failure("is not a regular file")
        }
        guard Int(info.st_size) <= maximumFileSize else {
            throw failure("is too large for a configuration file (over \(maximumFileSize >> 20) MiB)")
        }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count: Int
            do {
                // A regular file (checked above) never says EAGAIN; the funnel retries EINTR.
                count = try sys("read", path) { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            } catch {
                throw systemFailure(error.code)
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            if bytes.count > maximumFileSize {
                throw failure("is too large for a configuration file (over \(maximumFileSize >> 20) MiB)")
            }
        }

        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1
        for lineBytes in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: lineBytes, as: UTF8.self) == nil { break }
            line += 1
        }
        throw ConfigError(path: path, line: line, message: "is not valid UTF-8 text")
    }

    // MARK: - Messages

    /// toml++ says e.g. "Error while parsing key-value pair: expected '=', saw '2'"; keep the part
    /// after the colon, which reads well after `path:line:column:`.
    private static func syntaxError(_ error: TOMLParseError, path: String) -> ConfigError {
        var message = error.description
        if message.hasPrefix("Error while parsing "), let colon = message.firstIndex(of: ":") {
            message = String(message[message.index(after: colon)...].drop(while: { $0 == " " }))
        }
        if message == "could not determine value type" {
            message = "cannot tell what kind of value this is (text must be in quotes, e.g. \"text\")"
        }
        let begin = error.source.begin
        return ConfigError(path: path, line: begin.line > 0 ? begin.line : nil,
                           column: begin.column > 0 ? begin.column : nil, message: message)
    }

    private static func unknownKeyMessage(_ name: String, isTable: Bool) -> String {
        if isTable {
            return "unknown table \(quoted(name)) (the settings are all top-level keys, so no [table] headers are needed)"
        }
        if let suggestion = suggestion(for: name) {
            return "unknown key \(quoted(name)) (did you mean \(quoted(suggestion))?)"
        }
        let keys = Config.keys
        return "unknown key \(quoted(name)) (the known keys are \(keys.dropLast().joined(separator: ", ")) and \(keys.last ?? ""))"
    }

    /// The known key nearest to `name`: the same word spelled with other case or separators, else
    /// one at an edit distance of at most 2.
    static func suggestion(for name: String) -> String? {
        let normalized = snakeCased(name)
        if let same = Config.keys.first(where: { $0 == normalized }) { return same }
        var best: (key: String, distance: Int)?
        for key in Config.keys {
            let distance = editDistance(Array(normalized), Array(key))
            if distance <= 2, distance < best?.distance ?? Int.max { best = (key, distance) }
        }
        return best?.key
    }

    /// `resumeRewind`, `Resume-Rewind`, `resume rewind` → `resume_rewind`.
    private static func snakeCased(_ name: String) -> String {
        var result = ""
        var previousWasLower = false
        for character in name {
            if character == "-" || character == " " {
                result.append("_")
                previousWasLower = false
            } else if character.isUppercase {
                if previousWasLower { result.append("_") }
                result += character.lowercased()
                previousWasLower = false
            } else {
                result.append(character)
                previousWasLower = character.isLowercase
            }
        }
        return result
    }

    /// Levenshtein distance.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    static func quoted(_ text: String) -> String {
        ConfigValue.quoted(text)
    }

    /// A TOML value as the settings read it. toml++ has already bounded the document's nesting.
    static func value(_ value: TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return value.int.map { .integer($0) } ?? .other("an integer")
        case .double: return value.double.map { .float($0) } ?? .other("a number")
        case .bool: return value.bool.map { .bool($0) } ?? .other("a boolean")
        case .array: return .array(value.array.map { $0.map { ConfigFile.value($0) } } ?? [])
        case .table:
            let table = value.table
            return .table(table.map { table in table.keys.sorted().compactMap { key in
                table[key].map { ConfigValue.Entry(key, ConfigFile.value($0)) }
            } } ?? [])
        case .date: return .other("a date")
        case .time: return .other("a time")
        case .dateTime: return .other("a date-time")
        }
    }
}
