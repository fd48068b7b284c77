import WDFCore

/// An episode's chapters with their effective spans, and the navigation listeners expect.
public struct ChapterList: Sendable, Equatable {
    public struct Span: Sendable, Equatable {
        /// 1-based.
        public var number: Int
        public var title: String
        public var start: Double
        public var end: Double
        /// Where it came from (a bookmark is the listener's own).
        public var origin: ChapterOrigin
        public var description: String?
        public var url: String?
        public var image: String?

        public var isBookmark: Bool { origin == .bookmark }
        public var length: Double { end - start }
    }

    public private(set) var spans: [Span]

    /// `prev` within this many seconds of a chapter's start goes to the chapter before.
    public static let previousGrace = 5.0

    /// Chapters in the given order; each ends at its own end, else at the next chapter's start,
    /// else at `duration`. Chapters starting past the end of the audio are dropped.
    public init(_ chapters: [Chapter], duration: Double?) {
        self.init(sourced: chapters.map { SourcedChapter($0, origin: .id3) }, duration: duration)
    }

    /// The navigable list from merged sources: markers (`listed == false`) are left out; a
    /// bookmark ends where the next entry starts, so it splits the chapter it falls in.
    public init(sourced: [SourcedChapter], duration: Double?) {
        let total = duration ?? .infinity
        var spans: [Span] = []
        let usable = sourced.filter { $0.listed && MediaTime.isValid($0.chapter.start) && $0.chapter.start < total }
        for (i, item) in usable.enumerated() {
            let chapter = item.chapter
            let next = i + 1 < usable.count ? usable[i + 1].chapter.start : total
            var end = chapter.end.map { min($0, total) } ?? next
            if item.origin == .bookmark || (i + 1 < usable.count && usable[i + 1].origin == .bookmark && next > chapter.start) {
                end = min(end, next)
            }
            if end <= chapter.start { end = next > chapter.start ? next : total }
            spans.append(Span(number: spans.count + 1, title: chapter.title, start: chapter.start, end: end, origin: item.origin,
                              description: item.description, url: item.url, image: item.image))
        }
        self.spans = spans
    }

    public var count: Int { spans.count }
    public var isEmpty: Bool { spans.isEmpty }

    /// The chapter heard at `position`: the last one (in list order) that has begun and not ended;
    /// nil before the first chapter or when there are none.
    public func current(at position: Double) -> Span? {
        var best: Span?
        for span in spans where span.start <= position + 0.0005 && position < span.end {
            if best == nil || span.start >= best!.start { best = span }
        }
        return best
    }

    public func span(number: Int) -> Span? {
        guard number >= 1, number <= spans.count else { return nil }
        return spans[number - 1]
    }

    /// The chapter after the current one (or the first one starting after `position`).
    public func next(after position: Double) -> Span? {
        if let current = current(at: position) { return span(number: current.number + 1) }
        return spans.first { $0.start > position }
    }

    /// Within the first `previousGrace` seconds of a chapter: the chapter before; else the start
    /// of the current chapter.
    public func previous(from position: Double) -> Span? {
        guard let current = current(at: position) else { return spans.last { $0.start < position } }
        if position - current.start < ChapterList.previousGrace {
            return span(number: current.number - 1) ?? current
        }
        return current
    }

    /// The listener's bookmarks as spans of their own, beside the episode's chapters (which they
    /// neither split nor renumber): numbered 1… by position (as `BookmarkStore` keeps them); each
    /// lasts until the next chapter or bookmark that starts after it, else the end of the audio.
    /// Bookmarks at or past the end of the audio are left out; `marks` by position, they are the
    /// last ones, so the numbers shown run 1…n and ★N is the store's bookmark N (`unmark N`).
    public static func bookmarks(_ marks: [BookmarkStore.Bookmark], chapters: ChapterList, duration: Double?) -> [Span] {
        let total = duration ?? .infinity
        let starts = (chapters.spans.map(\.start) + marks.map(\.position)).sorted()
        var spans: [Span] = []
        for (i, mark) in marks.enumerated() where lists(bookmarkAt: mark.position, duration: duration) {
            let end = starts.first { $0 > mark.position + 0.0005 }.map { min($0, total) } ?? total
            spans.append(Span(number: i + 1, title: mark.displayTitle, start: mark.position, end: end, origin: .bookmark))
        }
        return spans
    }

    /// Whether a bookmark at `position` is listed (`bookmarks`): one at or past the end of the
    /// audio is not. `mark` refuses to make one that would not be.
    public static func lists(bookmarkAt position: Double, duration: Double?) -> Bool {
        position.isFinite && position >= 0 && position < (duration ?? .infinity)
    }

    /// Every chapter start, for the player to watch.
    public var boundaries: [Double] { spans.map(\.start) + spans.map(\.end).filter(\.isFinite) }
}
