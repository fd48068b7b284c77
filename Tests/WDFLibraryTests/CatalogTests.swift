import Glibc
import Testing
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFStore
import WDFTestSupport

/// A folder of small real MP3s with the tags a test asks for (1 s of audio each, from the fixture
/// without a tag), in a fresh temporary directory.
struct TestLibrary {
    static let audio: [UInt8] = {
        let path = LibraryTests.fixtures + "/library/Korean War 03 - Third.mp3"
        return (try? FileSystem.read(path)) ?? []
    }()

    let root: String
    let cache: String

    init() {
        let base = TemporaryDirectory.make("catalog")
        root = base + "/library"
        cache = base + "/cache"
        mkdir(root, 0o755)
    }

    @discardableResult
    func add(_ name: String, title: String? = nil, album: String? = nil, track: String? = nil,
             comment: String? = nil) throws -> String {
        var tag = ID3TagBuilder(version: 4)
        if let title { tag.addText("TIT2", title) }
        if let album { tag.addText("TALB", album) }
        if let track { tag.addText("TRCK", track) }
        if let comment { tag.add("COMM", ID3TagBuilder.comment(comment)) }
        let path = root + "/" + name
        let directory = FileSystem.directoryName(path)
        if !FileSystem.isDirectory(directory) { try FileSystem.makeDirectory(directory, mode: 0o755) }
        try FileSystem.writeAtomically(path, tag.build() + TestLibrary.audio, durable: false, mode: 0o644)
        return path
    }

    func catalog() -> Catalog {
        var catalog = Catalog(root: root, cacheDirectory: cache)
        catalog.loadIndex()
        return catalog
    }
}

@Suite("Library index")
struct CatalogTests {
    @Test func readsTagsAndHeadersOfEveryFile() throws {
        let library = TestLibrary()
        try library.add("06.mp3", title: "Korean War #6: Sino-Soviet Talks Part 2", album: "When Diplomacy Fails",
                        comment: "Episode 6 notes")
        try library.add("sub/b.mp3", title: "Partition", album: "When Diplomacy Fails", track: "2/48")
        try library.add("Korean War 03 - Third.mp3")
        try library.add(".hidden.mp3", title: "Hidden #9")
        try FileSystem.writeAtomically(library.root + "/notes.txt", Array("x".utf8), durable: false)
        var catalog = library.catalog()
        let report = catalog.refresh()
        #expect(report.read == 3)
        #expect(catalog.entries.map { FileSystem.baseName($0.path) } == ["06.mp3", "Korean War 03 - Third.mp3", "b.mp3"])
        let six = try #require(catalog.entries.first)
        #expect(six.series == "Korean War")
        #expect(six.number == 6)
        #expect(six.numberSource == .title)
        #expect(six.hasNotes)
        // 1 s of 22.05 kHz CBR audio without an Info header: estimated from the bit rate.
        #expect(abs((six.duration ?? 0) - 1.0) < 0.1)
        #expect(six.durationIsEstimate)
        let partition = try #require(catalog.entry(atPath: library.root + "/sub/b.mp3"))
        #expect(partition.series == "When Diplomacy Fails")
        #expect(partition.number == 2)
        #expect(partition.numberSource == .track)
        #expect(catalog.entries[1].number == 3)
        #expect(catalog.entries[1].numberSource == .fileName)
    }

    @Test func unchangedFilesAreNeverReadAgain() throws {
        let library = TestLibrary()
        try library.add("a.mp3", title: "Korean War #1: One")
        let two = try library.add("b.mp3", title: "Korean War #2: Two")
        var first = library.catalog()
        first.refresh()
        try first.saveIndex()

        // A new process: everything comes from the index.
        var second = library.catalog()
        #expect(second.entries.count == 2)
        #expect(second.refresh() == Catalog.Refresh(read: 0, kept: 2, removed: 0))
        #expect(!second.isDirty)

        // One file changed, one added, one removed.
        try library.add("b.mp3", title: "Korean War #2: Two (corrected)")
        try library.add("c.mp3", title: "Korean War #3: Three")
        unlink(library.root + "/a.mp3")
        let report = second.refresh()
        #expect(report == Catalog.Refresh(read: 2, kept: 0, removed: 1))
        #expect(second.entry(atPath: two)?.title == "Korean War #2: Two (corrected)")
        #expect(second.entries.count == 2)
    }

