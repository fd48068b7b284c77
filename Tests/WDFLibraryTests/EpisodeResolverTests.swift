import Testing
import WDFCore
import WDFLibrary

@Suite("Which episode a listener means")
struct EpisodeResolverTests {
    static func item(_ title: String, series: String? = nil, number: Int? = nil, source: Episode.NumberSource = .title,
                     path: String? = nil) -> CatalogItem {
        let parsed = Episode.seriesAndNumber(inTitle: title)
        let entry = CatalogEntry(path: path ?? "/l/\(title).mp3", size: 1, mtime: 1, title: title,
                                 series: series ?? parsed?.0, number: number ?? parsed?.1,
                                 numberSource: (number ?? parsed?.1) == nil ? nil : source)
        return CatalogItem(entry: entry, feed: nil)
    }

    static let library: [CatalogItem] = [
        item("Korean War #5: Sino-Soviet Talks Part 1"),
        item("Korean War #6: Sino-Soviet Talks Part 2"),
        item("Korean War #7: The Road to June 1950"),
        item("Cuban Missile Crisis #6: Thirteen Days"),
        item("Cuban Missile Crisis #7: Aftermath"),
        item("Q&A Special"),
    ]

    func resolver(current: String? = nil, last: String? = nil, records: [String: ResumeStore.Record] = [:]) -> EpisodeResolver {
        EpisodeResolver(items: Self.library, currentSeries: current, lastKey: last, records: records)
    }

    func title(_ resolution: EpisodeResolver.Resolution) -> String? {
        if case let .found(item) = resolution { return item.title }
        return nil
    }

    @Test func aNumberResolvesInTheCurrentSeries() {
        #expect(title(resolver(current: "Korean War").resolve(.number(6, series: nil))) == "Korean War #6: Sino-Soviet Talks Part 2")
        #expect(title(resolver(current: "cuban missile crisis").resolve(.number(6, series: nil))) == "Cuban Missile Crisis #6: Thirteen Days")
        // Only one series has a 5: no doubt even in the other series.
        #expect(title(resolver(current: "Cuban Missile Crisis").resolve(.number(5, series: nil))) == "Korean War #5: Sino-Soviet Talks Part 1")
    }

    @Test func withoutACurrentSeriesTwoSeriesWithTheNumberAreAmbiguous() {
        guard case let .ambiguous(sentence, candidates) = resolver().resolve(.number(6, series: nil)) else {
            Issue.record("expected ambiguity")
            return
        }
        #expect(sentence.contains("6"))
        #expect(Set(candidates.map(\.series)) == ["Korean War", "Cuban Missile Crisis"])
    }

    @Test func anExplicitSeriesWinsAndIsMatchedLoosely() {
        let r = resolver(current: "Cuban Missile Crisis")
        #expect(title(r.resolve(.number(6, series: "korean war"))) == "Korean War #6: Sino-Soviet Talks Part 2")
        #expect(title(r.resolve(.number(7, series: "KOREAN"))) == "Korean War #7: The Road to June 1950")
        guard case let .notFound(sentence) = r.resolve(.number(60, series: "korean war")) else {
            Issue.record("expected not found")
            return
        }
        #expect(sentence == "Korean War has no episode 60 (3 episodes, numbers 5–7).")
        guard case let .notFound(unknown) = r.resolve(.number(6, series: "Napoleonic Wars")) else {
            Issue.record("expected not found")
            return
        }
        #expect(unknown.contains("\"Napoleonic Wars\""))
        #expect(unknown.contains("\"Korean War\""))
    }

    @Test func nextIsTheFollowingNumberOfTheLastEpisodesSeries() {
        let last = Self.library[0].storeKey  // Korean War #5
        #expect(title(resolver(last: last).resolve(.next)) == "Korean War #6: Sino-Soviet Talks Part 2")
        let lastOfSeries = Self.library[2].storeKey
        guard case let .notFound(sentence) = resolver(last: lastOfSeries).resolve(.next) else {
            Issue.record("expected the end of the series")
            return
        }
        #expect(sentence.contains("Korean War #7 is the last episode of Korean War"))
        guard case .notFound = resolver().resolve(.next) else {
            Issue.record("nothing played: no next")
            return
        }
    }

