/// Every key of the configuration file, one definition each, in documentation order.
///
/// This is the one place a key is defined: ``Config`` stores a value per setting here and reads
/// it as `config.<property>` (`config.volume`), the file loader (WDFConfig) and the JSON bridge
/// check values with the setting's own check, and the known-key list and the documentation test
/// (`Config/config.toml`, `Docs/man/wdfplay.conf.5`) take their keys and defaults from here.
/// Adding a key is one property below plus its documentation in those two files.
///
/// The properties' order is the order of the documentation, of the JSON bridge and of
/// `wdfplay-config`'s listing (``all`` reads them in declaration order).
public struct ConfigSettings: Sendable {
    /// Folder of episode MP3s (searched recursively); a stored value is absolute, `~` expanded.
    public let library = ConfigSetting<String>(
        "library", default: "~/Podcasts/When Diplomacy Fails",
        summary: "Folder holding the episode MP3s; subfolders are searched too.",
        requirement: "a string (the path of the folder of episodes)",
        validate: { path, home throws(ConfigProblem) in
        guard path == "~" || path.hasPrefix("~/") || path.hasPrefix("/") else {
            throw .mustBe("an absolute folder path or one starting with \"~/\"")
        }
        return Config.expandingTilde(path, home: home)
    })

    /// Which numbered series `wdfplay N` resolves within; empty: the series of the last episode played.
    public let series = ConfigSetting<String>(
        "series", default: "",
        summary: "The series in which `wdfplay N` looks for episode N; empty: the one played last.",
        requirement: "a string (a series name, or \"\" for the series of the last episode played)")

    /// When resuming, start this many seconds before the saved position.
    public let resumeRewind = ConfigSetting<Double>(
        "resume_rewind", default: 3, in: 0...600,
        summary: "When resuming, start this many seconds before the saved position.",
        requirement: "a number of seconds between 0 and 600")

    /// Whether the rewind grows with the time away (`ResumeRewind`: ×10/3 after an hour, ×20/3 after a day).
    public let resumeRewindGrows = ConfigSetting<Bool>(
        "resume_rewind_grows", default: true,
        summary: "Rewind more after a long time away: 10/3 of resume_rewind after an hour, 20/3 after a day.",
        requirement: "true or false (whether the rewind grows with the time since the episode was last heard)")

    /// How often, in seconds, the position is saved while playing.
    public let checkpointInterval = ConfigSetting<Double>(
        "checkpoint_interval", default: 1, in: 0.2...60,
        summary: "How often, in seconds, the playback position is saved while playing.",
        requirement: "a number of seconds between 0.2 and 60")

    /// PulseAudio sink name to play to; empty: the server's default sink.
    public let audioDevice = ConfigSetting<String>(
        "audio_device", default: "",
        summary: "The PulseAudio sink to play to; empty: the sound server's default.",
        requirement: "a string (a PulseAudio sink name, or \"\" for the server's default)")

    /// Playback stream volume in percent.
    public let volume = ConfigSetting<Int>(
        "volume", default: 100, in: 0...150,
        summary: "Playback volume in percent; above 100 amplifies.",
        requirement: "a whole number of percent between 0 and 150")

    /// Loudness levelling: every episode measured once (EBU R128) and played at `normalize_target`.
    public let normalize = ConfigSetting<Bool>(
        "normalize", default: true,
        summary: "Play every episode at the same loudness (measured once per episode, never clipping).",
        requirement: "true or false (whether episodes are levelled to the same loudness)")

    /// The loudness levelling aims at, in LUFS (-16: the podcast norm).
    public let normalizeTarget = ConfigSetting<Double>(
        "normalize_target", default: -16, in: -30...(-10),
        summary: "The loudness episodes are levelled to, in LUFS.",
        requirement: "a number of LUFS between -30 and -10")

    /// Daemon log threshold.
    public let logLevel = ConfigSetting<LogLevel>(
        "log_level", default: .info,
        summary: "How much the daemon logs.",
        requirement: ConfigSettings.oneOf(LogLevel.allCases.map(\.rawValue)))

