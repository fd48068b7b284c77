import WDFCore
import WDFLibrary

/// What the engine asks of the catalog: which episode a file is, its chapters, what follows it.
/// The daemon's `Library` is one; a test's fixture library is another.
protocol EngineHost: AnyObject {
    /// The episode in the file at `path` (its tag, or the feed's title and number).
    func episode(atPath path: String) throws(WireError) -> Episode
    /// The episode's navigable chapters from every source, and the source that won.
    func chapters(for episode: Episode, duration: Double?) -> (ChapterList, ChapterOrigin?)
    /// The episode after the one at `path` in its series (skipping played ones), downloaded or
    /// not; nil when there is none.
    func episode(after path: String) -> CatalogItem?
    /// True for a file of the demo series.
    func isDemo(_ path: String) -> Bool
}
