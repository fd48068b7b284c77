import Glibc
import Testing
import WDFConfig
import WDFCore
import WDFTestSupport

// MARK: - Helpers

private let home = "/home/u"
private let path = "/home/u/.config/wdfplay/config.toml"

private func parse(_ text: String) throws(ConfigError) -> Config {
    try ConfigFile.parse(text, path: path, home: home)
}

/// The error `text` produces (nil when it parses).
private func parseError(_ text: String) -> ConfigError? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        return error
    }
}

private func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    try #require(fd >= 0, "open \(path)")
    defer { close(fd) }
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    try #require(written == bytes.count, "write \(path)")
}

private func readText(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    try #require(fd >= 0, "open \(path)")
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        try #require(count >= 0, "read \(path)")
        if count == 0 { break }
        bytes += chunk[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// `Config/config.toml` of this package.
private func documentedConfigPath(file: String = #filePath) -> String {
    var components = file.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(3)  // Tests/WDFConfigTests/ConfigTests.swift
    return components.joined(separator: "/") + "/Config/config.toml"
}

// MARK: - Defaults and values

@Suite("Config: defaults and values")
struct ConfigValueTests {
    @Test func defaultValues() {
        let config = Config.defaults(home: home)
        #expect(config.library == "/home/u/Podcasts/When Diplomacy Fails")
        #expect(config.libraryIsDefault)
        #expect(config.series == "")
        #expect(config.resumeRewind == 3)
        #expect(config.checkpointInterval == 1)
        #expect(config.audioDevice == "")
        #expect(config.volume == 100)
        #expect(config.logLevel == .info)
        #expect(config.skipChapters == [])
        #expect(Config.defaultLibrary == "~/Podcasts/When Diplomacy Fails")
    }

    @Test func defaultsUseCurrentHome() {
        let home = getenv("HOME").map { String(cString: $0) } ?? "/"
        let expected = Config.expandingTilde(Config.defaultLibrary, home: home.isEmpty ? "/" : home)
        #expect(Config.defaults.library == expected)
        #expect(Config.defaults == Config())
    }

    @Test func missingFileMeansDefaults() throws {
        try TemporaryDirectory.with("config") { directory throws in
            #expect(try ConfigFile.load(path: directory + "/config.toml", home: home) == Config.defaults(home: home))
            // A missing directory on the way is the same as a missing file.
            #expect(try ConfigFile.load(path: directory + "/wdfplay/config.toml", home: home) == Config.defaults(home: home))
        }
    }

    @Test func emptyOrCommentOnlyTextMeansDefaults() throws {
        #expect(try parse("") == Config.defaults(home: home))
        #expect(try parse("# nothing here\n\n   # indented comment\n") == Config.defaults(home: home))
        #expect(try parse("\u{FEFF}# with a byte order mark\n") == Config.defaults(home: home))
    }

    @Test func everyKeyIsParsed() throws {
        let config = try parse("""
            library = "/srv/podcasts/wdf"
            series = "Napoleon"
            resume_rewind = 7.5
            checkpoint_interval = 0.25
            audio_device = "alsa_output.pci-0000_00_1f.3.analog-stereo"
            volume = 85
            log_level = "debug"
            skip_chapters = ["*Sponsor*", "Intro", "[Aa]d ?"]
            """)
        var expected = Config(home: home)
        expected.library = "/srv/podcasts/wdf"
        expected.libraryIsDefault = false
        expected.series = "Napoleon"
        expected.resumeRewind = 7.5
        expected.checkpointInterval = 0.25
        expected.audioDevice = "alsa_output.pci-0000_00_1f.3.analog-stereo"
        expected.volume = 85
        expected.logLevel = .debug
        expected.skipChapters = ["*Sponsor*", "Intro", "[Aa]d ?"]
        #expect(config == expected)
        #expect(!config.libraryIsDefault)
        expected.libraryIsDefault = true
        #expect(config != expected)
    }

    @Test func keysAreTopLevelOnlyButMayBeQuoted() throws {
        let config = try parse("""
            "volume" = 50
            'log_level' = "error"
            """)
        #expect(config.volume == 50)
        #expect(config.logLevel == .error)
        #expect(config.libraryIsDefault)
    }

    @Test func tildeExpansion() throws {
        #expect(try parse(#"library = "~/Music/WDF""#).library == "/home/u/Music/WDF")
        #expect(try parse(#"library = "~""#).library == "/home/u")
        #expect(try ConfigFile.parse(#"library = "~/x""#, path: path, home: "/root/").library == "/root/x")
        #expect(try parse(#"library = "/data/~/x""#).library == "/data/~/x")
        #expect(Config.expandingTilde("~/a", home: "/h") == "/h/a")
        #expect(Config.expandingTilde("~a", home: "/h") == "~a")
        #expect(Config.expandingTilde("a/~/b", home: "/h") == "a/~/b")
    }

    @Test func libraryGivenExplicitlyIsNotDefaultEvenWithTheDefaultValue() throws {
        let config = try parse(#"library = "~/Podcasts/When Diplomacy Fails""#)
        #expect(config.library == Config.defaults(home: home).library)
        #expect(!config.libraryIsDefault)
    }

    @Test func integersAreAcceptedForSecondKeys() throws {
        let config = try parse("resume_rewind = 10\ncheckpoint_interval = 2\n")
        #expect(config.resumeRewind == 10)
        #expect(config.checkpointInterval == 2)
    }

    @Test func rangeBoundsAreInclusive() throws {
        let low = try parse("resume_rewind = 0\ncheckpoint_interval = 0.2\nvolume = 0\n")
        #expect(low.resumeRewind == 0 && low.checkpointInterval == 0.2 && low.volume == 0)
        let high = try parse("resume_rewind = 600.0\ncheckpoint_interval = 60\nvolume = 150\n")
        #expect(high.resumeRewind == 600 && high.checkpointInterval == 60 && high.volume == 150)
    }

    @Test func logLevelsAreCaseInsensitive() throws {
        for level in LogLevel.allCases {
            #expect(try parse("log_level = \"\(level.rawValue)\"").logLevel == level)
            #expect(try parse("log_level = \"\(level.rawValue.uppercased())\"").logLevel == level)
        }
    }

    @Test func speedsAndSkipSilence() throws {
        let config = try parse("""
            speed = 1.25
            skip_silence = "Medium"
            [series_speed]
            "Korean War" = 1.3
            Cuba = 2
            """)
        #expect(config.speed == 1.25)
        #expect(config.skipSilence == .medium)
        // Names are kept in lower case: a series is found whatever the case of either.
        #expect(config.seriesSpeed == ["korean war": 1.3, "cuba": 2])
        #expect(try parse("series_speed = { \"A\" = 0.5 }").seriesSpeed == ["a": 0.5])
        #expect(try parse("speed = 3").speed == 3)
    }

    @Test func logLevelOrder() {
        #expect(LogLevel.allCases == [.trace, .debug, .info, .notice, .warning, .error])
        let ordered: [LogLevel] = [.trace, .debug, .info, .notice, .warning, .error]
        for (lower, higher) in zip(ordered, ordered.dropFirst()) { #expect(lower < higher) }
        #expect(LogLevel.allCases.sorted(by: >) == LogLevel.allCases.reversed())
    }

    @Test func skipChaptersMayBeEmptyOrSpanLines() throws {
        #expect(try parse("skip_chapters = []").skipChapters == [])
        let config = try parse("""
            skip_chapters = [
                "*Sponsor*",  # ads
                '[!A]*',
                "[]x]",
            ]
            volume = 10
            """)
        #expect(config.skipChapters == ["*Sponsor*", "[!A]*", "[]x]"])
        #expect(config.volume == 10)
    }

    @Test func defaultPath() {
        #expect(Config.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.config/wdfplay/config.toml")
        #expect(Config.defaultPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/xdg"])
            == "/xdg/wdfplay/config.toml")
        // The XDG spec says a relative value is invalid and must be ignored.
        #expect(Config.defaultPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "rel"])
            == "/home/u/.config/wdfplay/config.toml")
        #expect(Config.defaultPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": ""])
            == "/home/u/.config/wdfplay/config.toml")
    }

    @Test func loadReadsTheFile() throws {
        try TemporaryDirectory.with("config") { directory throws in
            let file = directory + "/config.toml"
            try writeFile(file, Array("volume = 42\nlibrary = \"~/wdf\"\n".utf8))
            let config = try ConfigFile.load(path: file, home: home)
            #expect(config.volume == 42)
            #expect(config.library == "/home/u/wdf")
        }
    }
}

// MARK: - The documented config file

@Suite("Config: Config/config.toml")
struct DocumentedConfigTests {
    @Test func parsesToExactlyTheDefaults() throws {
        #expect(try ConfigFile.load(path: documentedConfigPath()) == Config.defaults)
    }

    @Test func uncommentedSettingsAreTheDefaults() throws {
        let text = try readText(documentedConfigPath())
        var uncommented: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            // "# key = value" with a known key: a documented setting.
            guard line.hasPrefix("# ") else { return String(line) }
            let setting = line.dropFirst(2)
            guard let equals = setting.firstIndex(of: "=") else { return String(line) }
            let key = setting[..<equals].trimmingSuffix(" ")
            guard Config.keys.contains(String(key)), setting[setting.index(before: equals)] == " " else {
                return String(line)
            }
            uncommented.append(String(key))
            return String(setting)
        }
        // Every key is documented exactly once, in the order of `Config.keys`.
        #expect(uncommented == Config.keys)

        let config = try ConfigFile.parse(lines.joined(separator: "\n"), path: documentedConfigPath())
        var expected = Config.defaults
        expected.libraryIsDefault = false  // the file now sets `library` explicitly
        #expect(config == expected)
    }
}

