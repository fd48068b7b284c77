import WDFCore

/// Turns an `EpisodeQuery` into one episode of the catalog, or says clearly why not.
public struct EpisodeResolver: Sendable {
    public var items: [CatalogItem]
    /// Config `series`, else the series of the last episode played; nil when neither is known.
    public var currentSeries: String?
    /// The resume-store key of the last episode played.
    public var lastKey: String?
    /// Resume records by key, to continue a series where it was left.
    public var records: [String: ResumeStore.Record]

    public enum Resolution: Sendable, Equatable {
        case found(CatalogItem)
        /// More than one episode fits; the sentence and the candidates.
        case ambiguous(String, [CatalogItem])
        case notFound(String)
    }

    public init(items: [CatalogItem], currentSeries: String?, lastKey: String?, records: [String: ResumeStore.Record] = [:]) {
        self.items = items
        self.currentSeries = currentSeries
        self.lastKey = lastKey
        self.records = records
    }

    public func resolve(_ query: EpisodeQuery) -> Resolution {
        switch query {
        case let .number(number, series): return resolve(number: number, series: series)
        case .next: return next()
        case let .text(text): return search(text)
        }
    }

    /// The series names, as first spelled, in list order.
    public var seriesNames: [String] {
        var seen = Set<String>()
        var names: [String] = []
        for item in items {
            guard let series = item.series, !series.isEmpty, seen.insert(item.seriesKey).inserted else { continue }
            names.append(series)
        }
        return names
    }

    /// The series whose name is `text` (any case), else the only one starting with or containing it.
    public func series(named text: String) -> String? {
        let key = CatalogItem.seriesKey(text)
        guard !key.isEmpty else { return nil }
        let names = seriesNames
        if let exact = names.first(where: { CatalogItem.seriesKey($0) == key }) { return exact }
        let prefixed = names.filter { CatalogItem.seriesKey($0).hasPrefix(key) }
        if prefixed.count == 1 { return prefixed[0] }
        let containing = names.filter { CatalogItem.seriesKey($0).contains(key) }
        return containing.count == 1 ? containing[0] : nil
    }

    public func items(inSeries series: String) -> [CatalogItem] {
        let key = CatalogItem.seriesKey(series)
        return items.filter { $0.seriesKey == key }
    }

    // MARK: by number

    private func resolve(number: Int, series explicit: String?) -> Resolution {
        var candidates = items.filter { $0.number == number }
        if let explicit {
            guard let series = series(named: explicit) else {
                // "sino-soviet part 2": no series is called "sino-soviet part"; the words may be a title's.
                let words = search("\(explicit) \(number)")
                if case .notFound = words { return .notFound("No series is called \"\(explicit)\"\(knownSeries).") }
                return words
            }
            candidates = candidates.filter { $0.seriesKey == CatalogItem.seriesKey(series) }
            guard !candidates.isEmpty else {
                return .notFound("\(series) has no episode \(number)\(range(of: items(inSeries: series))).")
            }
        } else if let current = currentSeries {
            let inSeries = candidates.filter { $0.seriesKey == CatalogItem.seriesKey(current) }
            if !inSeries.isEmpty { candidates = inSeries }
        }
        // A number in a title ("#6") outranks a track number, which outranks a file name's digits.
        for source in [Episode.NumberSource.title, .track, .fileName] {
            let level = candidates.filter { $0.numberSource == source }
            if !level.isEmpty { candidates = level; break }
        }
        switch candidates.count {
        case 0:
            return .notFound("Episode \(number) is not in the library\(range(of: items)).")
        case 1:
            return .found(candidates[0])
        default:
            return .ambiguous("Episode \(number) is claimed by \(candidates.count) episodes; name the file or the series:", candidates)
        }
    }

