import Glibc
import Testing
import WDFCore
import WDFTestSupport
import WDFPlatform
import WDFStore

@Suite("FeedStore")
struct FeedStoreTests {
    func temporaryDirectory() -> String { TemporaryDirectory.make("feed") }

    func record(_ n: Int, published: Int?, title: String? = nil) -> FeedRecord {
        FeedRecord(guid: "guid-\(n)", title: title ?? "Korean War #\(n): Part \(n)", series: "Korean War", number: n,
                   date: published.map { _ in "2018-01-\(10 + n)" }, published: published,
                   notesHTML: "<p>Notes \"\(n)\" &amp; more\nline</p>",
                   enclosureURL: "https://example.com/KW\(n).mp3", enclosureLength: 1000 * n, enclosureType: "audio/mpeg",
                   duration: 1992.5, chaptersURL: n == 2 ? "https://example.com/2.json" : nil,
                   chapters: n == 1 ? [FeedChapterRecord(start: 0, title: "Intro"),
                                       FeedChapterRecord(start: 62.5, title: "Stalin & Mao", url: "https://e.com/s", image: "https://e.com/s.jpg")] : [])
    }

    @Test func missingFileIsEmpty() {
        var store = FeedStore(directory: temporaryDirectory())
        let storeLoaded = store.load()
        #expect(storeLoaded == nil)
        #expect(store.items.isEmpty)
        #expect(store.feedURL == nil)
        #expect(store.lastSync == nil)
    }

    @Test func roundTrip() throws {
        let dir = temporaryDirectory() + "/state/nested"
        var store = FeedStore(directory: dir)
        #expect(store.file == dir + "/feed.json")
        let result = store.merge([record(1, published: 100), record(2, published: 300), record(3, published: nil), record(4, published: 200)],
                                 feedURL: "https://feeds.example.com/wdf.xml", podcastTitle: "When Diplomacy Fails", now: 5000)
        #expect(result.added.map(\.guid) == ["guid-1", "guid-2", "guid-3", "guid-4"])
        #expect(result.added.allSatisfy { $0.firstSeen == 5000 })
        #expect(result.updated == 0)
        let set = store.setFile("/music/KW2.mp3", forGUID: "guid-2")
        let setUnknown = store.setFile("/x.mp3", forGUID: "nope")
        #expect(set)
        #expect(!setUnknown)
        try store.save()

        var again = FeedStore(directory: dir)
        let againLoaded = again.load()
        #expect(againLoaded == nil)
        #expect(again.feedURL == "https://feeds.example.com/wdf.xml")
        #expect(again.podcastTitle == "When Diplomacy Fails")
        #expect(again.lastSync == 5000)
        #expect(again.items == store.items)
        #expect(again.items.map(\.guid) == ["guid-2", "guid-4", "guid-1", "guid-3"])
        #expect(again.item(guid: "guid-2")?.file == "/music/KW2.mp3")
        #expect(again.item(guid: "guid-1")?.chapters.count == 2)
        #expect(again.item(guid: "guid-1")?.notesHTML == "<p>Notes \"1\" &amp; more\nline</p>")
        #expect(again.item(guid: "nope") == nil)
        // Versioned; one item per line; no temporary file left.
        let text = String(decoding: try FileSystem.read(store.file), as: UTF8.self)
        #expect(text.hasPrefix("{\"version\":1,"))
        #expect(text.split(separator: "\n").count == 6)
        #expect(FileSystem.names(in: dir) == ["feed.json"])
    }

    @Test func mergeKeepsFileFirstSeenAndOldItems() {
        var store = FeedStore(directory: "/nonexistent")
        _ = store.merge([record(1, published: 100), record(2, published: 200)], feedURL: "u1", podcastTitle: "P", now: 10)
        store.setFile("/a/KW1.mp3", forGUID: "guid-1")

        // The next sync: item 1 dropped from the feed, item 2 retitled, item 3 new, item 2 twice.
        var retitled = record(2, published: 200, title: "Korean War #2: Renamed")
        retitled.file = "/should/not/win.mp3"
        retitled.firstSeen = 999
        let result = store.merge([record(3, published: 300), retitled, record(2, published: 1)], feedURL: "u2", podcastTitle: nil, now: 20)
        #expect(result.added.map(\.guid) == ["guid-3"])
        #expect(result.added.first?.firstSeen == 20)
        #expect(result.updated == 1)
        #expect(store.items.map(\.guid) == ["guid-3", "guid-2", "guid-1"])
        #expect(store.item(guid: "guid-1")?.file == "/a/KW1.mp3")
        #expect(store.item(guid: "guid-1")?.firstSeen == 10)
        #expect(store.item(guid: "guid-2")?.title == "Korean War #2: Renamed")
        #expect(store.item(guid: "guid-2")?.firstSeen == 10)
        #expect(store.item(guid: "guid-2")?.file == nil)
        #expect(store.item(guid: "guid-2")?.published == 200)
        #expect(store.feedURL == "u2")
        #expect(store.podcastTitle == "P")
        #expect(store.lastSync == 20)

        // The same feed again changes nothing.
        let again = store.merge([record(3, published: 300)], feedURL: "u2", podcastTitle: "P", now: 30)
        #expect(again == FeedStore.MergeResult(added: [], updated: 0))
        #expect(store.items.count == 3)
    }

