import WDFCore

/// `unmark`: `{removed, chapters_count, bookmarks_count}`.
public struct UnmarkReply: Sendable, Equatable {
    public var removed: ChapterInfo
    public var counts: BookmarkCounts

    public init(removed: ChapterInfo, counts: BookmarkCounts) {
        self.removed = removed
        self.counts = counts
    }

    public var json: JSON { .object([("removed", removed.json)] + counts.pairs) }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "unmark reply")
        self.init(removed: try f.object("removed", ChapterInfo.init(json:)), counts: try BookmarkCounts(f))
    }
}
