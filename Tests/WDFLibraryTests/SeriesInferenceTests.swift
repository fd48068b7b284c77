import Glibc
import Testing
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFStore
import WDFTestSupport

@Suite("Which series a number from a track or a file name belongs to")
struct SeriesInferenceTests {
    static func entry(_ path: String, title: String, series: String? = nil, number: Int?, source: Episode.NumberSource?,
                      album: String? = nil) -> CatalogEntry {
        CatalogEntry(path: path, size: 1, mtime: 1, title: title, album: album, series: series, number: number, numberSource: source)
    }

    @Test func nameThenNeighboursThenFolderThenAlbum() {
        let entries = [
            Self.entry("/l/a.mp3", title: "Korean War #1: A", series: "Korean War", number: 1, source: .title),
            Self.entry("/l/Korean War 09 - Untagged.mp3", title: "Korean War 09 - Untagged", number: 9, source: .fileName),
            Self.entry("/l/t.mp3", title: "Partition", series: "WDF Podcast", number: 2, source: .track, album: "WDF Podcast"),
            Self.entry("/m/cw1.mp3", title: "Cold War #1: Yalta", series: "Cold War", number: 1, source: .title),
            Self.entry("/n/Cold War/2.mp3", title: "Berlin", number: 2, source: .track),
            Self.entry("/o/x.mp3", title: "Other", series: "Other Album", number: 3, source: .track, album: "Other Album"),
            Self.entry("/p/Korean Warfare 04.mp3", title: "Korean Warfare 04", number: 4, source: .fileName),
            Self.entry("/q/unnumbered.mp3", title: "Korean War special", number: nil, source: nil),
        ]
        let series = SeriesInference.assign(entries).map(\.series)
        #expect(series == ["Korean War", "Korean War", "Korean War", "Cold War", "Cold War", "Other Album", nil, nil])
    }

    @Test func nothingKnownChangesNothing() {
        let entries = [Self.entry("/l/t.mp3", title: "Partition", series: "WDF", number: 2, source: .track, album: "WDF")]
        #expect(SeriesInference.assign(entries) == entries)
        // A series only the feed knows counts.
        let named = [Self.entry("/l/Korean War 05.mp3", title: "Korean War 05", number: 5, source: .fileName)]
        #expect(SeriesInference.assign(named, feedSeries: ["Korean War"]).first?.series == "Korean War")
    }

    @Test func aFileDownloadedForAFeedItemIsThatItem() {
        let stale = Self.entry("/l/20.mp3", title: "Korean War #13: Thirteen", series: "Korean War", number: 13, source: .title)
        let real = Self.entry("/l/13.mp3", title: "Korean War #13: Thirteen", series: "Korean War", number: 13, source: .title)
        let twenty = FeedRecord(guid: "kw-20", title: "Korean War #20: Twenty", series: "Korean War", number: 20, file: "/l/20.mp3")
        let thirteen = FeedRecord(guid: "kw-13", title: "Korean War #13: Thirteen", series: "Korean War", number: 13)
        let items = CatalogItem.merge(entries: [stale, real], feed: [thirteen, twenty])
        #expect(items.map(\.number) == [13, 20], "\(items)")
        #expect(items.first { $0.number == 20 }?.path == "/l/20.mp3")
        #expect(items.first { $0.number == 13 }?.path == "/l/13.mp3")
        #expect(items.first { $0.number == 13 }?.feed?.guid == "kw-13")
    }
}

