import WDFCore

/// `mark`: `{chapter, chapters_count, bookmarks_count}`, `chapter` the new bookmark (null in the
/// unlikely case it cannot be listed).
public struct MarkReply: Sendable, Equatable {
    public var chapter: ChapterInfo?
    public var counts: BookmarkCounts

    public init(chapter: ChapterInfo?, counts: BookmarkCounts) {
        self.chapter = chapter
        self.counts = counts
    }

    public var json: JSON { .object([("chapter", chapter?.json ?? .null)] + counts.pairs) }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "mark reply")
        self.init(chapter: try f.optionalObject("chapter", ChapterInfo.init(json:)), counts: try BookmarkCounts(f))
    }
}
