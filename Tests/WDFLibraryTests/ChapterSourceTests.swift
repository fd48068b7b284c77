import Glibc
import Testing
@testable import WDFCore
@testable import WDFLibrary
@testable import WDFPlatform
import WDFTestSupport

/// Paths of the hand-written fixtures in `Tests/Fixtures/chapters` (see its README).
enum ChapterFixtures {
    /// The package root, from this file's path (Tests/WDFLibraryTests/ChapterSourceTests.swift).
    static let packageRoot: String = {
        var path = "\(#filePath)"
        for _ in 0..<3 { path = FileSystem.directoryName(path) }
        return path
    }()

    static func path(_ relative: String) -> String { packageRoot + "/" + relative }
    static func chapters(_ name: String) -> String { path("Tests/Fixtures/chapters/" + name) }
    static func bytes(_ name: String) throws -> [UInt8] { try FileSystem.read(chapters(name)) }
    static func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }
    static let tones = path("Tests/Fixtures/tones.mp3")
}

/// A temporary directory holding a symlink to `Tests/Fixtures/tones.mp3` (named `audioName`) and
/// whatever sidecars a test puts beside it; removed when released.
final class EpisodeDirectory {
    let directory: String
    let audio: String
    private var names: [String]

    init(audioName: String = "episode.mp3") {
        directory = TemporaryDirectory.make("chapters")
        audio = directory + "/" + audioName
        symlink(ChapterFixtures.tones, audio)
        names = [audioName]
    }

    /// Writes `bytes` as `name` beside the audio; returns its path.
    @discardableResult
    func write(_ bytes: [UInt8], as name: String) throws -> String {
        let path = directory + "/" + name
        try FileSystem.writeAtomically(path, bytes, durable: false, mode: 0o644)
        names.append(name)
        return path
    }

    /// Copies the fixture `Tests/Fixtures/chapters/<fixture>` as `name`.
    @discardableResult
    func place(_ fixture: String, as name: String) throws -> String {
        try write(try ChapterFixtures.bytes(fixture), as: name)
    }

    /// A FIFO named `name` beside the audio (opening it for reading would block).
    @discardableResult
    func makeFIFO(_ name: String) -> String {
        let path = directory + "/" + name
        mkfifo(path, 0o644)
        names.append(name)
        return path
    }

    deinit {
        for name in names { unlink(directory + "/" + name) }
        rmdir(directory)
    }
}

/// A source that returns what it is given, for precedence and clean-up tests.
struct FixedChapterSource: ChapterSource {
    static let origin = ChapterOrigin.feed
    var result: Result<[SourcedChapter], ChapterSourceError>

    func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter] {
        try result.get()
    }
}

@Suite("Chapter sources: precedence and merging")
struct ChapterSourceTests {
    static let toneTitles = ["Tone 400", "Tone 600", "Tone 800", "Tone 1000", "Tone 1200", "Tone 1400"]

    func chapter(_ title: String, _ start: Double, end: Double? = nil, origin: ChapterOrigin = .feed,
                 listed: Bool = true) -> SourcedChapter {
        SourcedChapter(Chapter(title: title, start: start, end: end), origin: origin, listed: listed)
    }

    @Test func registryIsInOrderOfPrecedence() {
        #expect(ChapterSources.all.map { type(of: $0).origin } == [.id3, .json, .cue, .feed, .showNotes])
    }

    @Test func embeddedTagWinsOverSidecars() throws {
        let episode = EpisodeDirectory()
        try episode.place("tones.chapters.json", as: "episode.chapters.json")
        try episode.place("tones.cue", as: "episode.cue")
        let tag = try ID3Tag.read(path: episode.audio)
        let merged = ChapterSources.merged(forAudioAt: episode.audio, tag: tag, duration: 30, bookmarks: [])
        #expect(merged.origin == .id3)
        #expect(merged.chapters.map(\.chapter.title) == Self.toneTitles)
        #expect(merged.chapters.allSatisfy { $0.origin == .id3 && $0.listed })
        #expect(merged.problems.isEmpty)
    }

    @Test func sidecarJSONWinsOverCUEWhenTheTagHasNoChapters() throws {
        let episode = EpisodeDirectory()
        try episode.place("tones.chapters.json", as: "episode.chapters.json")
        try episode.place("tones.cue", as: "episode.cue")
        let tag = ID3Tag(version: 4, size: 100, comment: try ChapterFixtures.text("show-notes-timestamps.txt"))
        let merged = ChapterSources.merged(forAudioAt: episode.audio, tag: tag, duration: 30, bookmarks: [])
        #expect(merged.origin == .json)
        #expect(merged.chapters.count == 5)
        #expect(merged.chapters.filter(\.listed).count == 4)
        #expect(merged.problems.isEmpty)
    }

