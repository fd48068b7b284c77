import WDFCore
import WDFPlatform

/// Which series a file belongs to when its tag does not say it in its title ("Korean War #6:
/// …"): a number taken from the track (TRCK) or from the file name belongs to the series that
/// its name begins with, else the one all its titled neighbours in the folder belong to, else the
/// series its folder is named after. Only when none of them says anything does the album (or
/// nothing) stay its series.
public enum SeriesInference {
    /// `entries` with the series of each numbered file whose number is not from its title filled
    /// in as above. `feedSeries`: series names the feed knows (they count as known series).
    public static func assign(_ entries: [CatalogEntry], feedSeries: [String] = []) -> [CatalogEntry] {
        // The known series: those "Series #N" titles name, and the feed's.
        var known: [String: String] = [:]  // key → name as first spelled
        for entry in entries where entry.numberSource == .title {
            if let series = entry.series, !series.isEmpty, known[CatalogItem.seriesKey(series)] == nil {
                known[CatalogItem.seriesKey(series)] = series
            }
        }
        for series in feedSeries where !series.isEmpty && known[CatalogItem.seriesKey(series)] == nil {
            known[CatalogItem.seriesKey(series)] = series
        }
        guard !known.isEmpty else { return entries }
        // Longest first, so that "Korean War Extra" wins over "Korean War".
        let keys = known.keys.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        // The one series of the titled files in each folder (nil when they disagree).
        var folderSeries: [String: String?] = [:]
        for entry in entries where entry.numberSource == .title {
            guard let series = entry.series, !series.isEmpty else { continue }
            let folder = FileSystem.directoryName(entry.path)
            let key = CatalogItem.seriesKey(series)
            if let seen = folderSeries[folder] {
                if seen != key { folderSeries[folder] = .some(nil) }
            } else {
                folderSeries[folder] = key
            }
        }
        return entries.map { entry in
            guard entry.number != nil, entry.numberSource != .title else { return entry }
            var entry = entry
            let folder = FileSystem.directoryName(entry.path)
            let stem = CatalogItem.seriesKey(Episode.stem(of: entry.path))
            let title = CatalogItem.seriesKey(entry.title)
            let folderName = CatalogItem.seriesKey(FileSystem.baseName(folder))
            if let key = keys.first(where: { begins(stem, with: $0) || begins(title, with: $0) }) {
                entry.series = known[key]
            } else if let key = folderSeries[folder] ?? nil {
                entry.series = known[key]
            } else if let key = keys.first(where: { $0 == folderName }) {
                entry.series = known[key]
            }
            return entry
        }
    }

    /// `text` begins with the words of `key` (not a longer word: "korean warfare" is not "korean war").
    static func begins(_ text: String, with key: String) -> Bool {
        guard !key.isEmpty, text.hasPrefix(key) else { return false }
        guard let next = text.dropFirst(key.count).first else { return true }
        return !(next.isLetter)
    }
}
