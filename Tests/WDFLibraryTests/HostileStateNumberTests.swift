import Glibc
import Testing
@testable import WDFCore
@testable import WDFLibrary
@testable import WDFPlatform
@testable import WDFStore
import WDFTestSupport

/// Huge or impossible times in the files the daemon reads (positions.json, bookmarks.json,
/// feed.json, chapter sidecars, the config bridge): the record is refused with a sentence that
/// names it, the others are kept.
@Suite("Hostile numbers in state files")
struct HostileStateNumberTests {
    func write(_ text: String, to file: String) throws {
        try FileSystem.writeAtomically(file, Array(text.utf8), durable: false)
    }

    @Test func positionsWithImpossibleTimesAreDroppedByName() throws {
        let dir = TemporaryDirectory.make("hostile-positions")
        try write("""
            {"version":1,"last":"/ok.mp3","episodes":{
            "/huge.mp3":{"position":1e300,"duration":60,"finished":false,"played":false,"updated":1},
            "/ok.mp3":{"position":12.5,"duration":60,"finished":false,"played":false,"updated":1},
            "/long.mp3":{"position":1,"duration":1e19,"finished":false,"played":false,"updated":1},
            "/negative.mp3":{"position":-3,"duration":60,"finished":false,"played":false,"updated":1},
            "/other.mp3":{"position":30,"duration":null,"finished":false,"played":false,"updated":99999999999999999999}}}
            """, to: dir + "/positions.json")
        var store = ResumeStore(directory: dir)
        let loaded = store.load()
        let warning = try #require(loaded)
        #expect(warning.contains(#""/huge.mp3""#), "\(warning)")
        #expect(warning.contains(#""/long.mp3""#), "\(warning)")
        #expect(warning.contains(#""/negative.mp3""#), "\(warning)")
        #expect(!warning.contains("ok.mp3") && !warning.contains("other.mp3"), "\(warning)")
        #expect(store.record(for: "/huge.mp3") == nil)
        #expect(store.record(for: "/ok.mp3")?.position == 12.5)
        #expect(store.record(for: "/other.mp3")?.position == 30)
        #expect(store.record(for: "/other.mp3")?.updated == 0)
        #expect(store.lastPath == "/ok.mp3")
        #expect(store.startPosition(for: "/huge.mp3", rewind: 3) == 0)
        // The next save writes what was kept.
        try store.save(durable: false)
        var again = ResumeStore(directory: dir)
        #expect(again.load() == nil)
        #expect(again.records.count == 2)
    }

    @Test func salvagedPositionsAreTimesToo() throws {
        let dir = TemporaryDirectory.make("hostile-salvage")
        // Damaged (cut): the salvage path reads the positions one by one.
        try write(#"{"version":1,"episodes":{"/a.mp3":{"position":1e300,"x":1},"/b.mp3":{"position":7,"x":1},"/c.mp3":{"position":3"#,
                  to: dir + "/positions.json")
        var store = ResumeStore(directory: dir)
        _ = store.load()
        #expect(store.record(for: "/a.mp3") == nil)
        #expect(store.record(for: "/b.mp3")?.position == 7)
    }

    @Test func shortEpisodesArePlayedOnlyNearTheirEnd() {
        var store = ResumeStore(directory: "/nonexistent")
        store.update(path: "/clip.mp3", position: 0.26, duration: 20)
        #expect(store.record(for: "/clip.mp3")?.played == false)
        store.update(path: "/clip.mp3", position: 10, duration: 20)
        #expect(store.record(for: "/clip.mp3")?.played == false)
        store.update(path: "/clip.mp3", position: 18.5, duration: 20)
        #expect(store.record(for: "/clip.mp3")?.played == true)
        // A long episode keeps the 30-second rule.
        store.update(path: "/long.mp3", position: 3569, duration: 3600)
        #expect(store.record(for: "/long.mp3")?.played == false)
        store.update(path: "/long.mp3", position: 3571, duration: 3600)
        #expect(store.record(for: "/long.mp3")?.played == true)
        // Five minutes: the tenth and the 30 seconds agree.
        #expect(ResumeStore.playedMargin(duration: 300) == 30)
        #expect(ResumeStore.playedMargin(duration: 20) == 2)
        #expect(ResumeStore.playedMargin(duration: 0) == 0)
        #expect(ResumeStore.playedMargin(duration: -5) == 0)
        // A zero-length or unknown duration never makes anything played.
        store.update(path: "/zero.mp3", position: 0, duration: 0)
        #expect(store.record(for: "/zero.mp3")?.played == false)
    }

