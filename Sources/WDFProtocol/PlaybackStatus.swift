import WDFCore

/// The status object: what `status` answers, what `play`, `pause`, `seek` … reply (`play` with
/// `started_at` and `resumed` added), and the data of the `state`, `seek`, `chapter` and
/// `output_lost` events.
public struct PlaybackStatus: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case playing, paused, stopped
    }

    public var state: State
    /// Seconds heard.
    public var position: Double
    public var duration: Double?
    public var episode: EpisodeRef?
    public var chapter: ChapterInfo?
    public var chaptersCount: Int
    public var chapterStarts: [Double]
    public var sleep: SleepState?
    public var skipped: SkippedChapter?
    public var outputError: String?
    public var storeError: String?
    /// `play`'s reply only: where it started, and whether from a saved position.
    public var start: Start?
    /// Speed, skip silence, remaining listening time and time saved; written (as fields of the
    /// status) only when the listening is not plain (speed 1, skip silence off).
    public var listening: ListeningState?

    public struct Start: Sendable, Equatable {
        public var at: Double
        public var resumed: Bool

        public init(at: Double, resumed: Bool) {
            self.at = at
            self.resumed = resumed
        }
    }

    public init(state: State, position: Double, duration: Double?, episode: EpisodeRef?, chapter: ChapterInfo?,
                chaptersCount: Int, chapterStarts: [Double], sleep: SleepState?, skipped: SkippedChapter?,
                outputError: String?, storeError: String?, start: Start? = nil, listening: ListeningState? = nil) {
        self.state = state
        self.position = position
        self.duration = duration
        self.episode = episode
        self.chapter = chapter
        self.chaptersCount = chaptersCount
        self.chapterStarts = chapterStarts
        self.sleep = sleep
        self.skipped = skipped
        self.outputError = outputError
        self.storeError = storeError
        self.start = start
        self.listening = listening
    }

    public var json: JSON {
        var pairs: [(String, JSON)] = [
            ("state", .string(state.rawValue)),
            ("position", .number(position)),
            ("duration", JSON(duration)),
            ("episode", episode?.json ?? .null),
            ("chapter", chapter?.json ?? .null),
            ("chapters_count", .count(chaptersCount)),
            ("chapter_starts", .array(chapterStarts.map { .number($0) })),
            ("sleep", sleep?.json ?? .null),
            ("skipped", skipped?.json ?? .null),
            ("output_error", JSON(outputError)),
            ("store_error", JSON(storeError)),
        ]
        if let listening, !listening.isPlain { pairs += listening.pairs }
        if let start {
            pairs.append(("started_at", .number(start.at)))
            pairs.append(("resumed", .bool(start.resumed)))
        }
        return .object(pairs)
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "status")
        let name = try f.string("state")
        guard let state = State(rawValue: name) else {
            throw WireError("bad_reply", "The status from wdfplayd has an unknown state \"\(name)\".")
        }
        var start: Start?
        if let at = try f.optionalDouble("started_at") { start = Start(at: at, resumed: try f.optionalBool("resumed") ?? false) }
        self.init(state: state, position: try f.optionalDouble("position") ?? 0, duration: try f.optionalDouble("duration"),
                  episode: try f.optionalObject("episode", EpisodeRef.init(json:)),
                  chapter: try f.optionalObject("chapter", ChapterInfo.init(json:)),
                  chaptersCount: try f.optionalInt("chapters_count") ?? 0,
                  chapterStarts: try f.array("chapter_starts") { (item: JSON) throws(WireError) -> Double in
                      guard let start = item.doubleValue, start.isFinite else {
                          throw WireError("bad_reply", "\"chapter_starts\" in the status from wdfplayd must hold numbers, not \(item.kindName).")
                      }
                      return start
                  },
                  sleep: try f.optionalObject("sleep", SleepState.init(json:)),
                  skipped: try f.optionalObject("skipped", SkippedChapter.init(json:)),
                  outputError: try f.optionalString("output_error"), storeError: try f.optionalString("store_error"),
                  start: start, listening: f.has("speed") ? try ListeningState(reader: f) : nil)
    }
}
