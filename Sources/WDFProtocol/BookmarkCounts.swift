import WDFCore

/// `chapters_count` and `bookmarks_count` of the episode in play: the `chapters` event, and the
/// tail of the `mark` and `unmark` replies.
public struct BookmarkCounts: Sendable, Equatable {
    public var chapters: Int
    public var bookmarks: Int

    public init(chapters: Int, bookmarks: Int) {
        self.chapters = chapters
        self.bookmarks = bookmarks
    }

    var pairs: [(String, JSON)] { [("chapters_count", .count(chapters)), ("bookmarks_count", .count(bookmarks))] }
    public var json: JSON { .object(pairs) }

    public init(json: JSON) throws(WireError) { try self.init(ObjectReader(json, "bookmark counts")) }

    init(_ f: ObjectReader) throws(WireError) {
        self.init(chapters: try f.int("chapters_count"), bookmarks: try f.int("bookmarks_count"))
    }
}