private extension Substring {
    func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result = result.dropLast() }
        return result
    }
}

// MARK: - Errors

@Suite("Config: errors")
struct ConfigErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var key: String
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        // Unknown keys and tables.
        Case(text: "volume = 5\n\n# comment\nlibary = \"/x\"\n", line: 4, key: "libary",
             message: #"unknown key "libary" (did you mean "library"?)"#),
        Case(text: "colour = \"red\"\n", line: 1, key: "colour",
             message: #"unknown key "colour" (the known keys are library, series, resume_rewind, resume_rewind_grows, checkpoint_interval, audio_device, volume, normalize, normalize_target, log_level, skip_chapters, continue, speed, series_speed, skip_silence, feed and notify)"#),
        Case(text: "volume = 5\n\n[audio]\ndevice = \"x\"\n", line: 3, key: "audio",
             message: #"unknown table "audio" (the settings are all top-level keys, so no [table] headers are needed)"#),
        Case(text: "\n[[episodes]]\nname = \"x\"\n", line: 2, key: "episodes",
             message: #"unknown table "episodes" (the settings are all top-level keys, so no [table] headers are needed)"#),
        Case(text: "series = \"a\"\nplayer.volume = 3\n", line: 2, key: "player",
             message: #"unknown key "player" (the known keys are library, series, resume_rewind, resume_rewind_grows, checkpoint_interval, audio_device, volume, normalize, normalize_target, log_level, skip_chapters, continue, speed, series_speed, skip_silence, feed and notify)"#),
        Case(text: "# x\n  \"log level\" = \"info\"\n", line: 2, key: "log level",
             message: #"unknown key "log level" (did you mean "log_level"?)"#),
        // Wrong types.
        Case(text: "volume = 5\nresume_rewind = \"soon\"\n", line: 2, key: "resume_rewind",
             message: #""resume_rewind" must be a number of seconds between 0 and 600, not "soon""#),
        Case(text: "library = 5\n", line: 1, key: "library",
             message: #""library" must be a string (the path of the folder of episodes), not 5"#),
        Case(text: "\nseries = 3\n", line: 2, key: "series",
             message: #""series" must be a string (a series name, or "" for the series of the last episode played), not 3"#),
        Case(text: "audio_device = true\n", line: 1, key: "audio_device",
             message: #""audio_device" must be a string (a PulseAudio sink name, or "" for the server's default), not true"#),
        Case(text: "volume = \"loud\"\n", line: 1, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not "loud""#),
        Case(text: "volume = 80.5\n", line: 1, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not 80.5"#),
        Case(text: "log_level = 3\n", line: 1, key: "log_level",
             message: #""log_level" must be one of trace, debug, info, notice, warning or error, not 3"#),
        Case(text: "checkpoint_interval = [1]\n", line: 1, key: "checkpoint_interval",
             message: #""checkpoint_interval" must be a number of seconds between 0.2 and 60, not an array"#),
        Case(text: "resume_rewind = 1979-05-27\n", line: 1, key: "resume_rewind",
             message: #""resume_rewind" must be a number of seconds between 0 and 600, not a date"#),
        Case(text: "skip_chapters = \"Intro\"\n", line: 1, key: "skip_chapters",
             message: #""skip_chapters" must be an array of strings (chapter title patterns), not "Intro""#),
        Case(text: "skip_chapters = [\n  \"a\",\n  5,\n]\n", line: 1, key: "skip_chapters",
             message: #""skip_chapters" must contain only strings (chapter title patterns), but item 2 is 5"#),
        Case(text: "\n\n[log_level]\nx = 1\n", line: 3, key: "log_level",
             message: #""log_level" must be one of trace, debug, info, notice, warning or error, not a table"#),
        Case(text: "audio_device.name = \"x\"\n", line: 1, key: "audio_device",
             message: #""audio_device" must be a string (a PulseAudio sink name, or "" for the server's default), not a table"#),
        // Out of range.
        Case(text: "resume_rewind = 601\n", line: 1, key: "resume_rewind",
             message: #""resume_rewind" must be a number of seconds between 0 and 600, not 601"#),
        Case(text: "resume_rewind = -0.5\n", line: 1, key: "resume_rewind",
             message: #""resume_rewind" must be a number of seconds between 0 and 600, not -0.5"#),
        Case(text: "resume_rewind = nan\n", line: 1, key: "resume_rewind",
             message: #""resume_rewind" must be a number of seconds between 0 and 600, not nan"#),
        Case(text: "checkpoint_interval = 0.1\n", line: 1, key: "checkpoint_interval",
             message: #""checkpoint_interval" must be a number of seconds between 0.2 and 60, not 0.1"#),
        Case(text: "checkpoint_interval = 0\n", line: 1, key: "checkpoint_interval",
             message: #""checkpoint_interval" must be a number of seconds between 0.2 and 60, not 0"#),
        Case(text: "checkpoint_interval = inf\n", line: 1, key: "checkpoint_interval",
             message: #""checkpoint_interval" must be a number of seconds between 0.2 and 60, not inf"#),
        Case(text: "checkpoint_interval = 61\n", line: 1, key: "checkpoint_interval",
             message: #""checkpoint_interval" must be a number of seconds between 0.2 and 60, not 61"#),
        Case(text: "volume = 151\n", line: 1, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not 151"#),
        Case(text: "volume = -1\n", line: 1, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not -1"#),
        Case(text: "log_level = \"verbose\"\n", line: 1, key: "log_level",
             message: #""log_level" must be one of trace, debug, info, notice, warning or error, not "verbose""#),
        Case(text: "library = \"Podcasts/WDF\"\n", line: 1, key: "library",
             message: #""library" must be an absolute folder path or one starting with "~/", not "Podcasts/WDF""#),
        Case(text: "library = \"~bob/WDF\"\n", line: 1, key: "library",
             message: #""library" must be an absolute folder path or one starting with "~/", not "~bob/WDF""#),
        Case(text: "library = \"\"\n", line: 1, key: "library",
             message: #""library" must be an absolute folder path or one starting with "~/", not """#),
        Case(text: "skip_chapters = [\"Intro\", \"\"]\n", line: 1, key: "skip_chapters",
             message: #""skip_chapters" item 2, "", is empty; a pattern like "*Sponsor*" is needed"#),
        Case(text: "skip_chapters = [\"[Ad\"]\n", line: 1, key: "skip_chapters",
             message: #""skip_chapters" item 1, "[Ad", has a "[" without a closing "]""#),
        Case(text: "skip_chapters = ['Ad\\']\n", line: 1, key: "skip_chapters",
             message: #""skip_chapters" item 1, "Ad\\", ends in a lone backslash"#),
        // Line numbers past values that span lines and look like keys.
        Case(text: "series = \"\"\"\nvolume = 999\n\"\"\"\nvolume = 999\n", line: 4, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not 999"#),
        Case(text: "audio_device = '''\nvolume = 999\n'''''\nskip_chapters = [\n  \"\"\"x\nvolume = 1\"\"\",\n  # volume = 2\n]\nvolume = 999\n",
             line: 9, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not 999"#),
        Case(text: "series = \"a \\\" volume = 1\" # volume = 2\nvolume = 999\n", line: 2, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not 999"#),
        Case(text: "\"vol\\u0075me\" = 999\n", line: 1, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not 999"#),
        Case(text: "series = \"\"\n[t]\nvolume = 1\n", line: 2, key: "t",
             message: #"unknown table "t" (the settings are all top-level keys, so no [table] headers are needed)"#),
        Case(text: "volume = 5\r\n\r\nvolumes = 1\r\n", line: 3, key: "volumes",
             message: #"unknown key "volumes" (did you mean "volume"?)"#),
        Case(text: "\n[ \"my table\" . sub ]  # comment\n", line: 2, key: "my table",
             message: #"unknown table "my table" (the settings are all top-level keys, so no [table] headers are needed)"#),
        // Speeds: 0.5 to 3.0 in steps of 0.05, in the table too; the four modes of skip silence.
        Case(text: "speed = 1.53\n", line: 1, key: "speed",
             message: #""speed" must be a number between 0.5 and 3.0 in steps of 0.05, not 1.53"#),
        Case(text: "speed = 4\n", line: 1, key: "speed",
             message: #""speed" must be a number between 0.5 and 3.0 in steps of 0.05, not 4"#),
        Case(text: "volume = 5\n[series_speed]\n\"Korean War\" = 9\n", line: 2, key: "series_speed",
             message: #""series_speed" gives "Korean War" the speed 9.0, which must be between 0.5 and 3.0 in steps of 0.05"#),
        Case(text: "series_speed = { a = \"fast\" }\n", line: 1, key: "series_speed",
             message: #""series_speed" must be a table of series names and speeds, e.g. { "Korean War" = 1.3 }, not a table"#),
        Case(text: "skip_silence = \"loud\"\n", line: 1, key: "skip_silence",
             message: #""skip_silence" must be one of off, mild, medium or strong, not "loud""#),
        // The first problem in the file is reported, whatever the key order.
        Case(text: "volume = 999\naudio_device = 1\n", line: 1, key: "volume",
             message: #""volume" must be a whole number of percent between 0 and 150, not 999"#),
        Case(text: "zzz = 1\nvolume = 999\n", line: 1, key: "zzz",
             message: #"unknown key "zzz" (the known keys are library, series, resume_rewind, resume_rewind_grows, checkpoint_interval, audio_device, volume, normalize, normalize_target, log_level, skip_chapters, continue, speed, series_speed, skip_silence, feed and notify)"#),
    ]

    @Test(arguments: cases)
    func errorNamesFileLineAndKey(_ test: Case) throws {
        let error = try #require(parseError(test.text))
        #expect(error.path == path)
        #expect(error.line == test.line)
        #expect(error.column == nil)
        #expect(error.key == test.key)
        #expect(error.message == test.message)
        #expect(error.description == "\(path):\(test.line): \(test.message)")
    }

    @Test func redefiningAKeyAsATableIsASyntaxError() throws {
        // toml++ itself rejects these, so they are syntax errors (with a column, without a key).
        let error = try #require(parseError("volume = 1\n\n[volume]\nx = 1\n"))
        #expect(error.line == 3)
        #expect(error.column != nil)
        #expect(error.key == nil)
        #expect(error.message.contains("redefine"))
    }

    @Test func typoSuggestions() throws {
        let suggestions: [(String, String)] = [
            ("libary", "library"), ("Library", "library"), ("LIBRARY", "library"),
            ("serie", "series"), ("seriess", "series"),
            ("resume-rewind", "resume_rewind"), ("resumeRewind", "resume_rewind"), ("resume_rewnd", "resume_rewind"),
            ("checkpointInterval", "checkpoint_interval"), ("checkpoint-interval", "checkpoint_interval"),
            ("audio-device", "audio_device"), ("audiodevice", "audio_device"), ("AudioDevice", "audio_device"),
            ("volum", "volume"), ("Volume", "volume"), ("volumes", "volume"),
            ("loglevel", "log_level"), ("log-level", "log_level"), ("logLevel", "log_level"),
            ("skip_chapter", "skip_chapters"), ("skipChapters", "skip_chapters"), ("skip-chapters", "skip_chapters"),
        ]
        for (typo, key) in suggestions {
            let error = try #require(parseError("\(typo) = 1\n"), "\(typo)")
            #expect(error.message == "unknown key \"\(typo)\" (did you mean \"\(key)\"?)")
            #expect(error.line == 1)
            #expect(error.key == typo)
        }
        // Too far from any key: no suggestion, the list instead.
        for far in ["vol", "device", "rewind", "level", "chapters", "librarian"] {
            let error = try #require(parseError("\(far) = 1\n"))
            #expect(error.message.hasPrefix("unknown key \"\(far)\" (the known keys are "), "\(far)")
        }
    }

    @Test func syntaxErrorHasLineAndColumn() throws {
        let error = try #require(parseError("volume = 5\n\nseries \"x\"\n"))
        #expect(error.line == 3)
        #expect(error.column == 8)
        #expect(error.key == nil)
        #expect(error.message == "expected '=', saw '\"'")
        #expect(error.description == "\(path):3:8: expected '=', saw '\"'")
    }

    @Test func unquotedTextIsASyntaxErrorWithAHint() throws {
        let error = try #require(parseError("# x\nresume_rewind = soon\n"))
        #expect(error.line == 2)
        #expect(error.column == 17)
        #expect(error.description
            == "\(path):2:17: cannot tell what kind of value this is (text must be in quotes, e.g. \"text\")")
    }

    @Test func duplicateKeyIsASyntaxError() throws {
        let error = try #require(parseError("volume = 1\nlog_level = \"info\"\nvolume = 2\n"))
        #expect(error.line == 3)
        #expect(error.message.contains("'volume'"))
    }

    @Test func nulCharacterIsAnError() throws {
        let error = try #require(parseError("volume = 1\nseries = \"a\u{0}b\"\n"))
        #expect(error.description == "\(path):2: contains a NUL character, which TOML does not allow")
    }

    @Test func descriptionFormat() {
        #expect(ConfigError(path: "/c.toml", line: 7, column: 12, message: "expected '='").description
            == "/c.toml:7:12: expected '='")
        #expect(ConfigError(path: "/c.toml", line: 7, key: "volume", message: "m").description == "/c.toml:7: m")
        #expect(ConfigError(path: "/c.toml", message: "is a directory").description == "/c.toml: is a directory")
    }
}

// MARK: - Unreadable files

@Suite("Config: unreadable files")
struct UnreadableConfigTests {
    @Test func directory() throws {
        try TemporaryDirectory.with("config") { directory throws in
            let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: directory, home: home) }
            #expect(error.description == "\(directory): is a directory, not a configuration file")
            #expect(error.line == nil && error.key == nil)
        }
    }

    @Test func parentIsAFile() throws {
        try TemporaryDirectory.with("config") { directory throws in
            try writeFile(directory + "/wdfplay", [])
            let file = directory + "/wdfplay/config.toml"
            let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: file, home: home) }
            #expect(error.description == "\(file): cannot read the configuration file: Not a directory")
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root can read anything"))
    func permissionDenied() throws {
        try TemporaryDirectory.with("config") { directory throws in
            let file = directory + "/config.toml"
            try writeFile(file, Array("volume = 1\n".utf8), mode: 0)
            let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: file, home: home) }
            #expect(error.description == "\(file): cannot read the configuration file: Permission denied")
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root can read anything"))
    func permissionDeniedOnTheDirectory() throws {
        try TemporaryDirectory.with("config") { directory throws in
            let inner = directory + "/locked"
            try #require(mkdir(inner, 0) == 0)
            let file = inner + "/config.toml"
            let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: file, home: home) }
            #expect(error.description == "\(file): cannot read the configuration file: Permission denied")
        }
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        try TemporaryDirectory.with("config") { directory throws in
            let file = directory + "/config.toml"
            try #require(mkfifo(file, 0o600) == 0)
            let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: file, home: home) }
            #expect(error.description == "\(file): is not a regular file")
        }
    }

    @Test func invalidUTF8() throws {
        try TemporaryDirectory.with("config") { directory throws in
            let file = directory + "/config.toml"
            try writeFile(file, Array("volume = 1\n\nseries = \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8))
            let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: file, home: home) }
            #expect(error.description == "\(file):3: is not valid UTF-8 text")
        }
    }

    @Test func tooLarge() throws {
        try TemporaryDirectory.with("config") { directory throws in
            let file = directory + "/config.toml"
            try writeFile(file, [UInt8](repeating: UInt8(ascii: "#"), count: (1 << 20) + 1))
            let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: file, home: home) }
            #expect(error.description == "\(file): is too large for a configuration file (over 1 MiB)")
        }
    }

    @Test func emptyPath() throws {
        let error = try #require(throws: ConfigError.self) { try ConfigFile.load(path: "", home: home) }
        #expect(error.message == "no configuration file path given")
    }
}