    /// `sync --download new` marks what it chose; the mark survives a sync and a save, and only a
    /// downloaded file ends it.
    @Test func wantedMarksLastUntilDownloaded() throws {
        let dir = temporaryDirectory()
        var store = FeedStore(directory: dir)
        _ = store.merge([record(1, published: 100), record(2, published: 200), record(3, published: nil)], feedURL: "u", podcastTitle: nil, now: 1)
        #expect(store.wantedDownloads.isEmpty)
        let marked = ["guid-2", "guid-1", "guid-3", "guid-9"].map { store.setWanted(true, forGUID: $0) }
        #expect(marked == [true, true, true, false])
        // Oldest first; undated items (listed last, newest first) come first.
        #expect(store.wantedDownloads.map(\.guid) == ["guid-3", "guid-1", "guid-2"])

        var feedAgain = record(2, published: 200)
        feedAgain.wanted = false  // what a sync brings never clears the mark
        _ = store.merge([feedAgain], feedURL: "u", podcastTitle: nil, now: 2)
        store.setFile("/lib/KW1.mp3", forGUID: "guid-1")
        store.setWanted(false, forGUID: "guid-3")
        #expect(store.wantedDownloads.map(\.guid) == ["guid-2"])
        try store.save()
        #expect(try String(contentsOfFile: dir + "/feed.json", encoding: .utf8).contains(#""wanted":true"#))

        var reread = FeedStore(directory: dir)
        let problem = reread.load()
        #expect(problem == nil)
        #expect(reread.wantedDownloads.map(\.guid) == ["guid-2"])
        #expect(reread.item(guid: "guid-1")?.wanted == false && reread.item(guid: "guid-1")?.file == "/lib/KW1.mp3")
    }

    @Test func newestIsByDateElseFirstListed() {
        #expect(FeedStore.newest([]) == nil)
        #expect(FeedStore.newest([record(1, published: 100), record(2, published: 300), record(3, published: 200)])?.guid == "guid-2")
        #expect(FeedStore.newest([record(1, published: nil), record(2, published: 50)])?.guid == "guid-2")
        #expect(FeedStore.newest([record(4, published: nil), record(5, published: nil)])?.guid == "guid-4")
        #expect(FeedStore.newest([record(6, published: 9), record(7, published: 9)])?.guid == "guid-6")
    }

    @Test func sortIsNewestFirstUndatedLastAndStable() {
        var store = FeedStore(directory: "/nonexistent")
        _ = store.merge([record(1, published: nil), record(2, published: 50), record(3, published: nil), record(4, published: 50),
                         record(5, published: 70)], feedURL: "u", podcastTitle: nil, now: 1)
        #expect(store.items.map(\.guid) == ["guid-5", "guid-2", "guid-4", "guid-1", "guid-3"])
    }

    @Test func damagedItemLineIsSkippedOthersSalvaged() throws {
        let dir = temporaryDirectory()
        var store = FeedStore(directory: dir)
        _ = store.merge([record(1, published: 100), record(2, published: 200), record(3, published: 300)],
                        feedURL: "https://f.example.com/x.xml", podcastTitle: "WDF", now: 7)
        store.setFile("/m/KW1.mp3", forGUID: "guid-1")
        try store.save()
        // A stray byte in the middle of item 2's line.
        var lines = String(decoding: try FileSystem.read(store.file), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.contains("\"guid-2\"") })
        lines[index] = String(lines[index].prefix(40)) + "\u{1}" + String(lines[index].dropFirst(40))
        try FileSystem.writeAtomically(store.file, Array(lines.joined(separator: "\n").utf8), durable: false)