    private var knownSeries: String {
        let names = seriesNames
        if names.isEmpty { return "; the library has no numbered series" }
        return "; the series are " + names.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    private func range(of list: [CatalogItem]) -> String {
        let numbers = list.compactMap(\.number)
        guard let low = numbers.min(), let high = numbers.max() else { return " (it has no numbered episodes)" }
        return " (\(list.count) episode\(list.count == 1 ? "" : "s"), numbers \(low)–\(high))"
    }

    // MARK: next

    /// After the episode touched last — heard, or marked played by the listener — the first one
    /// not marked played.
    private func next() -> Resolution {
        guard let last = lastTouched else {
            return .notFound("Nothing has been played yet, so there is no next episode; name one, e.g. `wdfplay 1`.")
        }
        return following(last, skippingPlayed: true)
    }

    /// The episode the listener touched last: the one played last, or one marked played after it.
    var lastTouched: CatalogItem? {
        let last = lastKey.flatMap { key in items.first { $0.storeKey == key } }
        var best: (item: CatalogItem, updated: Int)? = last.map { ($0, records[$0.storeKey]?.updated ?? 0) }
        for item in items {
            // Among marks made in the same second, the later one in list order (the higher number).
            guard let record = records[item.storeKey], record.played, record.updated >= (best?.updated ?? Int.min) else { continue }
            best = (item, record.updated)
        }
        return best?.item
    }

    private func isPlayed(_ item: CatalogItem) -> Bool { records[item.storeKey]?.played == true }

    /// The episode after `item` in its series (the lowest number above its own); with
    /// `skippingPlayed`, the first after it that the listener has not marked or heard as played.
    public func following(_ item: CatalogItem, skippingPlayed: Bool = false) -> Resolution {
        guard let number = item.number else {
            return .notFound("\"\(item.title)\" has no number in a series, so it has no next episode.")
        }
        let later = items.filter { $0.seriesKey == item.seriesKey && ($0.number ?? Int.min) > number }
        if skippingPlayed, let unplayed = later.filter({ !isPlayed($0) }).compactMap(\.number).min(),
           unplayed > (later.compactMap(\.number).min() ?? unplayed) {
            // Skip over the played ones (the listener heard or marked them).
            let candidates = later.filter { $0.number == unplayed && !isPlayed($0) }
            if candidates.count == 1 { return .found(candidates[0]) }
            return .ambiguous("The next episode, \(unplayed), is claimed by \(candidates.count) episodes:", candidates)
        }
        if skippingPlayed, !later.isEmpty, later.allSatisfy(isPlayed) {
            return .notFound("Every episode after \(item.shortName) is marked played.")
        }
        guard let lowest = later.compactMap(\.number).min() else {
            return .notFound("\(item.shortName) is the last episode\(item.series.map { " of \($0)" } ?? "") in the library.")
        }
        let candidates = later.filter { $0.number == lowest }
        if candidates.count == 1 { return .found(candidates[0]) }
        return .ambiguous("The next episode, \(lowest), is claimed by \(candidates.count) episodes:", candidates)
    }

    // MARK: words

    private func search(_ text: String) -> Resolution {
        let query = text.trimmingWhitespace()
        guard !query.isEmpty else { return .notFound("Name an episode: a number, words of its title, or a file.") }
        if let series = series(named: query), CatalogItem.seriesKey(series) == CatalogItem.seriesKey(query) {
            return continueSeries(series)
        }
        let words = query.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let matches = items.filter { item in
            let title = item.title.lowercased()
            // A number is a whole number of the title ("part 2" is not "#12"); other words are parts of it.
            let numbers = title.split(whereSeparator: { !($0.isASCII && $0.isNumber) }).compactMap { Int($0) }
            return words.allSatisfy { word in Int(word).map { numbers.contains($0) } ?? title.contains(word) }
        }
        if matches.count == 1 { return .found(matches[0]) }
        if let exact = matches.first(where: { $0.title.lowercased() == query.lowercased() }),
           matches.filter({ $0.title.lowercased() == query.lowercased() }).count == 1 {
            return .found(exact)
        }
        if matches.isEmpty {
            if let series = series(named: query) { return continueSeries(series) }
            return .notFound("No episode title contains \"\(query)\".")
        }
        return .ambiguous("\(matches.count) episodes match \"\(query)\":", matches)
    }

    /// A series by name: the episode of it played last if unfinished, else the first one after it
    /// not marked played, else its first episode.
    private func continueSeries(_ series: String) -> Resolution {
        let list = items(inSeries: series)
        let played = list.compactMap { item in records[item.storeKey].map { (item, $0) } }
        if let (item, record) = played.max(by: { $0.1.updated < $1.1.updated }) {
            // Unfinished: carry on in it — unless the listener marked it played (then move on).
            let nearEnd = record.position > 0 && (record.duration.map { $0 - record.position <= ResumeStore.playedMargin } ?? false)
            if !record.finished, !record.played || nearEnd { return .found(item) }
            if case let .found(next) = following(item, skippingPlayed: true) { return .found(next) }
            return .found(item)
        }
        guard let first = list.first else { return .notFound("\(series) has no episodes.") }
        return .found(first)
    }
}
