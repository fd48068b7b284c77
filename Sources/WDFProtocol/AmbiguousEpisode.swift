import WDFCore

/// The `detail` of `ambiguous_episode`: the episodes that fit.
public struct AmbiguousEpisode: Sendable, Equatable {
    public var candidates: [EpisodeSummary]

    public init(candidates: [EpisodeSummary]) { self.candidates = candidates }

    public var json: JSON { ["candidates": .array(candidates.map(\.json))] }

    public init(json: JSON) throws(WireError) {
        self.init(candidates: try ObjectReader(json, "ambiguous_episode detail").array("candidates", EpisodeSummary.init(json:)))
    }
}
