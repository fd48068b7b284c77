import Glibc
import TOMLKit
import WDFCore

extension Config {
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
            guard let value = table[name] else { continue }
            let location = locations[name]
            guard let key = ConfigKey(rawValue: name) else {
                throw ConfigError(path: path, line: location?.line, key: name,
                                  message: unknownKeyMessage(name, isTable: location?.isTableHeader ?? false))
            }
            func invalid(_ requirement: String) -> ConfigError {
                ConfigError(path: path, line: location?.line, key: name,
                            message: "\(quoted(name)) must be \(requirement), not \(describe(value))")
            }
            switch key {
            case .library:
                guard let library = value.string else {
                    throw invalid("a string (the path of the folder of episodes)")
                }
                guard library == "~" || library.hasPrefix("~/") || library.hasPrefix("/") else {
                    throw invalid("an absolute folder path or one starting with \"~/\"")
                }
                config.library = expandingTilde(library, home: home ?? currentHome)
                config.libraryIsDefault = false
            case .series:
                guard let series = value.string else {
                    throw invalid("a string (a series name, or \"\" for the series of the last episode played)")
                }
                config.series = series
            case .resumeRewind:
                guard let seconds = number(value), resumeRewindRange.contains(seconds) else {
                    throw invalid("a number of seconds between 0 and 600")
                }
                config.resumeRewind = seconds
            case .checkpointInterval:
                guard let seconds = number(value), checkpointIntervalRange.contains(seconds) else {
                    throw invalid("a number of seconds between 0.2 and 60")
                }
                config.checkpointInterval = seconds
            case .audioDevice:
                guard let device = value.string else {
                    throw invalid("a string (a PulseAudio sink name, or \"\" for the server's default)")
                }
                config.audioDevice = device
            case .volume:
                guard let percent = value.int, volumeRange.contains(percent) else {
                    throw invalid("a whole number of percent between 0 and 150")
                }
                config.volume = percent
            case .logLevel:
                guard let text = value.string, let level = LogLevel(rawValue: text.lowercased()) else {
                    let names = LogLevel.allCases.map(\.rawValue)
                    throw invalid("one of \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")")
                }
                config.logLevel = level
            case .skipChapters:
                guard let array = value.array else {
                    throw invalid("an array of strings (chapter title patterns)")
                }
                var patterns: [String] = []
                for (offset, element) in array.enumerated() {
                    let item = "item \(offset + 1)"
                    guard let pattern = element.string else {
                        throw ConfigError(path: path, line: location?.line, key: name,
                                          message: "\(quoted(name)) must contain only strings (chapter title patterns), but \(item) is \(describe(element))")
                    }
                    if let problem = globProblem(pattern) {
                        throw ConfigError(path: path, line: location?.line, key: name,
                                          message: "\(quoted(name)) \(item), \(quoted(pattern)), \(problem)")
                    }
                    patterns.append(pattern)
                }
                config.skipChapters = patterns
            case .continuePlaying:
                guard let value = value.bool else {
                    throw invalid("true or false (whether the next episode of the series follows when one ends)")
                }
                config.continuePlaying = value
            case .feed:
                guard let url = value.string else {
                    throw invalid("a string (the feed's http://, https:// or file:// URL, or \"\" for none)")
                }
                let lower = url.lowercased()
                guard url.isEmpty || lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("file://") else {
                    throw invalid("an http://, https:// or file:// URL")
                }
                config.feed = url
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

        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) } while fd < 0 && errno == EINTR
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw systemFailure(errno)
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
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw systemFailure(errno)
            }
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

    /// Integers and finite floats both count as numbers of seconds.
    private static func number(_ value: TOMLValueConvertible) -> Double? {
        if let integer = value.int { return Double(integer) }
        if let double = value.double, double.isFinite { return double }
        return nil
    }

    /// Why `pattern` cannot be a chapter title glob (`*`, `?`, `[set]`, `\` escapes), or nil.
    static func globProblem(_ pattern: String) -> String? {
        if pattern.isEmpty { return "is empty; a pattern like \"*Sponsor*\" is needed" }
        var characters = pattern.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                if characters.next() == nil { return "ends in a lone backslash" }
            case "[":
                // A set: `]` right after `[` or `[!` / `[^` is a member, not the end.
                var length = 0
                var mayNegate = true
                var closed = false
                while let member = characters.next() {
                    if mayNegate, member == "!" || member == "^" {
                        mayNegate = false
                        continue
                    }
                    mayNegate = false
                    if member == "]", length > 0 {
                        closed = true
                        break
                    }
                    length += 1
                }
                if !closed { return "has a \"[\" without a closing \"]\"" }
            default:
                break
            }
        }
        return nil
    }

    /// A value as it might be written in the file, for messages.
    private static func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string: quoted(value.string ?? "")
        case .int: value.int.map { String($0) } ?? "an integer"
        case .double: value.double.map { String($0) } ?? "a number"
        case .bool: value.bool.map { String($0) } ?? "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }

    /// `text` in double quotes, with quotes, backslashes and control characters escaped, and cut
    /// short when long.
    static func quoted(_ text: String) -> String {
        var result = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 60 {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
