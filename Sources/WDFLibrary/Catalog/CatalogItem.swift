import WDFCore
import WDFPlatform
import WDFStore

/// One episode as the listener knows it: a file in the library, an item of the feed, or both.
public struct CatalogItem: Sendable, Equatable {
    public var entry: CatalogEntry? { didSet { seriesKey = CatalogItem.seriesKey(series) } }
    public var feed: FeedRecord? { didSet { seriesKey = CatalogItem.seriesKey(series) } }
    /// `seriesKey(series)`, kept: lists of thousands compare it often.
    public private(set) var seriesKey: String

    public init(entry: CatalogEntry?, feed: FeedRecord?) {
        self.entry = entry
        self.feed = feed
        seriesKey = CatalogItem.seriesKey(entry?.series ?? feed?.series)
    }

    /// The file, when downloaded.
    public var path: String? { entry?.path }
    public var isDownloaded: Bool { entry != nil }
    /// The file was downloaded from the feed for this item: the feed's title and number are the
    /// truth (the file's tag may be stale or another episode's).
    public var feedOwnsFile: Bool {
        guard let file = feed?.file, let path = entry?.path else { return false }
        return file == path
    }
    public var title: String {
        if feedOwnsFile, let title = feed?.title, !title.isEmpty { return title }
        return entry?.title ?? feed?.title ?? ""
    }
    public var series: String? {
        if feedOwnsFile, feed?.number != nil, let series = feed?.series { return series }
        return entry?.series ?? feed?.series
    }
    public var number: Int? {
        if feedOwnsFile, let number = feed?.number { return number }
        return entry?.number ?? feed?.number
    }
    public var numberSource: Episode.NumberSource? {
        if feedOwnsFile, feed?.number != nil { return .title }
        return entry?.numberSource ?? (feed?.number != nil ? .title : nil)
    }
    public var date: String? { feed?.date ?? entry?.date }
    /// The measured length of the file; the feed's figure for an episode not downloaded.
    public var duration: Double? { entry?.duration ?? feed?.duration }
    public var durationIsEstimate: Bool { entry.map { $0.durationIsEstimate } ?? false }
    /// The key its resume record is kept under: the file, else the feed item.
    public var storeKey: String { entry?.path ?? "feed:" + (feed?.guid ?? title) }

    /// "Korean War #6" or the title.
    public var shortName: String {
        if let series, let number, !series.isEmpty { return "\(series) #\(number)" }
        return title
    }

    /// Joins the library with the feed: a feed item belongs to the file it was downloaded to,
    /// else to a file no item was downloaded to with its series and number, else with its title.
    /// Items of the feed with no file are listed as not downloaded. A file's series comes from
    /// `SeriesInference` when its number is not from its title. Sorted by series, number, date, title.
    public static func merge(entries: [CatalogEntry], feed: [FeedRecord]) -> [CatalogItem] {
        let entries = SeriesInference.assign(entries, feedSeries: feed.compactMap { $0.number != nil ? $0.series : nil })
        var items = entries.map { CatalogItem(entry: $0, feed: nil) }
        var byPath: [String: Int] = [:]
        for (i, entry) in entries.enumerated() { byPath[entry.path] = i }
        // First the files downloaded for an item: theirs whatever their tags say.
        var pending: [FeedRecord] = []
        for var record in feed {
            // The file as the library walk names it (the configured folder may be spelt otherwise:
            // a symbolic link, "//").
            if let file = record.file, byPath[file] == nil, let real = FileSystem.realPath(file), byPath[real] != nil {
                record.file = real
            }
            if let file = record.file, let i = byPath[file], items[i].feed == nil {
                items[i].feed = record
            } else {
                pending.append(record)
            }
        }
        var bySeriesNumber: [String: Int] = [:]
        var byTitle: [String: Int] = [:]
        for (i, entry) in entries.enumerated() where items[i].feed == nil {
            if let number = entry.number {
                let key = seriesKey(entry.series) + "#\(number)"
                bySeriesNumber[key] = bySeriesNumber[key] == nil ? i : -1  // -1: claimed twice, no match by number
            }
            byTitle[entry.title.lowercased()] = i
        }
        for record in pending {
            var match: Int?
            if let number = record.number, let i = bySeriesNumber[seriesKey(record.series) + "#\(number)"], i >= 0 {
                match = i
            }
            if match == nil, let i = byTitle[record.title.lowercased()] { match = i }
            if let i = match, items[i].feed == nil {
                items[i].feed = record
            } else {
                items.append(CatalogItem(entry: nil, feed: record))
            }
        }
        return items.sorted { a, b in a.seriesKey != b.seriesKey ? a.seriesKey < b.seriesKey : listOrder(a, b) }
    }

    /// The order within a series: number, date, title, path.
    static func listOrder(_ a: CatalogItem, _ b: CatalogItem) -> Bool {
        switch (a.number, b.number) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: break
        }
        let da = a.date ?? "", db = b.date ?? ""
        if da != db { return da < db }
        if a.title != b.title { return a.title < b.title }
        return (a.path ?? "") < (b.path ?? "")
    }

    /// Series names compare without case and surrounding space.
    public static func seriesKey(_ series: String?) -> String {
        (series ?? "").trimmingWhitespace().lowercased()
    }
}