    @Test func aDamagedIndexIsRebuiltSilently() throws {
        let library = TestLibrary()
        try library.add("a.mp3", title: "Korean War #1: One")
        try library.add("b.mp3", title: "Korean War #2: Two")
        var catalog = library.catalog()
        catalog.refresh()
        try catalog.saveIndex()
        // One line cut in half: only that file is read again.
        var text = String(decoding: try FileSystem.read(catalog.indexFile), as: UTF8.self)
        let lines = text.split(separator: "\n")
        text = lines[0] + "\n" + lines[1].prefix(30) + "\n" + lines[2] + "\n"
        try FileSystem.writeAtomically(catalog.indexFile, Array(text.utf8), durable: false)
        var reloaded = library.catalog()
        #expect(reloaded.entries.count == 1)
        #expect(reloaded.refresh() == Catalog.Refresh(read: 1, kept: 1, removed: 0))
        #expect(reloaded.entries.map(\.number) == [1, 2])

        // Garbage, another library's index, a missing one: start from nothing.
        for content in ["\u{0}\u{1}garbage", "{\"version\":2,\"root\":\"/elsewhere\"}\n", ""] {
            try FileSystem.writeAtomically(catalog.indexFile, Array(content.utf8), durable: false)
            var fresh = library.catalog()
            #expect(fresh.entries.isEmpty)
            #expect(fresh.refresh().read == 2)
        }
        unlink(catalog.indexFile)
        var fresh = library.catalog()
        #expect(fresh.refresh().read == 2)
    }

    @Test func aFileThatIsNotAudioIsListedWithItsProblem() throws {
        let library = TestLibrary()
        try FileSystem.writeAtomically(library.root + "/text.mp3", Array("just text, not audio".utf8), durable: false)
        var catalog = library.catalog()
        catalog.refresh()
        let entry = try #require(catalog.entries.first)
        #expect(entry.title == "text")
        #expect(entry.problem?.contains("text.mp3") == true)
        #expect(entry.duration == nil)
    }

    @Test func garbageTextEncodingsInATagCostOnlyThatFrame() throws {
        let library = TestLibrary()
        var tag = ID3TagBuilder(version: 4)
        tag.add("TIT2", [0x09, 0xFF, 0xFE, 0x41, 0x00])         // encoding 9 does not exist
        tag.add("TALB", [0x01, 0xFF, 0xFE, 0x00, 0xD8, 0x41])   // UTF-16, a lone surrogate
        tag.addText("TRCK", "7")
        let path = library.root + "/odd.mp3"
        try FileSystem.writeAtomically(path, tag.build() + TestLibrary.audio, durable: false, mode: 0o644)
        var catalog = library.catalog()
        catalog.refresh()
        let entry = try #require(catalog.entries.first)
        #expect(entry.title == "odd")
        #expect(entry.number == 7)
        #expect(entry.duration != nil)
    }

    @Test func aFileRemovedBetweenListingAndReadingIsNoCrash() throws {
        let library = TestLibrary()
        let path = try library.add("a.mp3", title: "Korean War #1: One")
        let entry = CatalogEntry.read(path: path + ".gone", size: 1, mtime: 1)
        #expect(entry.problem != nil)
        #expect(entry.title == "a.mp3")
    }
}

@Suite("Library and feed joined")
struct CatalogItemTests {
    func entry(_ path: String, _ title: String, series: String? = "Korean War", number: Int? = nil) -> CatalogEntry {
        CatalogEntry(path: path, size: 1, mtime: 1, title: title, series: series, number: number,
                     numberSource: number == nil ? nil : .title)
    }

    @Test func feedItemsJoinTheirFilesByPathThenNumberThenTitle() {
        let entries = [
            entry("/l/6.mp3", "Korean War #6: Talks", number: 6),
            entry("/l/x.mp3", "Downloaded Elsewhere", series: nil),
            entry("/l/odd.mp3", "Special", series: nil),
        ]
        let feed = [
            FeedRecord(guid: "g6", title: "Korean War #6: Talks", series: "Korean War", number: 6, firstSeen: 0),
            FeedRecord(guid: "gx", title: "Some Title", file: "/l/x.mp3", firstSeen: 0),
            FeedRecord(guid: "gs", title: "special", firstSeen: 0),
            FeedRecord(guid: "g7", title: "Korean War #7: Next", series: "Korean War", number: 7, firstSeen: 0),
        ]
        let items = CatalogItem.merge(entries: entries, feed: feed)
        #expect(items.count == 4)
        #expect(items.first { $0.path == "/l/6.mp3" }?.feed?.guid == "g6")
        #expect(items.first { $0.path == "/l/x.mp3" }?.feed?.guid == "gx")
        #expect(items.first { $0.path == "/l/odd.mp3" }?.feed?.guid == "gs")
        let seven = items.first { $0.feed?.guid == "g7" }
        #expect(seven?.isDownloaded == false)
        #expect(seven?.storeKey == "feed:g7")
        // Listed by series and number.
        #expect(items.filter { $0.series == "Korean War" }.map(\.number) == [6, 7])
    }

    @Test func twoFilesWithTheSameNumberDoNotCaptureAFeedItemByNumber() {
        let entries = [entry("/l/a.mp3", "Korean War #6: A", number: 6), entry("/l/b.mp3", "Korean War #6: B", number: 6)]
        let feed = [FeedRecord(guid: "g6", title: "Korean War #6: C", series: "Korean War", number: 6, firstSeen: 0)]
        let items = CatalogItem.merge(entries: entries, feed: feed)
        #expect(items.count == 3)
        #expect(items.allSatisfy { $0.entry == nil || $0.feed == nil })
    }
}
