import WDFCore

/// One chapter that a feed item lists itself (Podlove Simple Chapters, `<psc:chapter>`).
public struct FeedChapterRecord: Sendable, Equatable {
    /// Seconds from the start of the episode.
    public var start: Double
    public var title: String
    public var url: String?
    public var image: String?

    public init(start: Double, title: String, url: String? = nil, image: String? = nil) {
        self.start = start
        self.title = title
        self.url = url
        self.image = image
    }
}

/// One episode as the podcast feed describes it (an RSS `<item>`), plus what wdfplay adds: the
/// downloaded file and when a sync first saw it.
public struct FeedRecord: Sendable, Equatable {
    /// The item's `<guid>`, else its enclosure URL, else its title: what identifies it across syncs.
    public var guid: String
    public var title: String
    /// "Korean War" for "Korean War #6: Sino-Soviet Talks Part 2".
    public var series: String?
    public var number: Int?
    public var season: Int?
    /// The publication day in UTC, "2018-01-31".
    public var date: String?
    /// Publication time, seconds since the Unix epoch.
    public var published: Int?
    /// The show notes as the feed has them (HTML, usually); `ShowNotesText.plain` makes them readable.
    public var notesHTML: String?
    public var enclosureURL: String?
    public var enclosureLength: Int?
    public var enclosureType: String?
    /// Seconds, from `itunes:duration`.
    public var duration: Double?
    /// A Podcasting 2.0 JSON chapters file (`<podcast:chapters url=…>`).
    public var chaptersURL: String?
    public var chapters: [FeedChapterRecord]
    /// Absolute path of the downloaded enclosure; nil until downloaded.
    public var file: String?
    /// Seconds since the Unix epoch of the sync that first saw the item.
    public var firstSeen: Int
    /// Chosen for download by `sync --download new` and not downloaded yet: the next such sync
    /// tries again, so a download that failed (no network, a server error) is not lost.
    public var wanted: Bool

    public init(guid: String, title: String, series: String? = nil, number: Int? = nil, season: Int? = nil,
                date: String? = nil, published: Int? = nil, notesHTML: String? = nil,
                enclosureURL: String? = nil, enclosureLength: Int? = nil, enclosureType: String? = nil,
                duration: Double? = nil, chaptersURL: String? = nil, chapters: [FeedChapterRecord] = [],
                file: String? = nil, firstSeen: Int = 0, wanted: Bool = false) {
        self.guid = guid
        self.title = title
        self.series = series
        self.number = number
        self.season = season
        self.date = date
        self.published = published
        self.notesHTML = notesHTML
        self.enclosureURL = enclosureURL
        self.enclosureLength = enclosureLength
        self.enclosureType = enclosureType
        self.duration = duration
        self.chaptersURL = chaptersURL
        self.chapters = chapters
        self.file = file
        self.firstSeen = firstSeen
        self.wanted = wanted
    }
}

extension FeedRecord {
    /// The longest time a feed may give for an episode's duration or a chapter's start (about
    /// 115 days); a larger one is read as absent. Any time up to it is safe to make an integer.
    public static let maximumSeconds: Double = 10_000_000
    /// The largest episode or season number read from a feed (larger ones are read as absent).
    public static let maximumNumber = 1_000_000_000
    /// The largest enclosure length read from a feed: 1 PiB, well inside what a JSON number holds exactly.
    public static let maximumLength = 1 << 50

    /// A file name for things kept per feed item (its chapters file, its download lock): 16 hex
    /// digits of the FNV-1a hash of `guid`, which may be any string.
    public static func fileKey(guid: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in guid.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

// MARK: JSON (the feed store's item objects)

extension FeedChapterRecord {
    public var json: JSON {
        var pairs: [(String, JSON)] = [("start", .number(start)), ("title", .string(title))]
        if let url { pairs.append(("url", .string(url))) }
        if let image { pairs.append(("image", .string(image))) }
        return .object(pairs)
    }

    /// nil when `json` is not a chapter object with a `start` from 0 to `FeedRecord.maximumSeconds`.
    public init?(json: JSON) {
        guard let start = json["start"]?.doubleValue, start.isFinite, start >= 0, start <= FeedRecord.maximumSeconds else { return nil }
        self.init(start: start, title: json["title"]?.stringValue ?? "",
                  url: json["url"]?.stringValue, image: json["image"]?.stringValue)
    }
}

extension FeedRecord {
    /// One JSON object; absent (nil) fields are left out.
    public var json: JSON {
        var pairs: [(String, JSON)] = [("guid", .string(guid)), ("title", .string(title))]
        func add(_ key: String, _ value: String?) { if let value { pairs.append((key, .string(value))) } }
        func add(_ key: String, _ value: Int?) { if let value { pairs.append((key, .number(Double(value)))) } }
        add("series", series)
        add("number", number)
        add("season", season)
        add("date", date)
        add("published", published)
        add("enclosureURL", enclosureURL)
        add("enclosureLength", enclosureLength)
        add("enclosureType", enclosureType)
        if let duration, duration.isFinite { pairs.append(("duration", .number(duration))) }
        add("chaptersURL", chaptersURL)
        if !chapters.isEmpty { pairs.append(("chapters", .array(chapters.map(\.json)))) }
        add("file", file)
        pairs.append(("firstSeen", .number(Double(firstSeen))))
        if wanted { pairs.append(("wanted", .bool(true))) }
        add("notesHTML", notesHTML)
        return .object(pairs)
    }

    /// nil when `json` is not an item object with a non-empty string `guid` and a string `title`.
    /// Optional fields of the wrong type are read as absent; unreadable chapters are dropped.
    public init?(json: JSON) {
        guard case .object = json, let guid = json["guid"]?.stringValue, !guid.isEmpty,
              let title = json["title"]?.stringValue else { return nil }
        func string(_ key: String) -> String? { json[key]?.stringValue }
        func int(_ key: String) -> Int? { json[key]?.intValue }
        let duration = json["duration"]?.doubleValue.flatMap { $0.isFinite && $0 >= 0 && $0 <= FeedRecord.maximumSeconds ? $0 : nil }
        self.init(guid: guid, title: title, series: string("series"), number: int("number"), season: int("season"),
                  date: string("date"), published: int("published"), notesHTML: string("notesHTML"),
                  enclosureURL: string("enclosureURL"), enclosureLength: int("enclosureLength"),
                  enclosureType: string("enclosureType"), duration: duration, chaptersURL: string("chaptersURL"),
                  chapters: (json["chapters"]?.arrayValue ?? []).compactMap(FeedChapterRecord.init(json:)),
                  file: string("file"), firstSeen: int("firstSeen") ?? 0, wanted: json["wanted"]?.boolValue ?? false)
    }
}