@Suite("Bookmarks beside the chapters")
struct BookmarkSpanTests {
    @Test func lengthsRunToTheNextStartAfterThem() {
        let chapters = ChapterList([Chapter(title: "A", start: 0), Chapter(title: "B", start: 5), Chapter(title: "C", start: 10)], duration: 30)
        let marks = [BookmarkStore.Bookmark(title: "", position: 0, created: 0), BookmarkStore.Bookmark(title: "", position: 0, created: 0),
                     BookmarkStore.Bookmark(title: "x", position: 7, created: 0), BookmarkStore.Bookmark(title: "end", position: 12, created: 0),
                     BookmarkStore.Bookmark(title: "past", position: 31, created: 0)]
        let spans = ChapterList.bookmarks(marks, chapters: chapters, duration: 30)
        #expect(spans.map(\.number) == [1, 2, 3, 4])
        #expect(spans.map(\.end) == [5, 5, 10, 30])
        #expect(spans.allSatisfy { $0.isBookmark })
        #expect(chapters.spans.map(\.number) == [1, 2, 3])
    }

    /// A bookmark at the very end of the audio, or past it (the file was downloaded again,
    /// shorter), is not shown; the shown ones are still ★1…★n, and ★N is the store's bookmark N
    /// (`unmark N` removes it). From a file whose entries are not in time order, as a stranger's may be.
    @Test func aBookmarkPastTheEndLeavesNoGapInTheNumbers() throws {
        let dir = TemporaryDirectory.make("bookmark-numbers")
        defer { unlink(dir + "/bookmarks.json"); rmdir(dir) }
        let file = #"{"version":1,"episodes":{"/a.mp3":[{"title":"A","position":5},{"title":"past","position":999},"#
            + #"{"title":"at the end","position":30},{"title":"B","position":20},{"title":"C","position":29.5}]}}"#
        try FileSystem.writeAtomically(dir + "/bookmarks.json", Array(file.utf8), durable: false)
        let loaded = BookmarkStore.load(directory: dir)
        #expect(loaded.warning == nil)
        var store = loaded.store
        let chapters = ChapterList([Chapter(title: "One", start: 0), Chapter(title: "Two", start: 10)], duration: 30)
        let spans = ChapterList.bookmarks(store.entries(for: "/a.mp3"), chapters: chapters, duration: 30)
        #expect(spans.map(\.number) == [1, 2, 3], "\(spans)")
        #expect(spans.map(\.title) == ["A", "B", "C"], "\(spans)")
        // ★2 as shown is what the store removes as number 2.
        #expect(store.remove(path: "/a.mp3", number: 2)?.title == "B")
        #expect(store.entries(for: "/a.mp3").map(\.title) == ["A", "C", "at the end", "past"])
        let after = ChapterList.bookmarks(store.entries(for: "/a.mp3"), chapters: chapters, duration: 30)
        #expect(after.map(\.number) == [1, 2] && after.map(\.title) == ["A", "C"], "\(after)")
    }
}

@Suite("Next, with played marks")
struct NextEpisodeTests {
    static let items = (1...5).map { EpisodeResolverTests.item("Korean War #\($0): Part \($0)") }

    func resolver(last: String?, _ records: [String: ResumeStore.Record]) -> EpisodeResolver {
        EpisodeResolver(items: Self.items, currentSeries: nil, lastKey: last, records: records)
    }

    func key(_ n: Int) -> String { Self.items[n - 1].storeKey }

    @Test func marksCountAsTouchedAndPlayedOnesAreSkipped() {
        let played = ResumeStore.Record(position: 0, duration: 60, finished: false, played: true, updated: 100)
        // Nothing heard, #1 and #2 marked: #3.
        var resolution = resolver(last: nil, [key(1): played, key(2): played]).resolve(.next)
        #expect(resolution == .found(Self.items[2]))
        // #1 heard last, #2 and #3 marked earlier: #4.
        var heard = ResumeStore.Record(position: 10, duration: 60, finished: false, updated: 200)
        heard.played = false
        resolution = resolver(last: key(1), [key(1): heard, key(2): played, key(3): played]).resolve(.next)
        #expect(resolution == .found(Self.items[3]))
        // Words and a number when no series has the words' name: the titles.
        let words = resolver(last: nil, [:]).resolve(.number(2, series: "part"))
        #expect(words == .found(Self.items[1]))
    }
}