    /// Globs: chapters whose titles match one of them are skipped.
    public let skipChapters = ConfigSetting<[String]>(
        "skip_chapters", default: [],
        summary: "Chapters whose titles match one of these patterns are skipped.",
        requirement: "an array of strings (chapter title patterns)",
        mismatch: { value in ConfigSettings.badItem(value, of: "strings (chapter title patterns)") },
        validate: { patterns, _ throws(ConfigProblem) in
        for (offset, pattern) in patterns.enumerated() {
            if let problem = ConfigSettings.globProblem(pattern) {
                throw .other("item \(offset + 1), \(ConfigValue.quoted(pattern)), \(problem)")
            }
        }
        return patterns
    })

    /// When an episode ends, go straight on with the next one of its series.
    public let continuePlaying = ConfigSetting<Bool>(
        "continue", default: false,
        summary: "When an episode ends, start the next episode of its series.",
        requirement: "true or false (whether the next episode of the series follows when one ends)")

    /// Playback speed (pitch kept) until one is set with `wdfctl speed`.
    public let speed = ConfigSetting<Double>(
        "speed", default: 1,
        summary: "Playback speed, pitch kept, until you set one with `wdfctl speed`.",
        requirement: "a number between 0.5 and 3.0 in steps of 0.05",
        validate: { value, _ throws(ConfigProblem) in
        guard let speed = ConfigSettings.speedStep(value) else { throw .mustBe("a number between 0.5 and 3.0 in steps of 0.05") }
        return speed
    })

    /// Speeds of their own for some series, by series name (any case).
    public let seriesSpeed = ConfigSetting<[String: Double]>(
        "series_speed", default: [:],
        summary: "Speeds for some series (by name, any case), in place of `speed` for their episodes.",
        requirement: "a table of series names and speeds, e.g. { \"Korean War\" = 1.3 }",
        validate: { table, _ throws(ConfigProblem) in
        guard table.count <= 1000 else { throw .other("has \(table.count) series; at most 1000 are taken") }
        var checked: [String: Double] = [:]
        for (series, value) in table.sorted(by: { $0.key < $1.key }) {
            guard let speed = ConfigSettings.speedStep(value) else {
                throw .other("gives \(ConfigValue.quoted(series)) the speed \(value), which must be between 0.5 and 3.0 in steps of 0.05")
            }
            checked[series.lowercased()] = speed
        }
        return checked
    })

    /// How hard silences are shortened until a mode is set with `wdfctl silence`.
    public let skipSilence = ConfigSetting<SilenceMode>(
        "skip_silence", default: .off,
        summary: "Skip silence (shorten the pauses): off, mild, medium or strong, until you set it with `wdfctl silence`.",
        requirement: ConfigSettings.oneOf(SilenceMode.allCases.map(\.rawValue)))

    /// The podcast's RSS or Atom feed (http, https or file URL); empty: none.
    public let feed = ConfigSetting<String>(
        "feed", default: "",
        summary: "The podcast's feed (an http://, https:// or file:// URL); empty: none.",
        requirement: "a string (the feed's http://, https:// or file:// URL, or \"\" for none)",
        validate: { url, _ throws(ConfigProblem) in
        let lower = url.lowercased()
        guard url.isEmpty || lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("file://") else {
            throw .mustBe("an http://, https:// or file:// URL")
        }
        return url
    })

    /// A desktop notification when the episode or the chapter heard changes (MPRIS's bus).
    public let notify = ConfigSetting<Bool>(
        "notify", default: false,
        summary: "Show a desktop notification when the episode or the chapter changes.",
        requirement: "true or false (whether the desktop shows the new episode or chapter)")

    /// The definitions.
    public static let table = ConfigSettings()

    /// The definitions, in declaration (documentation) order.
    public static let all: [any AnyConfigSetting] =
        Mirror(reflecting: table).children.compactMap { $0.value as? any AnyConfigSetting }

    /// The position of each setting in ``all``, by name.
    static let positions: [String: Int] =
        Dictionary(all.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
}
