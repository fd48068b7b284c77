import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("Chapter sources: show notes")
struct ChapterSourceShowNotesTests {
    func titles(_ notes: String, duration: Double? = nil) -> [String] {
        ShowNotesChapterSource.parse(notes, duration: duration).map(\.chapter.title)
    }

    @Test func realEpisodeSixNotesHaveNoChapters() throws {
        let notes = try ChapterFixtures.text("episode-6-show-notes.txt")
        #expect(notes.contains("0:00 / 0:00"))
        #expect(ShowNotesChapterSource.timestampedLines(in: notes).isEmpty)
        #expect(ShowNotesChapterSource.parse(notes, duration: 33 * 60).isEmpty)
        #expect(ShowNotesChapterSource.parse(notes, duration: nil).isEmpty)
    }

    @Test func widgetIsNeverAChapter() {
        for widget in ["0:00 / 0:00", "12:34 / 33:10", "[0:00 / 0:00]", "0:00/0:00", "(0:00 - 0:00)"] {
            #expect(ShowNotesChapterSource.chapter(in: Substring(widget)) == nil, "\(widget)")
        }
    }

    @Test func timestampedNotes() throws {
        let chapters = ShowNotesChapterSource.parse(try ChapterFixtures.text("show-notes-timestamps.txt"), duration: 3_900)
        #expect(chapters.map(\.chapter) == [
            Chapter(title: "Introduction", start: 0),
            Chapter(title: "Stalin's reply", start: 330),
            Chapter(title: "The Chinese offensive of April 1949", start: 720),
            Chapter(title: "Liu Shaoqi arrives", start: 18 * 60 + 45),
            Chapter(title: "What Mao wanted", start: 25 * 60 + 10),
            Chapter(title: "The talks", start: 3_723),
        ])
        #expect(chapters.allSatisfy { $0.origin == .showNotes && $0.listed })
    }

    @Test func theIssuesExamples() {
        #expect(titles("05:30 Stalin's reply\n(1:02:03) The talks\n[1:12:00] – Liu Shaoqi")
            == ["Stalin's reply", "The talks", "Liu Shaoqi"])
        #expect(titles("12:00 - Title\n13:00 | Other\n14:00: Third\n15:00. Fourth")
            == ["Title", "Other", "Third", "Fourth"])
    }

    @Test func rangesGiveAnEnd() {
        let chapters = ShowNotesChapterSource.parse("00:00–05:00 Intro\n[05:00 - 09:30] Reply\n09:30 Rest", duration: nil)
        #expect(chapters.map(\.chapter) == [
            Chapter(title: "Intro", start: 0, end: 300), Chapter(title: "Reply", start: 300, end: 570),
            Chapter(title: "Rest", start: 570),
        ])
    }

    @Test func nonIncreasingTimestampsGiveNone() throws {
        #expect(titles(try ChapterFixtures.text("show-notes-decreasing.txt")).isEmpty)
        #expect(titles("00:00 A\n05:00 B\n05:00 C").isEmpty)
    }

    @Test func pastTheDurationGivesNone() {
        let notes = "00:00 Intro\n10:00 Middle\n31:00 Late"
        #expect(titles(notes, duration: 30 * 60).isEmpty)
        #expect(titles(notes, duration: 31 * 60).isEmpty)  // a chapter must start inside the episode
        #expect(titles(notes, duration: 31 * 60 + 1).count == 3)
        #expect(titles(notes, duration: nil).count == 3)
    }

    @Test func oneTimestampIsNotEnough() {
        #expect(titles("Hello\n05:30 The only one\nBye").isEmpty)
    }

    @Test func thingsThatAreNotTimestamps() {
        for line in ["12:00pm lunch", "1:02:03:04 too many", "1948 song", "12:5 short", "1234:56 four digits",
                     "5:30", "05:30 ---", "Stalin's reply 05:30", "at 10:30 we met", "05:60 bad seconds",
                     "(05:30 Unclosed", "[05:30) Mismatched"] {
            #expect(ShowNotesChapterSource.chapter(in: Substring(line)) == nil, "\(line)")
        }
        #expect(ShowNotesChapterSource.chapter(in: "05:30 1949") == Chapter(title: "1949", start: 330))
        #expect(ShowNotesChapterSource.chapter(in: "  • 100:00 Long one") == Chapter(title: "Long one", start: 6_000))
    }

    @Test func htmlNotes() throws {
        let notes = try ChapterFixtures.text("show-notes.html")
        #expect(titles(notes, duration: 1_800) == ["Introduction", "Stalin's reply", "Liu Shaoqi & Mao", "The talks"])
    }

    @Test func htmlIsReducedMinimally() {
        #expect(ShowNotesChapterSource.plainText("a<br>b<BR/>c<p>d</p>e") == "a\nb\nc\nd\ne")
        #expect(ShowNotesChapterSource.plainText("x &lt; y &amp;&amp; 3 < 4 &unknown; &#8211; &#x2014; Q&A &#0;")
            == "x < y && 3 < 4 &unknown; – — Q&A \u{FFFD}")  // &#0; is U+FFFD, as HTML decodes it
        #expect(ShowNotesChapterSource.plainText("<a href=\"x?a=1&amp;b=2\">link</a> <!-- note -->") == "link ")
        #expect(ShowNotesChapterSource.plainText("no markup at all") == "no markup at all")
    }

    @Test func sourceReadsTheTagsComment() throws {
        let tag = ID3Tag(version: 3, size: 0, comment: "00:00 One\n00:10 Two")
        let chapters = try ShowNotesChapterSource().chapters(forAudioAt: "/x.mp3", tag: tag, duration: 30)
        #expect(chapters.map(\.chapter.title) == ["One", "Two"])
        #expect(try ShowNotesChapterSource().chapters(forAudioAt: "/x.mp3", tag: nil, duration: 30).isEmpty)
    }

    @Test func hugeNotesStayBounded() {
        let notes = (0..<20_000).map { "\($0 / 60):\($0 % 60 < 10 ? "0" : "")\($0 % 60) Line \($0)" }.joined(separator: "\n")
        #expect(ShowNotesChapterSource.parse(notes, duration: nil).count == ShowNotesChapterSource.maximumChapters)
    }
}
