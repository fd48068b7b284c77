import Glibc
import Testing
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFStore
import WDFTestSupport

@Suite("Chapter sources: the feed")
struct ChapterSourceFeedTests {
    let cache = TemporaryDirectory.make("feedchap")

    @Test func podloveChaptersFromTheFeedItem() throws {
        let record = FeedRecord(guid: "g6", title: "Korean War #6", chapters: [
            FeedChapterRecord(start: 0, title: "Intro"),
            FeedChapterRecord(start: 330.5, title: "Stalin's reply", url: "https://example.org/stalin", image: "https://example.org/s.jpg"),
        ])
        let found = try FeedChapterSource(record: record, cacheDirectory: cache).chapters(forAudioAt: "/x.mp3", tag: nil, duration: 1980)
        #expect(found.map(\.chapter.title) == ["Intro", "Stalin's reply"])
        #expect(found.map(\.chapter.start) == [0, 330.5])
        #expect(found.allSatisfy { $0.origin == .feed })
        #expect(found[1].url == "https://example.org/stalin")
        #expect(found[1].image == "https://example.org/s.jpg")
    }

    @Test func podcastChaptersFileFetchedIntoTheCache() throws {
        let record = FeedRecord(guid: "g7", title: "Korean War #7", chaptersURL: "https://example.org/7.json")
        let source = FeedChapterSource(record: record, cacheDirectory: cache)
        // Not fetched yet: none, and no error.
        #expect(try source.chapters(forAudioAt: "/x.mp3", tag: nil, duration: nil).isEmpty)
        let file = FeedChapterSource.cachedJSONPath(guid: "g7", cacheDirectory: cache)
        try FileSystem.makeDirectory(FileSystem.directoryName(file))
        let json = #"{"version":"1.2.0","chapters":[{"startTime":0,"title":"One"},{"startTime":61.5,"title":"Two"}]}"#
        try FileSystem.writeAtomically(file, Array(json.utf8), durable: false)
        let found = try source.chapters(forAudioAt: "/x.mp3", tag: nil, duration: nil)
        #expect(found.map(\.chapter.title) == ["One", "Two"])
        #expect(found.allSatisfy { $0.origin == .feed })
        // A broken file names itself.
        try FileSystem.writeAtomically(file, Array("{nope".utf8), durable: false)
        #expect(throws: ChapterSourceError.self) { try source.chapters(forAudioAt: "/x.mp3", tag: nil, duration: nil) }
        do {
            _ = try source.chapters(forAudioAt: "/x.mp3", tag: nil, duration: nil)
        } catch {
            #expect(error.description.contains(file))
        }
    }

    @Test func theFeedComesAfterSidecarsAndItsNotesAfterIt() throws {
        let record = FeedRecord(guid: "g", title: "T", notesHTML: "<p>00:00 Start<br>05:00 Later</p>")
        let sources = ChapterSources.all(feed: record, cacheDirectory: cache)
        #expect(sources.map { type(of: $0).origin } == [.id3, .json, .cue, .feed, .showNotes])
        // No tag, no sidecar, no feed chapters: the feed's show notes give the timestamps.
        let merged = ChapterSources.merged(forAudioAt: "/nonexistent/x.mp3", tag: nil, duration: 600, bookmarks: [],
                                           sources: sources)
        #expect(merged.origin == .showNotes)
        #expect(merged.chapters.map(\.chapter.title) == ["Start", "Later"])
    }
}