    @Test func brokenSourceBecomesAProblemAndTheNextOneWins() throws {
        let episode = EpisodeDirectory()
        let json = try episode.place("bad.chapters.json", as: "episode.chapters.json")
        try episode.place("tones.cue", as: "episode.cue")
        let merged = ChapterSources.merged(forAudioAt: episode.audio, tag: nil, duration: 30, bookmarks: [])
        #expect(merged.origin == .cue)
        #expect(merged.chapters.map(\.chapter.title) == ["Opening", "Stalin's reply", "The talks", "Track 04"])
        #expect(merged.problems.count == 1)
        #expect(merged.problems.first?.contains(json) == true)
        #expect(merged.problems.first?.contains("line 5") == true)
    }

    @Test func markersAloneDoNotWin() throws {
        let episode = EpisodeDirectory()
        try episode.place("markers-only.chapters.json", as: "episode.chapters.json")
        try episode.place("tones.cue", as: "episode.cue")
        let merged = ChapterSources.merged(forAudioAt: episode.audio, tag: nil, duration: 30, bookmarks: [])
        #expect(merged.origin == .cue)
        #expect(merged.chapters.count == 4)
    }

    @Test func showNotesAreTheLastResort() throws {
        let episode = EpisodeDirectory()
        let tag = ID3Tag(version: 4, size: 100, comment: try ChapterFixtures.text("show-notes-timestamps.txt"))
        let merged = ChapterSources.merged(forAudioAt: episode.audio, tag: tag, duration: 3_900, bookmarks: [])
        #expect(merged.origin == .showNotes)
        #expect(merged.chapters.count == 6)
        // The same notes for a 30 s episode: 1:02:03 does not fit, so no chapters at all.
        let short = ChapterSources.merged(forAudioAt: episode.audio, tag: tag, duration: 30, bookmarks: [])
        #expect(short.origin == nil)
        #expect(short.chapters.isEmpty)
        #expect(short.problems.isEmpty)
    }

    @Test func noSourceAndNoBookmarksIsEmpty() {
        let merged = ChapterSources.merged(forAudioAt: "/nonexistent/dir/episode.mp3", tag: nil, duration: nil, bookmarks: [])
        #expect(merged.chapters.isEmpty)
        #expect(merged.origin == nil)
        #expect(merged.problems.isEmpty)
    }

    @Test func bookmarksAreMergedByStartAfterAChapterAtTheSameStart() {
        let source = FixedChapterSource(result: .success([chapter("A", 0), chapter("B", 10), chapter("C", 20)]))
        let marks = [
            chapter("Mark at 10", 10, origin: .bookmark), chapter("Mark at 2.5", 2.5, origin: .bookmark),
            chapter("Mark past the end", 31, origin: .bookmark), chapter("Mark at 25", 25, origin: .bookmark),
            chapter("Second mark at 10", 10, origin: .bookmark),
        ]
        let merged = ChapterSources.merged(forAudioAt: "/x.mp3", tag: nil, duration: 30, bookmarks: marks, sources: [source])
        #expect(merged.origin == .feed)
        #expect(merged.chapters.map(\.chapter.title) == ["A", "Mark at 2.5", "B", "Mark at 10", "Second mark at 10", "C", "Mark at 25"])
        #expect(merged.chapters.map(\.origin) == [.feed, .bookmark, .feed, .bookmark, .bookmark, .feed, .bookmark])
    }

    @Test func bookmarksAloneWhenNoSourceHasChapters() throws {
        let episode = EpisodeDirectory()
        var store = BookmarkStore(directory: episode.directory)
        store.add(path: episode.audio, title: "Here", position: 12)
        let merged = ChapterSources.merged(forAudioAt: episode.audio, tag: nil, duration: 30,
                                           bookmarks: store.bookmarks(for: episode.audio))
        #expect(merged.origin == nil)
        #expect(merged.chapters == [SourcedChapter(Chapter(title: "Here", start: 12), origin: .bookmark)])
    }

