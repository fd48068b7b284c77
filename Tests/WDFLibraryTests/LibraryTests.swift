import Testing
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFTestSupport

@Suite("Episodes and the library")
struct LibraryTests {
    static let fixtures = FileSystem.directoryName(FileSystem.directoryName(String(#filePath))) + "/Fixtures"

    @Test(arguments: [
        ("Korean War #6: Sino-Soviet Talks Part 2", "Korean War", 6), ("Korean War #12", "Korean War", 12),
        ("#3 Opening", "", 3),
    ])
    func numberFromTitle(_ title: String, _ series: String, _ number: Int) {
        let parsed = Episode.seriesAndNumber(inTitle: title)
        #expect(parsed?.0 == series)
        #expect(parsed?.1 == number)
    }

    @Test func noNumberInTitle() {
        #expect(Episode.seriesAndNumber(inTitle: "Korean War: Talks") == nil)
        #expect(Episode.seriesAndNumber(inTitle: "Issue #x") == nil)
    }

    @Test(arguments: [("Korean War 03 - Third", 3), ("ep6", 6), ("2018-01-31 Korean War 6", 6), ("no digits", nil)] as [(String, Int?)])
    func numberFromFileName(_ name: String, _ number: Int?) {
        #expect(Episode.number(inFileName: name) == number)
    }

    /// The library folder as the daemon sees it: the catalog of `root`, joined with no feed.
    static func resolver(_ root: String, currentSeries: String? = nil) -> (Catalog, EpisodeResolver) {
        var catalog = Catalog(root: root, cacheDirectory: TemporaryDirectory.make("library"))
        catalog.refresh()
        let items = CatalogItem.merge(entries: catalog.entries, feed: [])
        return (catalog, EpisodeResolver(items: items, currentSeries: currentSeries, lastKey: nil))
    }

    @Test func resolvesEachKindOfNumberInTheFixtureLibrary() {
        let (catalog, resolver) = LibraryTests.resolver(LibraryTests.fixtures + "/library")
        #expect(catalog.entries.count == 4)
        #expect(catalog.entries.allSatisfy { $0.problem == nil })
        func path(_ n: Int) -> String? {
            if case let .found(item) = resolver.resolve(.number(n, series: nil)) { return item.path.map(FileSystem.baseName) }
            return nil
        }
        #expect(path(1) == "a.mp3")            // title "Korean War #1: …"
        #expect(path(2) == "b.mp3")            // TRCK 2/48
        #expect(path(3) == "Korean War 03 - Third.mp3")  // file name
        #expect(path(4) == "d.mp3")            // in a subfolder
        guard case .notFound = resolver.resolve(.number(5, series: nil)) else {
            Issue.record("episode 5 should not be found")
            return
        }
    }

    @Test func ambiguousNumbersNameEveryCandidate() {
        func item(_ path: String, _ title: String) -> CatalogItem {
            let episode = Episode(path: path, tag: ID3Tag(version: 4, size: 0, title: title))
            return CatalogItem(entry: CatalogEntry(path: path, size: 1, mtime: 1, title: episode.title, series: episode.series,
                                                   number: episode.number, numberSource: episode.numberSource), feed: nil)
        }
        let a = item("/x/a.mp3", "Korean War #6: One")
        let b = item("/x/b.mp3", "Korean War #6: Other")
        let c = item("/x/c.mp3", "Cold War #6: Elsewhere")
        let resolver = EpisodeResolver(items: [a, b, c], currentSeries: "Korean War", lastKey: nil)
        guard case let .ambiguous(_, candidates) = resolver.resolve(.number(6, series: nil)) else {
            Issue.record("expected the two Korean War episodes")
            return
        }
        #expect(candidates == [a, b])
        guard case let .found(cold) = resolver.resolve(.number(6, series: "cold war")) else {
            Issue.record("expected the Cold War episode")
            return
        }
        #expect(cold == c)
    }

    @Test func demoEpisodeSixHasItsChapters() throws {
        let demo = FileSystem.directoryName(LibraryTests.fixtures) + "/../Demo"
        let (_, resolver) = LibraryTests.resolver(demo)
        guard case let .found(item) = resolver.resolve(.number(6, series: nil)), let path = item.path else {
            Issue.record("demo episode 6 not found")
            return
        }
        let six = try Episode.read(path: path)
        #expect(six.title == "Korean War #6: Sino-Soviet Talks Part 2")
        #expect(six.series == "Korean War")
        #expect(six.chapters.count == 5)
        #expect(six.chapters[2].title == "Stalin watches")
        #expect(item.entry?.chapterCount == 5)
    }
}
