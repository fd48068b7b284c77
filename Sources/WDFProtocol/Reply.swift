import WDFCore

/// The `data` of a successful reply, typed by the command it answers.
public enum Reply: Sendable, Equatable {
    /// `play`, `pause`, `resume`, `toggle`, `seek`, `next`, `prev`, `chapter`, `status`, `stop`.
    case status(PlaybackStatus)
    case chapters([ChapterInfo])
    case mark(MarkReply)
    case unmark(UnmarkReply)
    case episodes(EpisodeList)
    case info(EpisodePage)
    /// `played`, `unplayed`.
    case episode(EpisodeSummary)
    case sleep(SleepState)
    /// `speed`, `silence`.
    case listening(ListeningState)
    /// `subscribe`, `unsubscribe`, `ping`, `quit`, `reload`, `volume`.
    case small(SmallReply)
    /// `help`: each command's name and summary.
    case help([(command: String, summary: String)])

    public static func == (a: Reply, b: Reply) -> Bool { a.json == b.json }

    /// The writer.
    public var json: JSON {
        switch self {
        case let .status(status): status.json
        case let .chapters(list): ChapterInfo.listJSON(list)
        case let .mark(reply): reply.json
        case let .unmark(reply): reply.json
        case let .episodes(list): list.json
        case let .info(page): page.json
        case let .episode(episode): episode.json
        case let .sleep(state): state.json
        case let .listening(state): state.json
        case let .small(reply): reply.json
        case let .help(entries): .array(entries.map { ["command": .string($0.command), "summary": .string($0.summary)] })
        }
    }

    /// The reader: `data` as the reply to `command`.
    public init(data: JSON, to command: Command) throws(WireError) {
        switch command {
        case .play, .pause, .resume, .toggle, .seek, .next, .prev, .chapter, .status, .stop:
            self = .status(try PlaybackStatus(json: data))
        case .chapters: self = .chapters(try ChapterInfo.list(json: data))
        case .mark: self = .mark(try MarkReply(json: data))
        case .unmark: self = .unmark(try UnmarkReply(json: data))
        case .episodes: self = .episodes(try EpisodeList(json: data))
        case .info: self = .info(try EpisodePage(json: data))
        case .played, .unplayed: self = .episode(try EpisodeSummary(json: data))
        case .sleep: self = .sleep(try SleepState(json: data))
        case .speed, .silence: self = .listening(try ListeningState(json: data))
        case .subscribe, .unsubscribe, .ping, .quit, .reload, .volume: self = .small(try SmallReply(json: data, command: command))
        case .help:
            guard let items = data.arrayValue else {
                throw WireError("bad_reply", "The help from wdfplayd is \(data.kindName), not an array.")
            }
            var entries: [(command: String, summary: String)] = []
            for item in items {
                let f = try ObjectReader(item, "help entry")
                entries.append((try f.string("command"), try f.string("summary")))
            }
            self = .help(entries)
        }
    }
}