    @Test func bookmarksJoinTheRealTagsChapters() throws {
        let tag = try ID3Tag.read(path: ChapterFixtures.tones)
        let marks = [chapter("Listener's mark", 5, origin: .bookmark)]
        let merged = ChapterSources.merged(forAudioAt: ChapterFixtures.tones, tag: tag, duration: 30, bookmarks: marks)
        #expect(merged.chapters.map(\.chapter.title)
            == ["Tone 400", "Tone 600", "Listener's mark", "Tone 800", "Tone 1000", "Tone 1200", "Tone 1400"])
    }

    @Test func cleanUpDropsFixesAndNamesChapters() {
        let source = FixedChapterSource(result: .success([
            chapter("  Intro \n", 0),
            chapter("NaN", .nan), chapter("Negative", -1), chapter("Infinite", .infinity),
            chapter("", 5, end: 3),                      // end before start: end removed, titled by number
            chapter("Tab\tand\u{0}NUL", 8, end: .nan),
            chapter("   ", 12, end: 40),                 // end past the duration: clamped
            chapter("At the end", 30), chapter("Past the end", 45),
        ]))
        let merged = ChapterSources.merged(forAudioAt: "/x.mp3", tag: nil, duration: 30, bookmarks: [], sources: [source])
        #expect(merged.chapters.map(\.chapter) == [
            Chapter(title: "Intro", start: 0), Chapter(title: "Chapter 2", start: 5),
            Chapter(title: "Tab and NUL", start: 8), Chapter(title: "Chapter 4", start: 12, end: 30),
        ])
        let unknownLength = ChapterSources.merged(forAudioAt: "/x.mp3", tag: nil, duration: nil, bookmarks: [], sources: [source])
        #expect(unknownLength.chapters.count == 6)
    }

    @Test func untitledMarkersAreNotCounted() {
        let source = FixedChapterSource(result: .success([
            chapter("", 0, listed: false), chapter("", 1), chapter("Named", 2), chapter("", 3, listed: false), chapter("", 4),
        ]))
        let merged = ChapterSources.merged(forAudioAt: "/x.mp3", tag: nil, duration: nil, bookmarks: [], sources: [source])
        #expect(merged.chapters.map(\.chapter.title) == ["Marker", "Chapter 1", "Named", "Marker", "Chapter 3"])
    }

    @Test func longTitlesAreCut() {
        let source = FixedChapterSource(result: .success([chapter(String(repeating: "é", count: 5_000), 0)]))
        let merged = ChapterSources.merged(forAudioAt: "/x.mp3", tag: nil, duration: nil, bookmarks: [], sources: [source])
        #expect(merged.chapters.first?.chapter.title.count == ChapterSources.maximumTitleLength)
        #expect(merged.chapters.first?.chapter.title.hasSuffix("…") == true)
    }

    @Test func everyBrokenSourceIsReportedAndNoneStopsTheOthers() {
        let broken = FixedChapterSource(result: .failure(ChapterSourceError(.feed, file: "/feeds/a.json", field: "chapters", reason: "it is missing")))
        let empty = FixedChapterSource(result: .success([]))
        let good = FixedChapterSource(result: .success([chapter("Only", 1)]))
        let never = FixedChapterSource(result: .failure(ChapterSourceError(.feed, file: "/never", reason: "not consulted")))
        let merged = ChapterSources.merged(forAudioAt: "/x.mp3", tag: nil, duration: nil, bookmarks: [],
                                           sources: [broken, empty, broken, good, never])
        #expect(merged.chapters.map(\.chapter.title) == ["Only"])
        #expect(merged.problems == [
            "Ignoring the feed /feeds/a.json, chapters: it is missing.", "Ignoring the feed /feeds/a.json, chapters: it is missing.",
        ])
    }

    @Test func sidecarPaths() {
        #expect(Sidecar.path(of: "/a.b/Episode 6.mp3", suffix: ".cue") == "/a.b/Episode 6.cue")
        #expect(Sidecar.path(of: "/pods/ep.6.MP3", suffix: ".chapters.json") == "/pods/ep.6.chapters.json")
        #expect(Sidecar.path(of: "/pods.d/noext", suffix: ".cue") == "/pods.d/noext.cue")
        #expect(Sidecar.path(of: "ep.mp3", suffix: ".cue") == "ep.cue")
        #expect(Sidecar.path(of: "/pods/.mp3", suffix: ".cue") == "/pods/.mp3.cue")
    }

    @Test func originsTravelAsSnakeCase() {
        #expect(ChapterOrigin.showNotes.rawValue == "show_notes")
        #expect(ChapterOrigin(rawValue: "bookmark") == .bookmark)
    }
}
