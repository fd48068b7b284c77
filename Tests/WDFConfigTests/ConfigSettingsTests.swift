import Glibc
import Testing
import WDFConfig
import WDFCore

/// The one definition per key (`ConfigSettings`) and the documents that must follow it.
@Suite("Config: one definition per key")
struct ConfigSettingsTests {
    private static func repositoryFile(_ relative: String, file: String = #filePath) throws -> String {
        var components = file.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)  // Tests/WDFConfigTests/ConfigSettingsTests.swift
        let path = components.joined(separator: "/") + "/" + relative
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0, "open \(path)")
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &chunk, chunk.count)
            try #require(count >= 0, "read \(path)")
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func documents() throws -> ConfigDocumentation {
        ConfigDocumentation(configFile: try repositoryFile("Config/config.toml"),
                            manual: try repositoryFile("Docs/man/wdfplay.conf.5"))
    }

    /// A key defined but (in this test) documented nowhere.
    private static let undocumented = ConfigSetting<Double>(
        "crossfade", default: 0, in: 0...10, summary: "Crossfade.", requirement: "a number between 0 and 10")

    @Test func theDocumentsListExactlyTheDefinedKeysWithTheirDefaults() throws {
        let documents = try Self.documents()
        #expect(documents.fileEntries.count == ConfigSettings.all.count)
        #expect(documents.manualEntries.count == ConfigSettings.all.count)
        #expect(documents.problems(with: ConfigSettings.all) == [])
    }

    @Test func aKeyWithoutDocumentationFails() throws {
        let problems = try Self.documents().problems(with: ConfigSettings.all + [Self.undocumented])
        #expect(problems == ["config.toml does not document crossfade", "wdfplay.conf(5) does not document crossfade"])
    }

    @Test func aWrongDefaultOrAnUnknownKeyInTheDocumentsFails() throws {
        let file = try Self.repositoryFile("Config/config.toml"), manual = try Self.repositoryFile("Docs/man/wdfplay.conf.5")
        let changed = ConfigDocumentation(
            configFile: file.replacingOccurrences("# volume = 100", "# volume = 90") + "\n# A removed key.\n# colour = \"red\"\n",
            manual: manual.replacingOccurrences("(integer, default 100)", "(number, default 100)"))
        #expect(changed.problems(with: ConfigSettings.all) == [
            "config.toml shows volume = 90, but its default is 100",
            "wdfplay.conf(5) heads volume with (number, default 100), not (integer, default 100)",
            "config.toml documents colour, which is no key",
        ])
        let unexplained = ConfigDocumentation(configFile: file.replacingOccurrences("\n# volume = 100", "\n\n# volume = 100"), manual: manual)
        #expect(unexplained.problems(with: ConfigSettings.all) == ["config.toml has no explanation above volume"])
    }

    @Test func everyDefinitionIsSound() {
        let names = ConfigSettings.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Config.keys == names)
        #expect(names == ["library", "series", "resume_rewind", "resume_rewind_grows", "checkpoint_interval", "audio_device",
                          "volume", "normalize", "normalize_target", "log_level", "skip_chapters", "continue", "speed",
                          "series_speed", "skip_silence", "feed", "notify"])
        for setting in ConfigSettings.all {
            // The default passes the setting's own check, and reads back as itself through JSON.
            var config = Config(home: "/home/u")
            #expect(throws: Never.self) { try config.set(setting.name, to: setting.defaultConfigValue, home: "/home/u") }
            #expect(ConfigValue(json: setting.defaultConfigValue.json).map { $0 == setting.defaultConfigValue || setting.kindName == "number" } == true,
                    "\(setting.name)")
            #expect(!setting.summary.isEmpty && !setting.summary.contains("\n"), "\(setting.name)")
        }
    }

    @Test func aKeyReadsTheSameFromTheFileAndFromJSON() throws {
        // The file's loader and the JSON bridge share each key's check: a value the file refuses
        // is refused as JSON too.
        for (key, bad) in [("volume", JSON.number(151)), ("volume", .number(5.5)), ("library", .string("relative/path")),
                           ("feed", .string("ftp://x")), ("skip_chapters", .array([.string("[a")])),
                           ("log_level", .string("loud")), ("continue", .string("yes"))] {
            guard case var .object(pairs) = Config.defaults(home: "/home/u").json else { return }
            pairs = pairs.map { $0.0 == key ? (key, bad) : $0 }
            #expect(Config(json: .object(pairs)) == nil, "\(key) = \(bad)")
            let toml = "\(key) = \(ConfigValue(json: bad)?.tomlLiteral ?? "")\n"
            #expect(throws: ConfigError.self, "\(toml)") { try ConfigFile.parse(toml, path: "/c.toml", home: "/home/u") }
        }
    }

    @Test func aPerSeriesTableIsOneDefinitionToo() throws {
        // #14's per-series speed table: a table of numbers by series name, checked per entry.
        let speeds = ConfigSetting<[String: Double]>(
            "series_speed", default: [:], summary: "Playback speed per series.",
            requirement: "a table of numbers between 0.5 and 3 by series name",
            validate: { table, _ throws(ConfigProblem) in
                guard table.values.allSatisfy({ (0.5...3).contains($0) }) else { throw .mustBe("a table of numbers between 0.5 and 3 by series name") }
                return table
            })
        let value = ConfigValue.table([.init("Korean War", .float(1.5)), .init("Napoleon", .integer(2))])
        #expect(try speeds.read(value, home: "/") == ["Korean War": 1.5, "Napoleon": 2])
        #expect(speeds.defaultConfigValue.tomlLiteral == "{}")
        #expect(try speeds.read(value, home: "/").configValue.tomlLiteral == #"{ "Korean War" = 1.5, "Napoleon" = 2 }"#)
        let bad = ConfigValue.table([.init("Korean War", .float(9))])
        #expect(throws: ConfigProblem.mustBe("a table of numbers between 0.5 and 3 by series name")) { try speeds.read(bad, home: "/") }
        #expect(ConfigProblem.mustBe(speeds.requirement).message(key: "series_speed", value: bad)
                == #""series_speed" must be a table of numbers between 0.5 and 3 by series name, not a table"#)
    }
}

private extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return self[..<range.lowerBound] + replacement + self[range.upperBound...]
    }
}
