import WDFCore
import WDFPlatform

/// The listener's own speed and skip silence (set with `wdfctl speed` / `silence`), and the time
/// skip silence saved in all, kept across restarts in `listening.json` in the state folder.
///
/// What an episode plays with: a series named in the config's `series_speed` has its own speed
/// (the config's, until the listener sets one while it plays); every other series shares the
/// listener's speed, else the config's `speed`. Skip silence: the listener's mode, else the
/// config's `skip_silence`.
public struct ListeningStore: Sendable {
    public static let formatVersion = 1
    /// Series speeds kept at most (the config takes as many).
    static let seriesLimit = 1000

    public let file: String
    /// Set with `speed` while a series without its own speed played; nil: none (the config's).
    public private(set) var speed: Double?
    /// Set with `speed` while a series with its own speed played, by lower-cased series name.
    public private(set) var seriesSpeeds: [String: Double] = [:]
    /// Set with `silence`; nil: none (the config's).
    public private(set) var silence: SilenceMode?
    /// Episode seconds skip silence saved in all episodes.
    public private(set) var timeSavedTotal = 0.0
    public private(set) var isDirty = false

    public init(directory: String) {
        file = directory + "/listening.json"
    }

    /// The speed for an episode of `series` (nil: no series).
    public func speed(forSeries series: String?, config: Config) -> Double {
        if let key = series?.lowercased(), let own = config.seriesSpeed[key] { return seriesSpeeds[key] ?? own }
        return speed ?? config.speed
    }

    public func silence(config: Config) -> SilenceMode { silence ?? config.skipSilence }

    /// The listener chose `newSpeed` while an episode of `series` played.
    public mutating func setSpeed(_ newSpeed: Double, series: String?, config: Config) {
        if let key = series?.lowercased(), config.seriesSpeed[key] != nil {
            guard seriesSpeeds[key] != nil || seriesSpeeds.count < Self.seriesLimit else { return }
            seriesSpeeds[key] = newSpeed
        } else {
            speed = newSpeed
        }
        isDirty = true
    }

    public mutating func setSilence(_ mode: SilenceMode) {
        silence = mode
        isDirty = true
    }

    /// Adds `seconds` (≥ 0, finite) to the total saved.
    public mutating func addSaved(_ seconds: Double) {
        guard seconds.isFinite, seconds > 0 else { return }
        timeSavedTotal = min(timeSavedTotal + seconds, MediaTime.maximum * 1000)
        isDirty = true
    }

    /// Reads the file. Missing: nothing set. Damaged or newer: moved aside (the sentence says so),
    /// nothing set. A value out of its range is dropped (the config's applies) and said.
    public mutating func load() -> String? {
        switch StateFile.read(file, formatVersion: Self.formatVersion, limit: 1 << 20) {
        case .missing:
            return nil
        case let .unreadable(reason):
            return "Cannot read the speed and skip silence settings: \(reason)."
        case let .damaged(_, reason):
            isDirty = true
            return StateFile.setAside(file, what: "The speed and skip silence settings", why: reason)
        case let .newer(_, version):
            isDirty = true
            return StateFile.setAside(file, what: "The speed and skip silence settings",
                                      why: "it was written by a newer wdfplay (format \(version))")
        case let .current(json):
            let dropped = absorb(json)
            guard !dropped.isEmpty else { return nil }
            isDirty = true
            return "Dropped \(dropped.joined(separator: ", ")) in \(file): not a speed from 0.5 to 3.0 in steps of 0.05, "
                + "a skip silence mode or a number of seconds; the config's settings apply instead."
        }
    }

    /// Takes the values from `json`; the names of those dropped.
    private mutating func absorb(_ json: JSON) -> [String] {
        var dropped: [String] = []
        if let value = json["speed"], !value.isNull {
            if let number = value.doubleValue, let checked = ConfigSettings.speedStep(number) { speed = checked } else { dropped.append("\"speed\"") }
        }
        if case let .object(pairs)? = json["series_speeds"] {
            for (series, value) in pairs.prefix(Self.seriesLimit) {
                guard series.utf8.count <= 1024, let number = value.doubleValue, let checked = ConfigSettings.speedStep(number) else {
                    dropped.append("the speed of \(ConfigValue.quoted(series))")
                    continue
                }
                seriesSpeeds[series.lowercased()] = checked
            }
        }
        if let value = json["silence"], !value.isNull {
            if let name = value.stringValue, let mode = SilenceMode(rawValue: name) { silence = mode } else { dropped.append("\"silence\"") }
        }
        if let value = json["time_saved_total"], !value.isNull {
            if let seconds = value.doubleValue, seconds.isFinite, seconds >= 0 {
                timeSavedTotal = min(seconds, MediaTime.maximum * 1000)
            } else {
                dropped.append("\"time_saved_total\"")
            }
        }
        return dropped
    }

    /// Writes the file if something changed; `durable` also fsyncs.
    public mutating func save(durable: Bool) throws(SystemError) {
        guard isDirty else { return }
        try StateFile.write(file, serialized, durable: durable)
        isDirty = false
    }

    var serialized: String {
        let json: JSON = [
            "version": .number(Double(Self.formatVersion)),
            "speed": JSON(speed),
            "series_speeds": .object(seriesSpeeds.keys.sorted().map { ($0, .number(seriesSpeeds[$0] ?? 1)) }),
            "silence": JSON(silence?.rawValue),
            "time_saved_total": .number((timeSavedTotal * 1000).rounded() / 1000),
        ]
        return json.serialized + "\n"
    }
}
