import Glibc
import Testing
@testable import WDFCore
import WDFTestSupport
@testable import WDFPlatform
@testable import WDFLibrary

@Suite("Chapter sources: bookmarks")
struct ChapterSourceBookmarkTests {
    func temporaryDirectory() -> String { TemporaryDirectory.make("bookmarks") }

    @Test func roundTrip() throws {
        let dir = temporaryDirectory()
        var store = BookmarkStore(directory: dir)
        #expect(store.add(path: "/a.mp3", title: "  Map of Korea ", position: 754.25) == 1)
        #expect(store.add(path: "/a.mp3", title: "", position: 60) == 1)
        #expect(store.add(path: "/a.mp3", title: "Same place", position: 60) == 2)
        #expect(store.add(path: "/b \"quoted\".mp3", title: "Ünïcode\nline", position: 1) == 1)
        #expect(store.add(path: "/a.mp3", title: "bad", position: .nan) == nil)
        #expect(store.add(path: "/a.mp3", title: "bad", position: -1) == nil)
        try store.save(durable: true)
        #expect(!store.isDirty)

        let (again, warning) = BookmarkStore.load(directory: dir)
        #expect(warning == nil)
        #expect(again.episodes == store.episodes)
        #expect(again.bookmarks(for: "/a.mp3") == [
            SourcedChapter(Chapter(title: "Bookmark at 1:00", start: 60), origin: .bookmark),
            SourcedChapter(Chapter(title: "Same place", start: 60), origin: .bookmark),
            SourcedChapter(Chapter(title: "Map of Korea", start: 754.25), origin: .bookmark),
        ])
        #expect(again.entries(for: "/b \"quoted\".mp3").map(\.title) == ["Ünïcode line"])
        #expect(again.bookmarks(for: "/never.mp3").isEmpty)
        #expect(FileSystem.names(in: dir) == ["bookmarks.json"])  // no temporary file left
        unlink(dir + "/bookmarks.json")
        rmdir(dir)
    }

    @Test func removeByNumber() {
        var store = BookmarkStore(directory: "/nonexistent")
        store.add(path: "/a.mp3", title: "Two", position: 20)
        store.add(path: "/a.mp3", title: "One", position: 10)
        #expect(store.remove(path: "/a.mp3", number: 3) == nil)
        #expect(store.remove(path: "/a.mp3", number: 0) == nil)
        #expect(store.remove(path: "/b.mp3", number: 1) == nil)
        #expect(store.remove(path: "/a.mp3", number: 1)?.title == "One")
        #expect(store.entries(for: "/a.mp3").map(\.title) == ["Two"])
        #expect(store.remove(path: "/a.mp3", position: 19.5) == nil)
        #expect(store.remove(path: "/a.mp3", position: 20.0004)?.title == "Two")
        #expect(store.episodes.isEmpty)
        #expect(store.isDirty)
    }

    @Test func missingFileIsAnEmptyStore() {
        let (store, warning) = BookmarkStore.load(directory: "/nonexistent/state")
        #expect(warning == nil)
        #expect(store.episodes.isEmpty)
    }

    @Test func damagedFileIsSetAsideNotFatal() throws {
        let dir = temporaryDirectory()
        let file = dir + "/bookmarks.json"
        try FileSystem.writeAtomically(file, Array(#"{"version":1,"episodes":{"/a.mp3":[{"title":"x","posi"#.utf8), durable: false)
        var (store, warning) = BookmarkStore.load(directory: dir)
        let sentence = try #require(warning)
        #expect(sentence.hasPrefix("Bookmarks in \(file) could not be used: it is not valid JSON"))
        #expect(sentence.contains("moved to \(file).damaged-"))
        #expect(!FileSystem.exists(file))
        #expect(names(in: dir).filter { $0.hasPrefix("bookmarks.json.damaged-") }.count == 1)
        // The store works and the next save writes a good file.
        store.add(path: "/a.mp3", title: "Fresh", position: 3)
        try store.save(durable: false)
        let (again, second) = BookmarkStore.load(directory: dir)
        #expect(second == nil)
        #expect(again.entries(for: "/a.mp3").map(\.title) == ["Fresh"])
        removeAll(dir)
    }

    @Test func unusableEntriesAreDroppedWithAWarning() throws {
        let dir = temporaryDirectory()
        let text = #"{"version":1,"episodes":{"/a.mp3":[{"title":"ok","position":5},{"title":"no position"},{"position":-3}],"/b.mp3":7}}"#
        try FileSystem.writeAtomically(dir + "/bookmarks.json", Array(text.utf8), durable: false)
        let (store, warning) = BookmarkStore.load(directory: dir)
        #expect(warning == "3 bookmark(s) in \(dir)/bookmarks.json could not be read and will be dropped at the next save.")
        #expect(store.entries(for: "/a.mp3").map(\.title) == ["ok"])
        #expect(store.isDirty)
        removeAll(dir)
    }

    @Test func newerFormatIsSetAsideButRead() throws {
        let dir = temporaryDirectory()
        let text = #"{"version":9,"episodes":{"/a.mp3":[{"title":"kept","position":5,"created":1}]}}"#
        try FileSystem.writeAtomically(dir + "/bookmarks.json", Array(text.utf8), durable: false)
        let (store, warning) = BookmarkStore.load(directory: dir)
        #expect(warning?.contains("newer wdfplay (format 9)") == true)
        #expect(store.entries(for: "/a.mp3") == [BookmarkStore.Bookmark(title: "kept", position: 5, created: 1)])
        removeAll(dir)
    }

    @Test func perEpisodeLimit() {
        var store = BookmarkStore(directory: "/nonexistent")
        for i in 0..<BookmarkStore.maximumPerEpisode { store.add(path: "/a.mp3", title: "", position: Double(i)) }
        #expect(store.add(path: "/a.mp3", title: "one too many", position: 1) == nil)
        #expect(store.add(path: "/b.mp3", title: "other episode", position: 1) == 1)
    }

    private func names(in dir: String) -> [String] { FileSystem.names(in: dir) }

    /// Removes the files directly in `dir` (the tests make no subdirectories), then `dir`.
    private func removeAll(_ dir: String) {
        for name in names(in: dir) { unlink(dir + "/" + name) }
        rmdir(dir)
    }
}