    @Test func bookmarksWithImpossibleTimesAreDropped() throws {
        let dir = TemporaryDirectory.make("hostile-bookmarks")
        try write(#"{"version":1,"episodes":{"/a.mp3":[{"title":"far","position":1e300,"created":1},{"title":"near","position":5,"created":1e19}]}}"#,
                  to: dir + "/bookmarks.json")
        let (store, warning) = BookmarkStore.load(directory: dir)
        #expect(warning?.contains("1 bookmark(s)") == true, "\(warning ?? "")")
        #expect(store.entries(for: "/a.mp3").map(\.position) == [5])
        #expect(store.entries(for: "/a.mp3").first?.created == 0)
        var adding = store
        #expect(adding.add(path: "/a.mp3", title: "x", position: 1e19) == nil)
        #expect(adding.add(path: "/a.mp3", title: "x", position: .infinity) == nil)
    }

    @Test func feedRecordsWithImpossibleTimes() throws {
        let json = try JSONParser.parse(#"""
            {"guid":"g","title":"t","duration":1e300,"number":1e19,"season":-1e300,"published":99999999999999999999,
             "enclosureLength":9e18,"firstSeen":1e308,
             "chapters":[{"start":1e300,"title":"far"},{"start":10,"title":"ok"},{"start":-1,"title":"neg"}]}
            """#)
        let record = try #require(FeedRecord(json: json))
        #expect(record.duration == nil)
        #expect(record.number == nil)
        #expect(record.season == nil)
        #expect(record.published == nil)
        #expect(record.enclosureLength == nil)
        #expect(record.firstSeen == 0)
        #expect(record.chapters.map(\.title) == ["ok"])
    }

    @Test(arguments: ["1e300", "10000000.001", "1e19", "\"99999999999999999999\""])
    func sidecarChapterStartsPastTheLimitNameTheField(start: String) {
        do {
            _ = try PodcastJSONChapterSource.parse(Array(#"{"chapters":[{"startTime":0},{"startTime":\#(start)}]}"#.utf8), file: "f.json")
            Issue.record("accepted \(start)")
        } catch {
            #expect(error.field == "chapters[1].startTime", "\(error)")
            #expect(error.description.contains("from 0 to 10000000"), "\(error)")
        }
    }

    @Test func chapterListsIgnoreImpossibleStarts() {
        let list = ChapterList([Chapter(title: "a", start: 0), Chapter(title: "far", start: 1e300),
                                Chapter(title: "inf", start: .infinity), Chapter(title: "b", start: 10, end: 1e300)],
                               duration: nil)
        #expect(list.spans.map(\.title) == ["a", "b"])
        let cleaned = ChapterSources.cleaned([SourcedChapter(Chapter(title: "far", start: 1e19), origin: .cue),
                                              SourcedChapter(Chapter(title: "ok", start: 1, end: 1e19), origin: .cue)],
                                             duration: nil)
        #expect(cleaned.map(\.chapter.title) == ["ok"])
        #expect(cleaned.first?.chapter.end == nil)
    }

    @Test func configBridgeRefusesValuesOutOfRange() throws {
        let good = Config.defaults(home: "/home/listener").json
        #expect(Config(json: good) != nil)
        for (key, value) in [("checkpoint_interval", JSON.number(1e300)), ("resume_rewind", .number(-1)),
                             ("volume", .number(1e19)), ("checkpoint_interval", .number(0))] {
            guard case var .object(pairs) = good else { return }
            pairs = pairs.map { $0.0 == key ? (key, value) : $0 }
            #expect(Config(json: .object(pairs)) == nil, "\(key) = \(value)")
        }
    }
}
