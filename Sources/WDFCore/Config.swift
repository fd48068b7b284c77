
/// The settings of `~/.config/wdfplay/config.toml` (see `Config/config.toml` for the documented file).
///
/// `library` always holds an expanded path: a leading `~/` in the file (or in the default,
/// ``Config/defaultLibrary``) is replaced by the home directory when the config is parsed or
/// when ``defaults`` is read. So the value can be used as it is.
public struct Config: Sendable, Equatable {
    /// Folder of episode MP3s (searched recursively); absolute, `~` already expanded.
    public var library: String
    /// Which numbered series `wdfplay N` resolves within; empty means the series of the last episode played.
    public var series: String
    /// When resuming, start this many seconds before the saved position (0…600).
    public var resumeRewind: Double
    /// How often, in seconds, the position is saved while playing (0.2…60).
    public var checkpointInterval: Double
    /// PulseAudio sink name to play to; empty means the server's default sink.
    public var audioDevice: String
    /// Playback stream volume in percent (0…150).
    public var volume: Int
    /// Daemon log threshold.
    public var logLevel: LogLevel
    /// Globs: chapters whose titles match one of them are skipped.
    public var skipChapters: [String]
    /// When an episode ends, go straight on with the next one of its series.
    public var continuePlaying: Bool
    /// The podcast's RSS feed (http, https or file URL); empty: none.
    public var feed: String
    /// True when the file did not set `library` (so the player may fall back to a demo series
    /// when the default folder does not exist). Setting `library` explicitly — even to the
    /// default value — makes this false.
    public var libraryIsDefault: Bool

    /// A configuration; every argument defaults to the documented default. A nil `library` means
    /// the default folder (expanded against `home`, or `$HOME` when `home` is nil) and sets
    /// ``libraryIsDefault``; a given `library` is taken as it is.
    public init(
        library: String? = nil,
        series: String = "",
        resumeRewind: Double = 3,
        checkpointInterval: Double = 1,
        audioDevice: String = "",
        volume: Int = 100,
        logLevel: LogLevel = .info,
        skipChapters: [String] = [],
        continuePlaying: Bool = false,
        feed: String = "",
        home: String? = nil
    ) {
        if let library {
            self.library = library
            self.libraryIsDefault = false
        } else {
            self.library = Config.expandingTilde(Config.defaultLibrary, home: home ?? Config.currentHome)
            self.libraryIsDefault = true
        }
        self.series = series
        self.resumeRewind = resumeRewind
        self.checkpointInterval = checkpointInterval
        self.audioDevice = audioDevice
        self.volume = volume
        self.logLevel = logLevel
        self.skipChapters = skipChapters
        self.continuePlaying = continuePlaying
        self.feed = feed
    }

    /// All defaults, with `library` expanded against the current `$HOME` (read on every access).
    public static var defaults: Config { Config() }

    /// All defaults, with `library` expanded against `home`.
    public static func defaults(home: String) -> Config { Config(home: home) }

    /// The default `library`, as written in the file (unexpanded).
    public static let defaultLibrary = "~/Podcasts/When Diplomacy Fails"

    /// Allowed values of `resume_rewind`, in seconds.
    public static let resumeRewindRange: ClosedRange<Double> = 0...600
    /// Allowed values of `checkpoint_interval`, in seconds.
    public static let checkpointIntervalRange: ClosedRange<Double> = 0.2...60
    /// Allowed values of `volume`, in percent.
    public static let volumeRange: ClosedRange<Int> = 0...150

    /// The keys the file may set, in documentation order.
    public static let keys: [String] = ConfigKey.allCases.map(\.rawValue)

    /// `$XDG_CONFIG_HOME/wdfplay/config.toml`, else `$HOME/.config/wdfplay/config.toml`
    /// (a relative `XDG_CONFIG_HOME` is ignored, as the XDG spec requires).
    public static func defaultPath(environment: [String: String]) -> String {
        XDGPaths(environment: environment).configFile
    }

    /// `~` → `home`, `~/x` → `home/x`; anything else is returned unchanged.
    public static func expandingTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        guard path.hasPrefix("~/") else { return path }
        let rest = path.dropFirst(2)
        return home.hasSuffix("/") ? home + rest : home + "/" + rest
    }

    /// `$HOME` of this process (as `XDGPaths` resolves it).
    package static var currentHome: String {
        XDGPaths(environment: Environment.current).home
    }
}

/// Daemon log threshold, least to most severe.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case trace, debug, info, notice, warning, error

    private var severity: Int {
        switch self {
        case .trace: 0
        case .debug: 1
        case .info: 2
        case .notice: 3
        case .warning: 4
        case .error: 5
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.severity < rhs.severity
    }
}

/// The keys of the file, in documentation order.
package enum ConfigKey: String, CaseIterable {
    case library
    case series
    case resumeRewind = "resume_rewind"
    case checkpointInterval = "checkpoint_interval"
    case audioDevice = "audio_device"
    case volume
    case logLevel = "log_level"
    case skipChapters = "skip_chapters"
    case continuePlaying = "continue"
    case feed
}
