import WDFCore
import WDFLibrary
import WDFPlatform

/// What MPRIS `Next` and `Previous` do in the episode in play: move by chapter (as `wdfctl next`
/// and `prev`, with the 5-second rule), and by episode before the first chapter, after the last
/// one, and in an episode without chapters (the neighbour by number in its series, downloaded).
enum MPRISStep: Equatable {
    /// To this chapter (chosen: skip rules leave it alone).
    case chapter(ChapterList.Span)
    /// To the start of the episode.
    case start
    /// Play the episode in this file.
    case episode(String)
    /// Nothing to go to.
    case nothing

    static func next(chapters: ChapterList, position: Double, nextEpisode: String?) -> MPRISStep {
        if let span = chapters.next(after: position) { return .chapter(span) }
        return nextEpisode.map { .episode($0) } ?? .nothing
    }

    /// The chapter before within the first 5 s of a chapter, else the start of this one; within
    /// the first 5 s of the episode (or of its first chapter at its start), the episode before.
    static func previous(chapters: ChapterList, position: Double, previousEpisode: String?) -> MPRISStep {
        let grace = ChapterList.previousGrace
        if let target = chapters.previous(from: position),
           !(target.number == 1 && position - target.start < grace && target.start < grace) {
            return .chapter(target)
        }
        if position < grace, let previousEpisode { return .episode(previousEpisode) }
        return .start
    }

    /// The downloaded episode of the same series with the nearest number above (`forward`) or
    /// below the one in `path`; nil when there is none (or the episode has no number).
    static func neighbour(of path: String, in items: [CatalogItem], forward: Bool) -> String? {
        guard let current = items.first(where: { $0.path == path }), let number = current.number else { return nil }
        let candidates = items.compactMap { item -> (Int, String)? in
            guard item.seriesKey == current.seriesKey, let n = item.number, let file = item.path, file != path,
                  forward ? n > number : n < number else { return nil }
            return (n, file)
        }
        let best = forward ? candidates.min { $0.0 < $1.0 } : candidates.max { $0.0 < $1.0 }
        return best?.1
    }
}
