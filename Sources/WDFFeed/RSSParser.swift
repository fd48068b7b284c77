import WDFCore
import WDFStore
import WDFLibrary

/// Reads an RSS 2.0 podcast feed (RSS 1.0 / RDF and Atom too; see `atomDocument`) into a
/// `FeedDocument`.
///
/// Per `<item>`: the title (collapsed blanks; "Untitled" when missing); the guid (`<guid>`, else
/// the enclosure URL, else the title); the episode number (`itunes:episode`, else the `#N` of
/// the title) and series ("Korean War" in "Korean War #6: …"); `itunes:season`; the
/// publication time and UTC day from `pubDate` (RFC 822; `dc:date` as ISO 8601 otherwise) —
/// an unreadable date is nil, never an error; the show notes (`content:encoded`, else
/// `description`, else `itunes:summary`); the enclosure's URL, length (nil unless a positive
/// integer) and type; `itunes:duration`; `<podcast:chapters url=…>`; and Podlove Simple
/// Chapters. An item without an enclosure is still returned.
public enum RSSParser {
    public static let maximumSize = 64 << 20

    public static func parse(_ bytes: [UInt8], now: Int = 0) throws(FeedParseError) -> FeedDocument {
        guard bytes.count <= maximumSize else {
            throw FeedParseError("The feed is too large: \((bytes.count + (1 << 20) - 1) >> 20) MB (at most \(maximumSize >> 20) MB).")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        guard body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw FeedParseError("The feed is empty.")
        }
        let document: XMLReader.Document
        do {
            document = try XMLReader.parse(bytes, knownPrefixes: FeedNamespace.conventionalPrefixes)
        } catch {
            if let root = error.rootName, !isFeedRootName(root) { throw notAFeed(root) }
            if error.pastLimit { throw FeedParseError("The feed is larger than wdfplay reads: \(error).") }
            throw FeedParseError("The feed is not well-formed XML: \(error).")
        }
        let root = document.root
        if root.name.local == "feed", FeedNamespace.canonical(root.name.namespace) == FeedNamespace.atom {
            return atomDocument(ChildReader(root, document), now: now)
        }
        guard root.name.local == "rss" || root.name.local == "RDF" else { throw notAFeed(root.qualifiedName) }
        let rootReader = ChildReader(root, document)
        guard let channel = rootReader.first("", "channel") else {
            throw FeedParseError("The feed has no <channel> element.")
        }
        let channelReader = ChildReader(channel, document)
        var feed = FeedDocument(title: channelReader.line("", "title"), link: channelReader.text("", "link"), items: [])
        // RSS 2.0 has its items in the channel; RSS 1.0 beside it.
        for item in channelReader.all("", "item") + rootReader.all("", "item") {
            feed.items.append(record(ChildReader(item, document), now: now))
        }
        return feed
    }

    static func isFeedRootName(_ qualifiedName: String) -> Bool {
        let local = qualifiedName.split(separator: ":").last.map(String.init) ?? qualifiedName
        return local == "rss" || local == "RDF" || local == "feed"
    }

    static func notAFeed(_ rootName: String) -> FeedParseError {
        FeedParseError("The feed is neither RSS nor Atom: its root element is <\(rootName)>.")
    }

    static func record(_ item: ChildReader, now: Int) -> FeedRecord {
        let title = item.line("", "title") ?? item.line(FeedNamespace.itunes, "title") ?? "Untitled"
        let enclosure = item.all("", "enclosure").first { !($0.attribute("url")?.trimmingWhitespace().isEmpty ?? true) }
        let enclosureURL = enclosure?.attribute("url")?.trimmingWhitespace()
        var record = FeedRecord(guid: item.text("", "guid") ?? enclosureURL ?? title, title: title, firstSeen: now)
        let published = item.text("", "pubDate").flatMap(FeedDate.parse) ?? item.text(FeedNamespace.dublinCore, "date").flatMap(FeedDate.parse)
        let notes = item.markup(FeedNamespace.content, "encoded") ?? item.markup("", "description")
        addCommon(item, to: &record, published: published, notes: notes, enclosure: enclosure, enclosureURL: enclosureURL)
        return record
    }

