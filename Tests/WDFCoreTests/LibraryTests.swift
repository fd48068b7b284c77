import Testing
import WDFCore

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

    @Test func resolvesEachKindOfNumberInTheFixtureLibrary() {
        let library = Library.scan(root: LibraryTests.fixtures + "/library")
        #expect(library.episodes.count == 4)
        #expect(library.problems.isEmpty)
        func path(_ n: Int) -> String? {
            if case let .found(episode) = library.resolve(number: n) { return FileSystem.baseName(episode.path) }
            return nil
        }
        #expect(path(1) == "a.mp3")            // title "Korean War #1: …"
        #expect(path(2) == "b.mp3")            // TRCK 2/48
        #expect(path(3) == "Korean War 03 - Third.mp3")  // file name
        #expect(path(4) == "d.mp3")            // in a subfolder
        #expect(library.resolve(number: 5) == .notFound)
    }

    @Test func ambiguousNumbersNameEveryCandidate() {
        let a = Episode(path: "/x/a.mp3", tag: ID3Tag(version: 4, size: 0, title: "Korean War #6: One"))
        let b = Episode(path: "/x/b.mp3", tag: ID3Tag(version: 4, size: 0, title: "Korean War #6: Other"))
        let c = Episode(path: "/x/c.mp3", tag: ID3Tag(version: 4, size: 0, title: "Cold War #6: Elsewhere"))
        let library = Library(root: "/x", episodes: [a, b, c])
        #expect(library.resolve(number: 6, series: "Korean War") == .ambiguous([a, b]))
        #expect(library.resolve(number: 6, series: "cold war") == .found(c))
    }

    @Test func demoEpisodeSixHasItsChapters() throws {
        let demo = FileSystem.directoryName(LibraryTests.fixtures) + "/../Demo"
        let library = Library.scan(root: demo)
        guard case let .found(six) = library.resolve(number: 6) else {
            Issue.record("demo episode 6 not found")
            return
        }
        #expect(six.title == "Korean War #6: Sino-Soviet Talks Part 2")
        #expect(six.series == "Korean War")
        #expect(six.chapters.count == 5)
        #expect(six.chapters[2].title == "Stalin watches")
    }
}
