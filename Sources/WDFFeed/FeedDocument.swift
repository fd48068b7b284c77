import WDFCore
import WDFStore

/// A podcast feed as read: the channel's title and link, and one record per `<item>` in feed order.
public struct FeedDocument: Sendable, Equatable {
    public var title: String?
    public var link: String?
    public var items: [FeedRecord]

    public init(title: String? = nil, link: String? = nil, items: [FeedRecord] = []) {
        self.title = title
        self.link = link
        self.items = items
    }
}

/// Why bytes are not a feed wdfplay can read, in one sentence: "The feed is not RSS: its root
/// element is <html>.", "The feed is not well-formed XML: line 3, column 9: …."
public struct FeedParseError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
