import WDFCore
import WDFStore

/// Atom (RFC 4287) podcast feeds, which a few hosts publish instead of RSS.
///
/// Per `<entry>`: the title; the guid (`<id>`, else the enclosure URL, else the title); the date
/// (`published`, else `updated`, ISO 8601); the show notes (`content`, else `summary`: HTML and
/// XHTML as they are, plain text escaped); the enclosure (`<link rel="enclosure" href=…
/// length=… type=…>`); and everything RSS items may carry besides (`itunes:episode`,
/// `itunes:duration`, Podcasting 2.0 and Podlove chapters), read the same way.
extension RSSParser {
    static func atomDocument(_ feed: ChildReader, now: Int) -> FeedDocument {
        let atom = FeedNamespace.atom
        let page = feed.all(atom, "link").first { ($0.attribute("rel") ?? "alternate") == "alternate" }
        var document = FeedDocument(title: feed.line(atom, "title"), link: page?.attribute("href")?.trimmingWhitespace(), items: [])
        for entry in feed.all(atom, "entry") {
            document.items.append(atomRecord(ChildReader(entry, feed.document), now: now))
        }
        return document
    }

    static func atomRecord(_ entry: ChildReader, now: Int) -> FeedRecord {
        let atom = FeedNamespace.atom
        let title = entry.line(atom, "title") ?? entry.line(FeedNamespace.itunes, "title") ?? "Untitled"
        let enclosure = entry.all(atom, "link").first {
            $0.attribute("rel")?.trimmingWhitespace() == "enclosure" && !($0.attribute("href")?.trimmingWhitespace().isEmpty ?? true)
        }
        let enclosureURL = enclosure?.attribute("href")?.trimmingWhitespace()
        var record = FeedRecord(guid: entry.text(atom, "id") ?? enclosureURL ?? title, title: title, firstSeen: now)
        let published = entry.text(atom, "published").flatMap(FeedDate.parse) ?? entry.text(atom, "updated").flatMap(FeedDate.parse)
        let notes = atomText(entry, "content") ?? atomText(entry, "summary")
        addCommon(entry, to: &record, published: published, notes: notes, enclosure: enclosure, enclosureURL: enclosureURL)
        return record
    }

    /// An Atom text construct as HTML: `type="html"` and `"xhtml"` as they are; text (the
    /// default) escaped, its line breaks kept.
    static func atomText(_ entry: ChildReader, _ local: String) -> String? {
        guard let element = entry.first(FeedNamespace.atom, local) else { return nil }
        let type = element.attribute("type")?.trimmingWhitespace().lowercased() ?? "text"
        if type == "html" || type == "xhtml" || type.hasSuffix("html") { return entry.markup(FeedNamespace.atom, local) }
        let text = element.text.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        var html = ""
        for character in text {
            switch character {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\n", "\r\n": html += "<br>"
            default: html.append(character)
            }
        }
        return html
    }
}
