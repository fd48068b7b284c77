import Testing
import WDFCore
import WDFLibrary
import WDFStore
import WDFMPRIS
@testable import WDFDaemon

@Suite("MPRIS Next/Previous and metadata of the episode in play")
struct MPRISStepTests {
    static let chapters = ChapterList([
        Chapter(title: "Intro", start: 0), Chapter(title: "Stalin watches", start: 100), Chapter(title: "", start: 200),
    ], duration: 300)

    @Test func nextGoesByChapterThenByEpisode() {
        let c = Self.chapters
        #expect(MPRISStep.next(chapters: c, position: 3, nextEpisode: "/n.mp3") == .chapter(c.spans[1]))
        #expect(MPRISStep.next(chapters: c, position: 150, nextEpisode: nil) == .chapter(c.spans[2]))
        #expect(MPRISStep.next(chapters: c, position: 250, nextEpisode: "/n.mp3") == .episode("/n.mp3"))
        #expect(MPRISStep.next(chapters: c, position: 250, nextEpisode: nil) == .nothing)
        let none = ChapterList([], duration: 300)
        #expect(MPRISStep.next(chapters: none, position: 10, nextEpisode: "/n.mp3") == .episode("/n.mp3"))
        #expect(MPRISStep.next(chapters: none, position: 10, nextEpisode: nil) == .nothing)
    }

    @Test func previousKeepsTheFiveSecondRule() {
        let c = Self.chapters
        // Past the first 5 s of a chapter: its start; within them: the chapter before.
        #expect(MPRISStep.previous(chapters: c, position: 130, previousEpisode: "/p.mp3") == .chapter(c.spans[1]))
        #expect(MPRISStep.previous(chapters: c, position: 102, previousEpisode: "/p.mp3") == .chapter(c.spans[0]))
        #expect(MPRISStep.previous(chapters: c, position: 40, previousEpisode: "/p.mp3") == .chapter(c.spans[0]))
        // Within the first 5 s of the episode: the episode before, else the start.
        #expect(MPRISStep.previous(chapters: c, position: 2, previousEpisode: "/p.mp3") == .episode("/p.mp3"))
        #expect(MPRISStep.previous(chapters: c, position: 2, previousEpisode: nil) == .start)
        let none = ChapterList([], duration: 300)
        #expect(MPRISStep.previous(chapters: none, position: 60, previousEpisode: "/p.mp3") == .start)
        #expect(MPRISStep.previous(chapters: none, position: 4.9, previousEpisode: "/p.mp3") == .episode("/p.mp3"))
        // A first chapter that starts later (an untitled intro before it): its start, as `prev` does.
        let late = ChapterList([Chapter(title: "One", start: 30)], duration: 300)
        #expect(MPRISStep.previous(chapters: late, position: 32, previousEpisode: "/p.mp3") == .chapter(late.spans[0]))
        #expect(MPRISStep.previous(chapters: late, position: 20, previousEpisode: "/p.mp3") == .start)
    }

    static func item(_ path: String?, series: String, number: Int?) -> CatalogItem {
        let entry = path.map { CatalogEntry(path: $0, size: 1, mtime: 1, title: "\(series) #\(number ?? 0)", series: series, number: number) }
        let feed = path == nil
            ? FeedRecord(guid: "g\(number ?? 0)", title: "\(series) #\(number ?? 0)", series: series, number: number, firstSeen: 0)
            : nil
        return CatalogItem(entry: entry, feed: feed)
    }

    @Test func theNeighbourIsTheNearestDownloadedNumberOfTheSeries() {
        let items = [
            Self.item("/l/k3.mp3", series: "Korean War", number: 3), Self.item("/l/k6.mp3", series: "Korean War", number: 6),
            Self.item(nil, series: "Korean War", number: 7), Self.item("/l/k9.mp3", series: "Korean War", number: 9),
            Self.item("/l/o7.mp3", series: "Other", number: 7), Self.item("/l/k.mp3", series: "Korean War", number: nil),
        ]
        #expect(MPRISStep.neighbour(of: "/l/k6.mp3", in: items, forward: true) == "/l/k9.mp3")
        #expect(MPRISStep.neighbour(of: "/l/k6.mp3", in: items, forward: false) == "/l/k3.mp3")
        #expect(MPRISStep.neighbour(of: "/l/k3.mp3", in: items, forward: false) == nil)
        #expect(MPRISStep.neighbour(of: "/l/k9.mp3", in: items, forward: true) == nil)
        #expect(MPRISStep.neighbour(of: "/l/k.mp3", in: items, forward: true) == nil)
        #expect(MPRISStep.neighbour(of: "/elsewhere.mp3", in: items, forward: true) == nil)
    }

    @Test func theChapterIsTheSecondLine() {
        var tag = ID3Tag(version: 4, size: 10, title: "Korean War #6: Talks", album: "Hardcore History", artist: "Dan")
        tag.trackNumber = 6
        let episode = Episode(path: "/l/k6.mp3", tag: tag)
        let c = Self.chapters
        #expect(EpisodeTrack.chapterLine(c.current(at: 150), of: c) == "Chapter 2/3 — Stalin watches")
        #expect(EpisodeTrack.chapterLine(c.current(at: 250), of: c) == "Chapter 3/3")
        #expect(EpisodeTrack.chapterLine(nil, of: c) == nil)
        let track = EpisodeTrack.track(episode: episode, chapters: c, chapter: c.spans[1], duration: 300,
                                       artPath: "/c/art/x.jpg", artURL: nil)
        #expect(track == MPRISTrack(key: "/l/k6.mp3", title: "Korean War #6: Talks", album: "Korean War",
                                    artists: ["Chapter 2/3 — Stalin watches"], number: 6, path: "/l/k6.mp3",
                                    duration: 300, artPath: "/c/art/x.jpg"))
        let plain = EpisodeTrack.track(episode: episode, chapters: ChapterList([], duration: 300), chapter: nil,
                                       duration: .nan, artPath: nil, artURL: "https://example.com/c.png")
        #expect(plain.artists == ["Dan"])
        #expect(plain.duration == nil)
        #expect(plain.artURL == "https://example.com/c.png")
    }
}
