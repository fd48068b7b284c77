import WDFCore
import WDFPlatform
import WDFStore
import WDFLibrary

extension FeedContext {
    /// Of `records`, those whose episode is already a file of the library (matched as the daemon
    /// matches them: the file recorded for it, else series and number, else title), with the file
    /// and whether the listener has played it. A sync lists these apart from the new ones.
    func alreadyInLibrary(_ records: [FeedRecord]) -> [String: (path: String, played: Bool)] {
        guard !records.isEmpty, FileSystem.isDirectory(config.library) else { return [:] }
        var catalog = Catalog(root: FileSystem.realPath(config.library) ?? config.library, cacheDirectory: paths.cacheDirectory)
        catalog.loadIndex()
        catalog.refresh()
        try? catalog.saveIndex()  // only a cache: the next reader walks again
        let positions = ResumeStore.readOnly(directory: paths.stateDirectory)
        let wanted = Set(records.map(\.guid))
        var found: [String: (path: String, played: Bool)] = [:]
        for item in CatalogItem.merge(entries: catalog.entries, feed: store.items) {
            guard let guid = item.feed?.guid, wanted.contains(guid), let path = item.path else { continue }
            found[guid] = (path, positions.record(for: path)?.played == true)
        }
        return found
    }
}
