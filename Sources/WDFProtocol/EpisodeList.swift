import WDFCore

/// `episodes`: `{series, count, episodes, series_names}`, plus `library_incomplete` when the
/// walk of the library stopped at its budget.
public struct EpisodeList: Sendable, Equatable {
    /// The series listed; nil for every episode of every series.
    public var series: String?
    public var episodes: [EpisodeSummary]
    public var seriesNames: [String]
    public var libraryIncomplete: String?

    public init(series: String?, episodes: [EpisodeSummary], seriesNames: [String], libraryIncomplete: String? = nil) {
        self.series = series
        self.episodes = episodes
        self.seriesNames = seriesNames
        self.libraryIncomplete = libraryIncomplete
    }

    public var json: JSON {
        var entries: [JSON] = []
        entries.reserveCapacity(episodes.count)
        for episode in episodes { entries.append(episode.json) }
        var pairs: [(String, JSON)] = [
            ("series", JSON(series)),
            ("count", .count(episodes.count)),
            ("episodes", .array(entries)),
            ("series_names", .array(seriesNames.map { .string($0) })),
        ]
        if let libraryIncomplete { pairs.append(("library_incomplete", .string(libraryIncomplete))) }
        return .object(pairs)
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "episode list")
        self.init(series: try f.optionalString("series"), episodes: try f.array("episodes", EpisodeSummary.init(json:)),
                  seriesNames: try f.array("series_names") { (item: JSON) throws(WireError) -> String in
                      guard let name = item.stringValue else {
                          throw WireError("bad_reply", "\"series_names\" in the episode list from wdfplayd must hold strings, not \(item.kindName).")
                      }
                      return name
                  },
                  libraryIncomplete: try f.optionalString("library_incomplete"))
        if let count = try f.optionalInt("count"), count != episodes.count {
            throw WireError("bad_reply", "The episode list from wdfplayd says \(count) episodes but holds \(episodes.count).")
        }
    }
}