    @Test func titleWordsFindOneEpisodeOrListTheCandidates() {
        #expect(title(resolver().resolve(.text("road to june"))) == "Korean War #7: The Road to June 1950")
        #expect(title(resolver().resolve(.text("Thirteen"))) == "Cuban Missile Crisis #6: Thirteen Days")
        guard case let .ambiguous(sentence, candidates) = resolver().resolve(.text("sino-soviet")) else {
            Issue.record("expected two candidates")
            return
        }
        #expect(sentence == "2 episodes match \"sino-soviet\":")
        #expect(candidates.map(\.number) == [5, 6])
        guard case let .notFound(none) = resolver().resolve(.text("vietnam")) else {
            Issue.record("expected nothing")
            return
        }
        #expect(none == "No episode title contains \"vietnam\".")
    }

    @Test func aSeriesNameContinuesThatSeries() {
        // Never played: its first episode.
        #expect(title(resolver().resolve(.text("cuban missile crisis"))) == "Cuban Missile Crisis #6: Thirteen Days")
        // Left in the middle of #6: #6 again; finished #6: #7.
        let six = Self.library[1].storeKey
        let partial = ResumeStore.Record(position: 100, duration: 1980, finished: false, updated: 5)
        #expect(title(resolver(records: [six: partial]).resolve(.text("Korean War"))) == "Korean War #6: Sino-Soviet Talks Part 2")
        let done = ResumeStore.Record(position: 1980, duration: 1980, finished: true, updated: 5)
        #expect(title(resolver(records: [six: done]).resolve(.text("Korean War"))) == "Korean War #7: The Road to June 1950")
    }

    @Test func twoFilesClaimingANumberAreBothShown() {
        let items = Self.library + [Self.item("Korean War #6: Talks (re-release)", path: "/l/other.mp3")]
        let r = EpisodeResolver(items: items, currentSeries: "Korean War", lastKey: nil)
        guard case let .ambiguous(_, candidates) = r.resolve(.number(6, series: nil)) else {
            Issue.record("expected ambiguity")
            return
        }
        #expect(candidates.count == 2)
        #expect(Set(candidates.compactMap(\.path)) == ["/l/Korean War #6: Sino-Soviet Talks Part 2.mp3", "/l/other.mp3"])
    }

    @Test func aTitleNumberOutranksATrackNumberOrAFileName() {
        let items = [
            Self.item("Korean War #2: Real", path: "/l/real.mp3"),
            Self.item("Bonus", series: "Korean War", number: 2, source: .fileName, path: "/l/bonus 2.mp3"),
        ]
        let r = EpisodeResolver(items: items, currentSeries: "Korean War", lastKey: nil)
        #expect(title(r.resolve(.number(2, series: nil))) == "Korean War #2: Real")
    }

    @Test func whatARequestsEpisodeAndSeriesName() throws {
        #expect(try EpisodeSelection(episode: .null, series: nil) == nil)
        #expect(try EpisodeSelection(episode: 6, series: nil) == .query(.number(6, series: nil)))
        #expect(try EpisodeSelection(episode: " 6 ", series: "korean war") == .query(.number(6, series: "korean war")))
        #expect(try EpisodeSelection(episode: "NEXT", series: nil) == .query(.next))
        #expect(try EpisodeSelection(episode: "/x/a.mp3", series: nil) == .path("/x/a.mp3"))
        #expect(try EpisodeSelection(episode: "talks", series: "korean war") == .query(.text("korean war talks")))
        #expect(try EpisodeSelection(episode: .null, series: "Korean War") == .query(.text("Korean War")))
        #expect(throws: WireError.self) { try EpisodeSelection(episode: [1, 2], series: nil) }
    }
}
