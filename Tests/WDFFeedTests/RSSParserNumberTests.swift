import Testing
import WDFCore
import WDFFeed
import WDFStore

/// Numbers a stranger's feed may write (issue #11): durations, chapter starts, lengths and
/// episode numbers far past any real one are read as absent, never trapped on, and whatever is
/// kept is safe to turn into an integer.
@Suite("WDFFeedTests: RSS parser numbers")
struct RSSParserNumberTests {
    static let namespaces = " xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" xmlns:psc=\"http://podlove.org/simple-chapters\""

    func item(_ inner: String) throws -> FeedRecord {
        let feed = try RSSParser.parse(FeedFixtures.feed(item: "<title>A</title>" + inner, namespaces: Self.namespaces))
        return try #require(feed.items.first)
    }

    @Test(arguments: ["99999999999999999999", "1e308", "inf", "Infinity", "-Infinity", "NaN", "nan", "-5", "-0:01",
                      "9223372036854775808", "10000001", "1:00:00:00", "99999999999999999:00", "2777:46:41",
                      "1" + String(repeating: "0", count: 400)])
    func absurdDurationsAreAbsent(_ text: String) throws {
        let record = try item("<itunes:duration>\(text)</itunes:duration>")
        #expect(record.duration == nil, "\(text) → \(String(describing: record.duration))")
    }

    @Test func durationsUpToTheLimitAreKept() throws {
        #expect(try item("<itunes:duration>10000000</itunes:duration>").duration == 10_000_000)
        #expect(try item("<itunes:duration>2777:46:40</itunes:duration>").duration == 10_000_000)
        #expect(try item("<itunes:duration>1:02:03.5</itunes:duration>").duration == 3723.5)
        // Whatever is kept makes a clock without trapping.
        let kept = try #require(try item("<itunes:duration>2777:46:40</itunes:duration>").duration)
        #expect(TimeFormat.clock(kept) == "2777:46:40")
    }

    @Test(arguments: ["99999999999999999999", "1e308", "NaN", "-1", "9223372036854775808", "10000000.5", "npt:99999999999:00:00"])
    func absurdChapterStartsAreDropped(_ start: String) throws {
        let record = try item("<psc:chapters><psc:chapter start=\"\(start)\" title=\"Bad\"/><psc:chapter start=\"5\" title=\"Good\"/></psc:chapters>")
        #expect(record.chapters.map(\.title) == ["Good"], "\(start)")
    }

    @Test(arguments: ["9223372036854775807", "9223372036854775808", "99999999999999999999", "1125899906842625", "-1", "0", "1e9", "0x10"])
    func absurdEnclosureLengthsAreAbsent(_ length: String) throws {
        let record = try item("<enclosure url=\"https://e.com/a.mp3\" length=\"\(length)\" type=\"audio/mpeg\"/>")
        #expect(record.enclosureLength == nil, "\(length)")
        #expect(record.enclosureURL == "https://e.com/a.mp3")
    }

    @Test func largestEnclosureLengthIsKeptAndSurvivesTheStore() throws {
        let record = try item("<enclosure url=\"https://e.com/a.mp3\" length=\"1125899906842624\" type=\"audio/mpeg\"/>")
        #expect(record.enclosureLength == FeedRecord.maximumLength)
        #expect(FeedRecord(json: record.json)?.enclosureLength == FeedRecord.maximumLength)
    }

    @Test(arguments: ["9223372036854775808", "99999999999999999999", "1000000001", "-3"])
    func absurdEpisodeAndSeasonNumbersAreAbsent(_ number: String) throws {
        let record = try item("<itunes:episode>\(number)</itunes:episode><itunes:season>\(number)</itunes:season>")
        #expect(record.number == nil && record.season == nil, "\(number)")
    }

    @Test(arguments: ["Wed, 31 Jan 99999999999999999999 05:00:00 +0000", "Wed, 99999999999999999999 Jan 2018 05:00:00 +0000",
                      "Wed, 31 Jan 2018 99999999999999999999:00:00 +0000", "Wed, 31 Jan 2018 05:00:00 +99999999999999999999",
                      "99999999999999999999-01-31T05:00:00Z", "2018-01-31T05:00:00.99999999999999999999999999Z",
                      "2018-01-31T05:00:00+99999999999999999999"])
    func absurdDatesAreAbsentOrSane(_ date: String) throws {
        let record = try item("<pubDate>\(date)</pubDate>")
        if let published = record.published { #expect(abs(published) < 400_000_000_000, "\(date)") }
    }
}
