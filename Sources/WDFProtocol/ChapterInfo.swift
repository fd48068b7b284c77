import WDFCore

/// A chapter (or bookmark) as replies carry it. The status and `mark`/`unmark` carry the first
/// four fields; the `chapters` list adds `length`, `source`, `bookmark`, `skip`, `current` and,
/// when the source has them, `url`, `image`, `description`; the `info` page adds `source` and
/// `url`. One writer puts them in that order, each optional field only when set.
public struct ChapterInfo: Sendable, Equatable {
    public var number: Int
    public var title: String
    public var start: Double
    /// nil (written as null) when the end is not known.
    public var end: Double?
    public var length: Double?
    /// `id3`, `json`, `cue`, `feed`, `show_notes` or `bookmark`.
    public var source: String?
    public var bookmark: Bool?
    public var skip: Bool?
    public var url: String?
    public var image: String?
    public var description: String?
    public var current: Bool?

    public init(number: Int, title: String, start: Double, end: Double?, length: Double? = nil, source: String? = nil,
                bookmark: Bool? = nil, skip: Bool? = nil, url: String? = nil, image: String? = nil,
                description: String? = nil, current: Bool? = nil) {
        self.number = number
        self.title = title
        self.start = start
        self.end = end
        self.length = length
        self.source = source
        self.bookmark = bookmark
        self.skip = skip
        self.url = url
        self.image = image
        self.description = description
        self.current = current
    }

    /// Whether the listener made it (`bookmark: true`, or `source: "bookmark"` on the info page).
    public var isBookmark: Bool { bookmark ?? (source == ChapterOrigin.bookmark.rawValue) }

    public var json: JSON {
        var pairs: [(String, JSON)] = [("number", .count(number)), ("title", .string(title)), ("start", .number(start)),
                                       ("end", JSON(end))]
        if let length { pairs.append(("length", .number(length))) }
        if let source { pairs.append(("source", .string(source))) }
        if let bookmark { pairs.append(("bookmark", .bool(bookmark))) }
        if let skip { pairs.append(("skip", .bool(skip))) }
        if let url { pairs.append(("url", .string(url))) }
        if let image { pairs.append(("image", .string(image))) }
        if let description { pairs.append(("description", .string(description))) }
        if let current { pairs.append(("current", .bool(current))) }
        return .object(pairs)
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "chapter")
        self.init(number: try f.int("number"), title: try f.string("title"), start: try f.double("start"),
                  end: try f.optionalDouble("end"), length: try f.optionalDouble("length"), source: try f.optionalString("source"),
                  bookmark: try f.optionalBool("bookmark"), skip: try f.optionalBool("skip"), url: try f.optionalString("url"),
                  image: try f.optionalString("image"), description: try f.optionalString("description"),
                  current: try f.optionalBool("current"))
    }

    /// The `chapters` reply: an array (the one reply whose `data` is not an object).
    public static func listJSON(_ chapters: [ChapterInfo]) -> JSON { .array(chapters.map(\.json)) }

    public static func list(json: JSON) throws(WireError) -> [ChapterInfo] {
        guard let items = json.arrayValue else {
            throw WireError("bad_reply", "The chapter list from wdfplayd is \(json.kindName), not an array.")
        }
        var out: [ChapterInfo] = []
        for item in items { out.append(try ChapterInfo(json: item)) }
        return out
    }
}
