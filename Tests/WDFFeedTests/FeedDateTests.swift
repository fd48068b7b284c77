import Testing
import WDFFeed

@Suite("WDFFeedTests: feed dates and durations")
struct FeedDateTests {
    @Test func rfc822() {
        let jan31 = 1_517_374_800
        #expect(FeedDate.parse("Wed, 31 Jan 2018 05:00:00 +0000") == jan31)
        #expect(FeedDate.parse("Wed, 31 Jan 2018 05:00:00 GMT") == jan31)
        #expect(FeedDate.parse("31 Jan 2018 05:00:00 UT") == jan31)
        #expect(FeedDate.parse("Wed, 31 Jan 18 05:00 Z") == jan31)
        #expect(FeedDate.parse("Wed, 31 Jan 2018 00:00:00 EST") == jan31)
        #expect(FeedDate.parse("Wed, 31 Jan 2018 06:00:00 +01:00") == jan31)
        #expect(FeedDate.parse("Wednesday, 31 January 2018 05:00:00 +0000") == jan31)
        #expect(FeedDate.parse("Wed,31 Jan 2018 05:00:00 +0000") == jan31)
        #expect(FeedDate.parse("Wed, 31 Jan 2018 05:00:00") == jan31)
        #expect(FeedDate.parse("Jan 31, 2018 5:00 AM") == jan31)
        #expect(FeedDate.parse("Thu, 1 Feb 2018 00:00:00 PDT") == 1_517_468_400)
        #expect(FeedDate.parse("Fri, 31 Dec 99 23:59:59 GMT") == 946_684_799)
        #expect(FeedDate.parse("Thu, 29 Feb 2024 12:00:00 +0000") == 1_709_208_000)
    }

    @Test func iso8601() {
        #expect(FeedDate.parse("2018-01-31T05:00:00Z") == 1_517_374_800)
        #expect(FeedDate.parse("2018-01-31T05:00:00.250-00:00") == 1_517_374_800)
        #expect(FeedDate.parse("2018-01-31 00:00:00-0500") == 1_517_374_800)
        #expect(FeedDate.parse("2018-01-31") == 1_517_356_800)
    }

    @Test func unreadableDatesAreNil() {
        for text in ["", "sometime next week", "Wed, 31 Foo 2018 05:00:00 +0000", "Thu, 29 Feb 2018 12:00:00 +0000",
                     "Wed, 31 Jan 2018 25:00:00 +0000", "Wed, 31 Jan 2018 05:00:00 +9999", "31 2018",
                     "2018-13-01", "2018-01-31T05:00:00 garbage", String(repeating: "9", count: 5000)] {
            #expect(FeedDate.parse(text) == nil, "\(text)")
        }
    }

    @Test func utcDay() {
        #expect(FeedDate.day(1_517_374_800) == "2018-01-31")
        #expect(FeedDate.day(0) == "1970-01-01")
        #expect(FeedDate.day(-86_400) == "1969-12-31")
        #expect(FeedDate.day(-1) == "1969-12-31")
        #expect(FeedDate.day(1_709_208_000) == "2024-02-29")
    }

    @Test func durations() throws {
        func duration(_ text: String) throws -> Double? {
            let bytes = FeedFixtures.feed(item: "<title>A</title><itunes:duration>\(text)</itunes:duration>")
            return try RSSParser.parse(bytes).items[0].duration
        }
        #expect(try duration("33:12") == 1992)
        #expect(try duration("1:02:03") == 3723)
        #expect(try duration("01:02:03") == 3723)
        #expect(try duration("1992") == 1992)
        #expect(try duration(" 1992.5 ") == 1992.5)
        #expect(try duration("0") == nil)
        #expect(try duration("") == nil)
        #expect(try duration("about an hour") == nil)
        #expect(try duration("-5") == nil)
        #expect(try duration("1:75:00") == nil)
    }
}
