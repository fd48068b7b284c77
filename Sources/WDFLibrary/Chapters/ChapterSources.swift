import WDFCore
import WDFStore

/// The chapter sources in order of precedence, and the one list an episode gets from them.
///
/// `all` is the registry: embedded tag > sidecar JSON > CUE sheet > feed > show notes. The first
/// source (in this order) that yields at least one listed chapter wins; the listener's bookmarks
/// are merged into whatever list wins.
///
/// ## The feed
/// `FeedChapterSource` needs the episode's feed item, so the registry is built per episode:
/// `all(feed:cacheDirectory:)`. Sources never touch the network: the feed tool stores Podlove
/// chapters in the feed store at `wdfctl sync` and fetches a `podcast:chapters` file into the
/// cache at download time.
public enum ChapterSources {
    /// The registry, by precedence, for an episode the feed does not know.
    public static let all: [any ChapterSource] = all(feed: nil, cacheDirectory: "")

    /// The registry, by precedence, for an episode whose feed item is `feed`.
    public static func all(feed: FeedRecord?, cacheDirectory: String) -> [any ChapterSource] {
        [
            ID3ChapterSource(),
            PodcastJSONChapterSource(),
            CUESheetChapterSource(),
            FeedChapterSource(record: feed, cacheDirectory: cacheDirectory),
            ShowNotesChapterSource(feedNotes: feed?.notesHTML),
        ]
    }

    /// Longest title kept; longer ones are cut (with "…").
    public static let maximumTitleLength = 500

    /// The episode's chapters: those of the first source in `sources` that yields at least one
    /// listed chapter (after the clean-up below), with `bookmarks` merged in by start (a bookmark
    /// at the same start as a chapter goes after it). `origin` is the winning source's (nil when
    /// none had chapters: then the list is the bookmarks alone). Sources after the winner are not
    /// consulted. `problems` holds one sentence per source that was present but broken; such a
    /// source never stops the others.
    ///
    /// Clean-up of every chapter, the bookmarks' too: starts that are not finite or negative, and
    /// starts at or past `duration` (when known), are dropped; an end that is not after the start
    /// (or not finite) is removed (end = nil), one past `duration` becomes `duration`; titles
    /// are trimmed, control characters become spaces, titles longer than `maximumTitleLength`
    /// are cut, and empty ones become "Chapter N" (N: its number among the listed entries).
    public static func merged(
        forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?, bookmarks: [SourcedChapter],
        sources: [any ChapterSource] = ChapterSources.all
    ) -> (chapters: [SourcedChapter], origin: ChapterOrigin?, problems: [String]) {
        var problems: [String] = []
        var winner: [SourcedChapter] = []
        var origin: ChapterOrigin?
        for source in sources {
            let found: [SourcedChapter]
            do {
                found = try source.chapters(forAudioAt: audioPath, tag: tag, duration: duration)
            } catch {
                problems.append(error.description)
                continue
            }
            let usable = cleaned(found, duration: duration)
            if usable.contains(where: \.listed) {
                winner = usable
                origin = type(of: source).origin
                break
            }
        }
        let marks = sortedByStart(cleaned(bookmarks, duration: duration))
        return (numberingUntitled(insert(marks, into: winner)), origin, problems)
    }

    /// `bookmarks` (sorted) placed into `chapters`, each before the first chapter that starts
    /// after it: the chapters keep their source's order, and a bookmark follows a chapter with
    /// the same start.
    static func insert(_ bookmarks: [SourcedChapter], into chapters: [SourcedChapter]) -> [SourcedChapter] {
        guard !bookmarks.isEmpty else { return chapters }
        var result = chapters
        result.reserveCapacity(chapters.count + bookmarks.count)
        var searchFrom = 0
        for mark in bookmarks {
            // Bookmarks are sorted, so each goes at or after the previous one.
            let at = result[searchFrom...].firstIndex { $0.chapter.start > mark.chapter.start } ?? result.endIndex
            result.insert(mark, at: at)
            searchFrom = at + 1
        }
        return result
    }

    /// The clean-up `merged` applies (titles are numbered afterwards, by `numberingUntitled`).
    static func cleaned(_ chapters: [SourcedChapter], duration: Double?) -> [SourcedChapter] {
        let total = duration.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        return chapters.compactMap { item in
            var item = item
            let start = item.chapter.start
            guard MediaTime.isValid(start) else { return nil }
            if let total, start >= total { return nil }
            if let end = item.chapter.end {
                if !MediaTime.isValid(end) || end <= start {
                    item.chapter.end = nil
                } else if let total, end > total {
                    item.chapter.end = total
                }
            }
            item.chapter.title = cleanTitle(item.chapter.title)
            return item
        }
    }

    /// Control characters (line ends, tabs, NUL …) become spaces; trimmed; cut to
    /// `maximumTitleLength` characters.
    static func cleanTitle(_ title: String) -> String {
        var text = title
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            text = String(String.UnicodeScalarView(text.unicodeScalars.map {
                $0.properties.generalCategory == .control ? " " : $0
            }))
        }
        text = text.trimmingWhitespace()
        if text.utf8.count > maximumTitleLength, text.count > maximumTitleLength {
            text = String(text.prefix(maximumTitleLength - 1)).trimmingWhitespace() + "…"
        }
        return text
    }

    /// Empty titles become "Chapter N", N being the chapter's 1-based place among the listed
    /// entries of `chapters` (the number navigation shows); untitled markers become "Marker".
    static func numberingUntitled(_ chapters: [SourcedChapter]) -> [SourcedChapter] {
        guard chapters.contains(where: { $0.chapter.title.isEmpty }) else { return chapters }
        var result = chapters
        var number = 0
        for i in result.indices {
            if result[i].listed { number += 1 }
            guard result[i].chapter.title.isEmpty else { continue }
            result[i].chapter.title = result[i].listed ? "Chapter \(number)" : "Marker"
        }
        return result
    }

    /// `chapters` ordered by start, keeping their order among equal starts.
    static func sortedByStart(_ chapters: [SourcedChapter]) -> [SourcedChapter] {
        var sorted = true
        for (a, b) in zip(chapters, chapters.dropFirst()) where b.chapter.start < a.chapter.start {
            sorted = false
            break
        }
        if sorted { return chapters }
        return chapters.enumerated().sorted { a, b in
            a.element.chapter.start != b.element.chapter.start
                ? a.element.chapter.start < b.element.chapter.start : a.offset < b.offset
        }.map(\.element)
    }
}
