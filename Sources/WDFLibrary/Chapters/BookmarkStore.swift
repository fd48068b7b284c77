import Glibc
import WDFCore
import WDFPlatform
import WDFStore

/// The listener's own bookmarks (`wdfctl mark [TITLE]`, `wdfctl unmark N`), per episode.
///
/// One small JSON file (`bookmarks.json`) in the state directory, replaced atomically on every
/// save, like `ResumeStore`'s `positions.json`:
/// `{"version":1,"episodes":{"/path/ep.mp3":[{"title":"Map","position":754.2,"created":1706700000}]}}`.
/// A damaged file is moved aside (`bookmarks.json.damaged-<time>`) with a warning; never fatal.
/// Each episode's bookmarks are kept in order of position; numbers are 1-based in that order.
public struct BookmarkStore: Sendable, Equatable {
    public struct Bookmark: Sendable, Equatable {
        /// As the listener typed it (trimmed); may be empty.
        public var title: String
        /// Seconds from the start of the audio.
        public var position: Double
        /// Seconds since the Unix epoch.
        public var created: Int

        public init(title: String, position: Double, created: Int) {
            self.title = title
            self.position = position
            self.created = created
        }

        /// The chapter title it shows as: its title, else "Bookmark at 12:34".
        public var displayTitle: String {
            title.isEmpty ? "Bookmark at \(TimeFormat.clock(position))" : title
        }
    }

    public static let formatVersion = 1
    /// More bookmarks than this in one episode are refused (`add` returns nil).
    public static let maximumPerEpisode = 1_000
    public let file: String
    public private(set) var episodes: [String: [Bookmark]] = [:]
    public private(set) var isDirty = false

    /// An empty store that saves into `directory`.
    public init(directory: String) {
        file = directory + "/bookmarks.json"
    }

    /// The store saved in `directory`. A missing file is an empty store. A damaged or unknown
    /// one is moved aside (whatever could be read is kept) and `warning` says so in a sentence.
    public static func load(directory: String) -> (store: BookmarkStore, warning: String?) {
        var store = BookmarkStore(directory: directory)
        let warning = store.load()
        return (store, warning)
    }

    private mutating func load() -> String? {
        let json: JSON
        switch StateFile.read(file, formatVersion: BookmarkStore.formatVersion) {
        case .missing:
            return nil
        case let .unreadable(reason):
            return "Cannot read bookmarks: \(reason)."
        case let .damaged(_, reason):
            return setAside(reason)
        case let .newer(newer, version):
            let note = setAside("it was written by a newer wdfplay (format \(version))")
            _ = absorb(newer)
            return note
        case let .current(current):
            json = current
        }
        let dropped = absorb(json)
        guard dropped == 0 else {
            isDirty = true
            return "\(dropped) bookmark(s) in \(file) could not be read and will be dropped at the next save."
        }
        return nil
    }

    /// Takes the episodes' bookmarks from `json`; returns how many entries were unusable.
    private mutating func absorb(_ json: JSON) -> Int {
        guard case let .object(pairs)? = json["episodes"] else { return json["episodes"] == nil ? 0 : 1 }
        var dropped = 0
        for (path, value) in pairs {
            guard let entries = value.arrayValue else { dropped += 1; continue }
            var marks: [Bookmark] = episodes[path] ?? []
            for entry in entries {
                guard let position = entry["position"]?.doubleValue, MediaTime.isValid(position),
                      marks.count < BookmarkStore.maximumPerEpisode else { dropped += 1; continue }
                marks.append(Bookmark(title: ChapterSources.cleanTitle(entry["title"]?.stringValue ?? ""),
                                      position: position, created: entry["created"]?.intValue ?? 0))
            }
            if !marks.isEmpty { episodes[path] = Self.ordered(marks) }
        }
        return dropped
    }

    private mutating func setAside(_ why: String) -> String {
        isDirty = true
        return StateFile.setAside(file, what: "Bookmarks", why: why)
    }

    /// Adds a bookmark at `position` in the episode at `path` and returns its number among the
    /// episode's bookmarks (1-based, by position; after any other at the same position). nil
    /// when `position` is not a time (negative, not finite, past `MediaTime.maximum`) or the episode already has
    /// `maximumPerEpisode` bookmarks.
    @discardableResult
    public mutating func add(path: String, title: String, position: Double) -> Int? {
        guard MediaTime.isValid(position) else { return nil }
        var marks = episodes[path] ?? []
        guard marks.count < BookmarkStore.maximumPerEpisode else { return nil }
        let at = marks.firstIndex { $0.position > position } ?? marks.endIndex
        marks.insert(Bookmark(title: ChapterSources.cleanTitle(title), position: position, created: Int(time(nil))), at: at)
        episodes[path] = marks
        isDirty = true
        return at + 1
    }

    /// Removes the episode's bookmark `number` (1-based, as `bookmarks(for:)` lists them) and
    /// returns it; nil when there is no such bookmark.
    @discardableResult
    public mutating func remove(path: String, number: Int) -> Bookmark? {
        guard var marks = episodes[path], number >= 1, number <= marks.count else { return nil }
        let removed = marks.remove(at: number - 1)
        episodes[path] = marks.isEmpty ? nil : marks
        isDirty = true
        return removed
    }

    /// Removes the episode's first bookmark at `position` (within a millisecond) and returns it:
    /// for removing the bookmark shown as a row of the merged chapter list, whose numbering
    /// differs from the bookmarks' own. nil when there is none there.
    @discardableResult
    public mutating func remove(path: String, position: Double) -> Bookmark? {
        guard let marks = episodes[path], let i = marks.firstIndex(where: { abs($0.position - position) < 0.001 }) else { return nil }
        return remove(path: path, number: i + 1)
    }

    /// The episode's bookmarks, by position.
    public func entries(for path: String) -> [Bookmark] { episodes[path] ?? [] }

    /// The episode's bookmarks as chapters (origin `.bookmark`), by position, for
    /// `ChapterSources.merged`.
    public func bookmarks(for path: String) -> [SourcedChapter] {
        entries(for: path).map { SourcedChapter(Chapter(title: $0.displayTitle, start: $0.position), origin: .bookmark) }
    }

    /// Writes the store if it changed. `durable` also fsyncs.
    public mutating func save(durable: Bool) throws(SystemError) {
        guard isDirty else { return }
        try StateFile.write(file, serialized, durable: durable)
        isDirty = false
    }

    var serialized: String {
        let entries: [(String, JSON)] = episodes.keys.sorted().map { path in
            (path, .array(episodes[path, default: []].map { mark in
                ["title": .string(mark.title), "position": .number(mark.position), "created": .number(Double(mark.created))]
            }))
        }
        let json: JSON = ["version": .number(Double(BookmarkStore.formatVersion)), "episodes": .object(entries)]
        return json.serialized + "\n"
    }

    /// By position, keeping the given order among equal positions.
    private static func ordered(_ marks: [Bookmark]) -> [Bookmark] {
        marks.enumerated().sorted { a, b in
            a.element.position != b.element.position ? a.element.position < b.element.position : a.offset < b.offset
        }.map(\.element)
    }
}