        var again = FeedStore(directory: dir)
        let againLoaded = again.load()
        let warning = try #require(againLoaded)
        #expect(warning.contains("could not be used"), "\(warning)")
        #expect(warning.contains("Recovered 2 episode(s)"), "\(warning)")
        #expect(!FileSystem.exists(store.file))
        #expect(again.items.map(\.guid) == ["guid-3", "guid-1"])
        #expect(again.item(guid: "guid-1")?.file == "/m/KW1.mp3")
        #expect(again.feedURL == "https://f.example.com/x.xml")
        #expect(again.podcastTitle == "WDF")
        try again.save()
        var third = FeedStore(directory: dir)
        let thirdLoaded = third.load()
        #expect(thirdLoaded == nil)
        #expect(third.items.count == 2)
    }

    @Test func truncatedFileKeepsTheItemsBeforeTheCut() throws {
        let dir = temporaryDirectory()
        var store = FeedStore(directory: dir)
        _ = store.merge([record(1, published: 100), record(2, published: 200), record(3, published: 300)], feedURL: "u", podcastTitle: nil, now: 7)
        try store.save()
        let full = try FileSystem.read(store.file)
        try FileSystem.writeAtomically(store.file, Array(full.prefix(full.count - 60)), durable: false)
        var again = FeedStore(directory: dir)
        let againLoaded = again.load()
        #expect(againLoaded?.contains("Recovered 2 episode(s)") == true)
        #expect(again.items.map(\.guid) == ["guid-3", "guid-2"])
    }

    @Test func unreadableItemInValidJSONIsSetAside() throws {
        let dir = temporaryDirectory()
        let text = #"{"version":1,"feedURL":"u","items":[{"guid":"a","title":"A","firstSeen":3},{"title":"no guid"},{"guid":"b","title":"B","published":"soon","chapters":[{"start":-1},{"start":5,"title":"C"}]}]}"#
        try FileSystem.writeAtomically(dir + "/feed.json", Array(text.utf8), durable: false)
        var store = FeedStore(directory: dir)
        let storeLoaded = store.load()
        let warning = try #require(storeLoaded)
        #expect(warning.contains("1 episode(s) in it could not be read"), "\(warning)")
        #expect(warning.contains("Kept the other 2."), "\(warning)")
        #expect(!FileSystem.exists(dir + "/feed.json"))
        #expect(store.items.map(\.guid) == ["a", "b"])
        #expect(store.item(guid: "a")?.firstSeen == 3)
        #expect(store.item(guid: "b")?.published == nil)
        #expect(store.item(guid: "b")?.chapters == [FeedChapterRecord(start: 5, title: "C")])
    }

    @Test func notJSONAtAll() throws {
        let dir = temporaryDirectory()
        try FileSystem.writeAtomically(dir + "/feed.json", Array("<html>oops</html>".utf8), durable: false)
        var store = FeedStore(directory: dir)
        let storeLoaded = store.load()
        let warning = try #require(storeLoaded)
        #expect(warning.contains("could not be used: it is not valid JSON"), "\(warning)")
        #expect(!warning.contains("Recovered"))
        #expect(store.items.isEmpty)
    }

    @Test func newerVersionIsSetAsideButRead() throws {
        let dir = temporaryDirectory()
        let text = #"{"version":7,"feedURL":"u","items":[{"guid":"a","title":"A","firstSeen":3,"future":true}]}"#
        try FileSystem.writeAtomically(dir + "/feed.json", Array(text.utf8), durable: false)
        var store = FeedStore(directory: dir)
        let storeLoaded = store.load()
        #expect(storeLoaded?.contains("newer wdfplay (format 7)") == true)
        #expect(store.items.map(\.guid) == ["a"])
        #expect(store.feedURL == "u")
    }

    // MARK: hostile numbers and sizes (issue #11)

    @Test(arguments: [1e300, 1e19, 9.3e18, -1, 10_000_000.5])
    func absurdSecondsInAStoreAreDropped(_ seconds: Double) throws {
        let json = try JSONParser.parse(Array("""
            {"guid":"g","title":"T","duration":\(seconds),"chapters":[{"start":\(seconds),"title":"bad"},{"start":1,"title":"good"}]}
            """.utf8))
        let record = try #require(FeedRecord(json: json))
        #expect(record.duration == nil)
        #expect(record.chapters.map(\.title) == ["good"])
    }

    @Test func longNotesAreStoredCut() throws {
        var store = FeedStore(directory: temporaryDirectory())
        var long = record(1, published: 1)
        long.notesHTML = String(repeating: "é", count: FeedStore.maximumNotesBytes)  // twice the bytes
        _ = store.merge([long], feedURL: "https://e.com/f", podcastTitle: nil, now: 5)
        let notes = try #require(store.items.first?.notesHTML)
        #expect(notes.utf8.count == FeedStore.maximumNotesBytes && notes.allSatisfy { $0 == "é" })
    }

    /// A store that exists but cannot be read (here: a folder where the file should be) is never
    /// replaced by what this run knows.
    @Test func anUnreadableStoreIsNotOverwritten() throws {
        let dir = temporaryDirectory()
        #expect(mkdir(dir + "/feed.json", 0o755) == 0)
        #expect(mkdir(dir + "/feed.json/inside", 0o755) == 0)
        var store = FeedStore(directory: dir)
        let problem = store.load()
        #expect(problem?.contains("Cannot read the feed store") == true, "\(String(describing: problem))")
        #expect(store.isUnreadable)
        _ = store.merge([record(1, published: 1)], feedURL: "https://e.com/f", podcastTitle: nil, now: 5)
        #expect(throws: SystemError.self) { try store.save() }
        #expect(FileSystem.isDirectory(dir + "/feed.json/inside"))
    }
}
