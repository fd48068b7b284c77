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

/// The replies of one field: `subscribe`/`unsubscribe` `{subscribed}`, `ping` `{pong, version}`,
/// `quit` `{quitting}`, `reload` `{reloaded: PATH}`.
public enum SmallReply: Sendable, Equatable {
    case subscribed(Bool)
    case pong(version: String)
    case quitting
    case reloaded(path: String)

    public var json: JSON {
        switch self {
        case let .subscribed(on): ["subscribed": .bool(on)]
        case let .pong(version): ["pong": true, "version": .string(version)]
        case .quitting: ["quitting": true]
        case let .reloaded(path): ["reloaded": .string(path)]
        }
    }

    /// The reader, for the reply to `command`.
    public init(json: JSON, command: Command) throws(WireError) {
        let f = try ObjectReader(json, "\(command.name) reply")
        switch command {
        case .subscribe, .unsubscribe: self = .subscribed(try f.bool("subscribed"))
        case .ping: self = .pong(version: try f.string("version"))
        case .quit: self = .quitting
        case .reload: self = .reloaded(path: try f.string("reloaded"))
        default: throw WireError("bad_reply", "\(command.name) has no one-field reply.")
        }
    }
}