    /// What RSS items and Atom entries share: series and number, season, date, show notes (else
    /// `itunes:summary`), the enclosure's length and type, and the iTunes, Podcasting 2.0 and
    /// Podlove extensions.
    static func addCommon(_ item: ChildReader, to record: inout FeedRecord, published: Int?, notes: String?,
                          enclosure: XMLReader.Element?, enclosureURL: String?) {
        let titled = Episode.seriesAndNumber(inTitle: record.title)
        record.series = titled.flatMap { $0.0.isEmpty ? nil : $0.0 }
        record.number = positiveInteger(item.text(FeedNamespace.itunes, "episode"), atMost: FeedRecord.maximumNumber)
            ?? titled.flatMap { $0.1 <= FeedRecord.maximumNumber ? $0.1 : nil }
        record.season = positiveInteger(item.text(FeedNamespace.itunes, "season"), atMost: FeedRecord.maximumNumber)
        if let published {
            record.published = published
            record.date = FeedDate.day(published)
        }
        record.notesHTML = notes ?? item.markup(FeedNamespace.itunes, "summary")
        record.enclosureURL = enclosureURL
        record.enclosureLength = positiveInteger(enclosure?.attribute("length"), atMost: FeedRecord.maximumLength)
        record.enclosureType = enclosure?.attribute("type").map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        record.duration = item.text(FeedNamespace.itunes, "duration").flatMap(duration)
        record.chaptersURL = item.all(FeedNamespace.podcast, "chapters").lazy.compactMap { element -> String? in
            guard let url = element.attribute("url")?.trimmingWhitespace(), !url.isEmpty else { return nil }
            if let type = element.attribute("type")?.lowercased(), !type.isEmpty, !type.contains("json") { return nil }
            return url
        }.first
        if let list = item.first(FeedNamespace.podlove, "chapters") {
            record.chapters = podloveChapters(ChildReader(list, item.document))
        }
    }

    static func podloveChapters(_ list: ChildReader) -> [FeedChapterRecord] {
        func nonEmpty(_ s: String?) -> String? {
            guard let s = s?.trimmingWhitespace(), !s.isEmpty else { return nil }
            return s
        }
        let chapters = list.all(FeedNamespace.podlove, "chapter").compactMap { element -> FeedChapterRecord? in
            guard let start = element.attribute("start").flatMap(normalPlayTime) else { return nil }
            return FeedChapterRecord(start: start, title: collapsed(element.attribute("title") ?? ""),
                                     url: nonEmpty(element.attribute("href")), image: nonEmpty(element.attribute("image")))
        }
        // Podlove requires them in order; a feed that is not gets them sorted (stably).
        return chapters.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
    }

    /// `itunes:duration`: "33:12", "1:02:03", "1992", "1992.5" → seconds (nil unless positive and
    /// at most `FeedRecord.maximumSeconds`).
    static func duration(_ text: String) -> Double? {
        guard let seconds = normalPlayTime(text), seconds > 0 else { return nil }
        return seconds
    }

    /// Normal Play Time as Podlove uses it: "HH:MM:SS(.mmm)", "MM:SS", or seconds; nil past
    /// `FeedRecord.maximumSeconds` (a time of 10^20 seconds is no time in an episode).
    static func normalPlayTime(_ text: String) -> Double? {
        var body = Substring(text.trimmingWhitespace())
        if body.hasPrefix("npt:") { body = body.dropFirst(4) }
        guard !body.isEmpty, body.count <= 32, let seconds = TimeFormat.parseClock(body), seconds.isFinite, seconds >= 0,
              seconds <= FeedRecord.maximumSeconds else { return nil }
        return seconds
    }

    /// A whole number from 1 to `limit` written in ASCII digits, else nil.
    static func positiveInteger(_ text: String?, atMost limit: Int) -> Int? {
        guard let text = text?.trimmingWhitespace(), !text.isEmpty, text.count <= 18,
              text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), value > 0, value <= limit else { return nil }
        return value
    }

    /// Blanks (newlines included) in runs made one space; trimmed.
    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// The child elements of one element, by namespace as `FeedNamespace` spells it ("" for RSS's own).
struct ChildReader {
    let element: XMLReader.Element
    let document: XMLReader.Document
    private let namespaces: [String]

    init(_ element: XMLReader.Element, _ document: XMLReader.Document) {
        self.element = element
        self.document = document
        namespaces = element.children.map {
            let uri = $0.name.namespace
            // No namespace wdfplay knows has a long URI: a long one is kept as it is, not hashed and
            // lowercased once per child (URI length × children: quadratic in the size of the feed).
            guard uri.utf8.count <= FeedNamespace.longestURI else { return uri }
            return FeedNamespace.core.contains(uri) ? "" : FeedNamespace.canonical(uri)
        }
    }

    func all(_ namespace: String, _ local: String) -> [XMLReader.Element] {
        element.children.indices.filter { namespaces[$0] == namespace && element.children[$0].name.local == local }
            .map { element.children[$0] }
    }

    func first(_ namespace: String, _ local: String) -> XMLReader.Element? {
        element.children.indices.first { namespaces[$0] == namespace && element.children[$0].name.local == local }
            .map { element.children[$0] }
    }

    /// The trimmed text of the first such child, nil when missing or blank.
    func text(_ namespace: String, _ local: String) -> String? {
        guard let text = first(namespace, local)?.text.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }

    /// Like `text`, with inner runs of blanks made one space (titles).
    func line(_ namespace: String, _ local: String) -> String? {
        text(namespace, local).map(RSSParser.collapsed)
    }

    /// The content of the first non-blank such child as HTML: its text, or — when the feed put
    /// unescaped markup in it — that markup as written.
    func markup(_ namespace: String, _ local: String) -> String? {
        for child in all(namespace, local) {
            let content = child.children.isEmpty ? child.text : document.source(of: child)
            let trimmed = content.trimmingWhitespace()
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }
}
