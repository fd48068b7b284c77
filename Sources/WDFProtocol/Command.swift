import WDFCore

/// A request's command with its arguments, checked once (`Command.read`) when the request
/// arrives: a handler gets values of the right type and range, never JSON.
public enum Command: Sendable, Equatable {
    /// `selection` nil: the last episode (or the next, once it is finished).
    case play(EpisodeSelection?, from: Double?, restart: Bool)
    case pause
    case resume
    case toggle
    case seek(SeekTarget)
    case next
    case prev
    case chapter(ChapterTarget)
    /// The bookmark's title, trimmed ("" when none was given).
    case mark(title: String)
    case unmark(number: Int)
    case chapters
    /// `series` trimmed, nil when absent or empty.
    case episodes(series: String?, all: Bool)
    case info(EpisodeSelection?)
    case played(EpisodeSelection?)
    case unplayed(EpisodeSelection?)
    case status
    case sleep(SleepRequest)
    case speed(SpeedRequest)
    /// nil: show the mode.
    case silence(SilenceMode?)
    case volume(VolumeRequest)
    case stop
    case quit
    case reload
    case subscribe
    case unsubscribe
    case ping
    case help

    /// `seek`: `position` (seconds from the start, not negative) or `offset` (±seconds).
    public enum SeekTarget: Sendable, Equatable {
        case position(Double)
        case offset(Double)
    }

    /// `chapter`: by number (1-based), by words of its title (trimmed, not empty), or a bookmark.
    public enum ChapterTarget: Sendable, Equatable {
        case number(Int)
        case title(String)
        case bookmark(Int)
    }

    /// `sleep`: show the timer, turn it off, or set it.
    public enum SleepRequest: Sendable, Equatable {
        case show
        case off
        /// Seconds of listening, more than 0 and at most 24 hours.
        case listening(Double)
        case chapterEnd
        case episodeEnd
    }

    /// `speed`: show it, set it, or change it by a step (the result kept within 0.5…3.0).
    public enum SpeedRequest: Sendable, Equatable {
        case show
        /// 0.5…3.0, a multiple of 0.05.
        case set(Double)
        /// ±0.05…2.5, a multiple of 0.05.
        case by(Double)
    }

    /// `volume`: show it, set it (percent), or change it by ± percent (the result is kept within
    /// `volumeRange`).
    public enum VolumeRequest: Sendable, Equatable {
        case show
        case set(Int)
        case change(Int)
    }

    /// The volume in percent: 100 is the stream as decoded, above it amplifies.
    public static let volumeRange = 0...150

    /// The command's name on the wire.
    public var name: String {
        switch self {
        case .play: "play"
        case .pause: "pause"
        case .resume: "resume"
        case .toggle: "toggle"
        case .seek: "seek"
        case .next: "next"
        case .prev: "prev"
        case .chapter: "chapter"
        case .mark: "mark"
        case .unmark: "unmark"
        case .chapters: "chapters"
        case .episodes: "episodes"
        case .info: "info"
        case .played: "played"
        case .unplayed: "unplayed"
        case .status: "status"
        case .sleep: "sleep"
        case .speed: "speed"
        case .silence: "silence"
        case .volume: "volume"
        case .stop: "stop"
        case .quit: "quit"
        case .reload: "reload"
        case .subscribe: "subscribe"
        case .unsubscribe: "unsubscribe"
        case .ping: "ping"
        case .help: "help"
        }
    }

    /// The arguments as a request carries them (the writer; `read` is the reader).
    public var arguments: [(String, JSON)] {
        switch self {
        case let .play(selection, from, restart):
            var pairs = Command.selectionArguments(selection)
            if let from { pairs.append(("from", .number(from))) }
            if restart { pairs.append(("restart", true)) }
            return pairs
        case let .seek(.position(seconds)): return [("position", .number(seconds))]
        case let .seek(.offset(seconds)): return [("offset", .number(seconds))]
        case let .chapter(.number(number)): return [("number", .count(number))]
        case let .chapter(.title(title)): return [("title", .string(title))]
        case let .chapter(.bookmark(number)): return [("bookmark", .count(number))]
        case let .mark(title): return title.isEmpty ? [] : [("title", .string(title))]
        case let .unmark(number): return [("number", .count(number))]
        case let .episodes(series, all):
            var pairs: [(String, JSON)] = []
            if let series { pairs.append(("series", .string(series))) }
            if all { pairs.append(("all", true)) }
            return pairs
        case let .info(selection), let .played(selection), let .unplayed(selection):
            return Command.selectionArguments(selection)
        case let .sleep(request):
            switch request {
            case .show: return []
            case .off: return [("off", true)]
            case let .listening(seconds): return [("seconds", .number(seconds))]
            case .chapterEnd: return [("at", "chapter")]
            case .episodeEnd: return [("at", "episode")]
            }
        case .speed(.show), .silence(nil): return []
        case let .speed(.set(speed)): return [("speed", .number(speed))]
        case let .speed(.by(step)): return [("by", .number(step))]
        case let .silence(mode?): return [("mode", .string(mode.rawValue))]
        case .volume(.show): return []
        case let .volume(.set(percent)): return [("percent", .count(percent))]
        case let .volume(.change(percent)): return [("change", .count(percent))]
        case .pause, .resume, .toggle, .next, .prev, .chapters, .status, .stop, .quit, .reload, .subscribe,
             .unsubscribe, .ping, .help:
            return []
        }
    }

    /// `episode` (and `series`) as `EpisodeSelection.init(episode:series:)` reads them back.
    static func selectionArguments(_ selection: EpisodeSelection?) -> [(String, JSON)] {
        switch selection {
        case nil: return []
        case let .path(path)?: return [("episode", .string(path))]
        case .query(.next)?: return [("episode", "next")]
        case let .query(.text(text))?: return [("episode", .string(text))]
        case let .query(.number(number, series))?:
            return [("episode", .count(number))] + (series.map { [("series", .string($0))] } ?? [])
        }
    }
}
