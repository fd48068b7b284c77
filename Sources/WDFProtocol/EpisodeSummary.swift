import WDFCore

/// The episode object of the catalog: each row of `episodes`, the reply of `played` and
/// `unplayed`, the candidates of `ambiguous_episode`, and the head of the `info` page.
public struct EpisodeSummary: Sendable, Equatable {
    public var number: Int?
    public var title: String
    public var series: String?
    /// "YYYY-MM-DD".
    public var date: String?
    public var duration: Double?
    /// Written only when true: the length was estimated from the bit rate.
    public var durationEstimated: Bool
    /// nil when not downloaded.
    public var path: String?
    public var downloaded: Bool
    public var inFeed: Bool
    public var progress: Progress
    /// How many chapters its tag (or the feed) has; not written when neither is known.
    public var chapters: Int?
    /// Why its tag or audio cannot be read, when that is so.
    public var problem: String?

    public init(number: Int?, title: String, series: String?, date: String?, duration: Double?, durationEstimated: Bool = false,
                path: String?, downloaded: Bool, inFeed: Bool, progress: Progress, chapters: Int?, problem: String? = nil) {
        self.number = number
        self.title = title
        self.series = series
        self.date = date
        self.duration = duration
        self.durationEstimated = durationEstimated
        self.path = path
        self.downloaded = downloaded
        self.inFeed = inFeed
        self.progress = progress
        self.chapters = chapters
        self.problem = problem
    }

    /// The listener's progress: `{"state":"new"}`, `{"state":"partial","position":s}` or
    /// `{"state":"played"}`, plus `updated` (Unix time) once there is a saved record.
    public struct Progress: Sendable, Equatable {
        public enum State: Sendable, Equatable {
            case new
            case partial(position: Double)
            case played
        }

        public var state: State
        public var updated: Double?

        public init(_ state: State, updated: Double? = nil) {
            self.state = state
            self.updated = updated
        }

        public var json: JSON {
            var pairs: [(String, JSON)]
            switch state {
            case .new: pairs = [("state", "new")]
            case let .partial(position): pairs = [("state", "partial"), ("position", .number(position))]
            case .played: pairs = [("state", "played")]
            }
            if let updated { pairs.append(("updated", .number(updated))) }
            return .object(pairs)
        }

        public init(json: JSON) throws(WireError) {
            let f = try ObjectReader(json, "progress")
            let name = try f.string("state")
            switch name {
            case "new": state = .new
            case "partial": state = .partial(position: try f.optionalDouble("position") ?? 0)
            case "played": state = .played
            default: throw WireError("bad_reply", "The progress from wdfplayd has an unknown state \"\(name)\".")
            }
            updated = try f.optionalDouble("updated")
        }
    }

    /// The fields in order, for the writer and for the `info` page that extends them.
    var pairs: [(String, JSON)] {
        var pairs: [(String, JSON)] = [
            ("number", JSON(number)),
            ("title", .string(title)),
            ("series", JSON(series)),
            ("date", JSON(date)),
            ("duration", JSON(duration)),
            ("path", JSON(path)),
            ("downloaded", .bool(downloaded)),
            ("in_feed", .bool(inFeed)),
            ("progress", progress.json),
        ]
        if durationEstimated { pairs.append(("duration_estimated", true)) }
        if let chapters { pairs.append(("chapters", .count(chapters))) }
        if let problem { pairs.append(("problem", .string(problem))) }
        return pairs
    }

    public var json: JSON { .object(pairs) }

    public init(json: JSON) throws(WireError) {
        try self.init(ObjectReader(json, "episode"))
    }

    init(_ f: ObjectReader) throws(WireError) {
        self.init(number: try f.optionalInt("number"), title: try f.string("title"), series: try f.optionalString("series"),
                  date: try f.optionalString("date"), duration: try f.optionalDouble("duration"),
                  durationEstimated: try f.optionalBool("duration_estimated") ?? false, path: try f.optionalString("path"),
                  downloaded: try f.bool("downloaded"), inFeed: try f.bool("in_feed"),
                  progress: try f.object("progress", Progress.init(json:)), chapters: try f.optionalInt("chapters"),
                  problem: try f.optionalString("problem"))
    }
}
