import WDFCore

/// What the daemon pushes to subscribers: `{"event":NAME,"data":…}`.
public enum Event: Sendable, Equatable {
    /// Playing, paused or stopped.
    case state(PlaybackStatus)
    /// A seek (also `next`, `prev`, `chapter`) landed.
    case seek(PlaybackStatus)
    /// The chapter being heard changed.
    case chapter(PlaybackStatus)
    /// The whole episode was heard: `{"episode":{…}}` (null when none was known).
    case end(EpisodeRef?)
    /// The sound server went away; the player paused itself.
    case outputLost(PlaybackStatus)
    /// Playback left a chapter matched by `skip_chapters`: `{chapter, to}`.
    case skip(chapter: ChapterInfo, to: Double)
    /// A bookmark was added or removed.
    case chapters(BookmarkCounts)
    /// The sleep timer was set, changed, or paused playback.
    case sleep(SleepState)
    /// An event this client does not know (a newer daemon): its name and data as sent.
    case other(String, JSON)

    public var name: String {
        switch self {
        case .state: "state"
        case .seek: "seek"
        case .chapter: "chapter"
        case .end: "end"
        case .outputLost: "output_lost"
        case .skip: "skip"
        case .chapters: "chapters"
        case .sleep: "sleep"
        case let .other(name, _): name
        }
    }

    public var data: JSON {
        switch self {
        case let .state(status), let .seek(status), let .chapter(status), let .outputLost(status): status.json
        case let .end(episode): ["episode": episode?.json ?? .null]
        case let .skip(chapter, to): ["chapter": chapter.json, "to": .number(to)]
        case let .chapters(counts): counts.json
        case let .sleep(state): state.json
        case let .other(_, data): data
        }
    }

    /// The writer: the line pushed to subscribers.
    public var json: JSON { ["event": .string(name), "data": data] }

    /// The reader.
    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "event")
        let name = try f.string("event")
        let data = json["data"] ?? .null
        switch name {
        case "state": self = .state(try PlaybackStatus(json: data))
        case "seek": self = .seek(try PlaybackStatus(json: data))
        case "chapter": self = .chapter(try PlaybackStatus(json: data))
        case "end": self = .end(try ObjectReader(data, "end event").optionalObject("episode", EpisodeRef.init(json:)))
        case "output_lost": self = .outputLost(try PlaybackStatus(json: data))
        case "skip":
            let d = try ObjectReader(data, "skip event")
            self = .skip(chapter: try d.object("chapter", ChapterInfo.init(json:)), to: try d.double("to"))
        case "chapters": self = .chapters(try BookmarkCounts(json: data))
        case "sleep": self = .sleep(try SleepState(json: data))
        default: self = .other(name, data)
        }
    }
}
