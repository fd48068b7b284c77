/// The effective configuration as JSON: what `wdfplay-config --json` prints and the daemon reads
/// (the daemon does not link the TOML parser; see Docs/ARCHITECTURE.md).
extension Config {
    public var json: JSON {
        [
            "library": .string(library),
            "library_is_default": .bool(libraryIsDefault),
            "series": .string(series),
            "resume_rewind": .number(resumeRewind),
            "checkpoint_interval": .number(checkpointInterval),
            "audio_device": .string(audioDevice),
            "volume": .number(Double(volume)),
            "log_level": .string(logLevel.rawValue),
            "skip_chapters": .array(skipChapters.map { .string($0) }),
            "continue": .bool(continuePlaying),
            "feed": .string(feed),
        ]
    }

    /// Reads what `json` wrote; nil if something is missing or of the wrong kind.
    public init?(json: JSON) {
        guard let library = json["library"]?.stringValue,
              let isDefault = json["library_is_default"]?.boolValue,
              let series = json["series"]?.stringValue,
              let rewind = json["resume_rewind"]?.doubleValue,
              let interval = json["checkpoint_interval"]?.doubleValue,
              let device = json["audio_device"]?.stringValue,
              let volume = json["volume"]?.intValue,
              let level = json["log_level"]?.stringValue.flatMap(LogLevel.init(rawValue:)),
              let skip = json["skip_chapters"]?.arrayValue?.compactMap(\.stringValue),
              Config.resumeRewindRange.contains(rewind), Config.checkpointIntervalRange.contains(interval),
              Config.volumeRange.contains(volume) else { return nil }
        self.init(library: library, series: series, resumeRewind: rewind, checkpointInterval: interval,
                  audioDevice: device, volume: volume, logLevel: level, skipChapters: skip,
                  continuePlaying: json["continue"]?.boolValue ?? false, feed: json["feed"]?.stringValue ?? "")
        libraryIsDefault = isDefault
    }
}
