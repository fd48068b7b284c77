import Testing
import WDFCore
import WDFFeed
import WDFPlatform
import WDFStore
import WDFLibrary

@Suite("WDFFeedTests: RSS parser")
struct RSSParserTests {
    func parse(_ bytes: [UInt8]) throws -> FeedDocument { try RSSParser.parse(bytes, now: 1_700_000_000) }

    func failure(_ bytes: [UInt8]) -> String? {
        do {
            _ = try RSSParser.parse(bytes)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func channel() throws {
        let feed = try parse(FeedFixtures.wdfBytes)
        #expect(feed.title == "When Diplomacy Fails Podcast")
        #expect(feed.link == "http://www.wdfpodcast.com/")
        #expect(feed.items.map(\.title) == [
            "Korean War #7: Kim Il Sung’s Gamble", "Interview: Bill Bailey on the Cold War",
            "Korean War #6: Sino-Soviet Talks Part 2", "Korean War #5: Sino-Soviet Talks Part 1",
            "Announcement: Schedule change", "Korean War #3: Rhee and Kim",
        ])
        #expect(feed.items.allSatisfy { $0.firstSeen == 1_700_000_000 && $0.file == nil })
    }

    @Test func episodeSix() throws {
        let item = try #require(try parse(FeedFixtures.wdfBytes).items.first { $0.title.contains("#6") })
        #expect(item.guid == "4f2e9a1c-wdf-kw-6")
        #expect(item.series == "Korean War")
        #expect(item.number == 6)
        #expect(item.season == nil)
        #expect(item.published == 1_517_374_800)
        #expect(item.date == "2018-01-31")
        #expect(item.duration == Double(33 * 60 + 12))
        #expect(item.enclosureURL == "https://traffic.example.com/wdf/KW6.mp3")
        #expect(item.enclosureLength == 31_876_543)
        #expect(item.enclosureType == "audio/mpeg")
        #expect(item.chaptersURL == nil)
        #expect(item.chapters.isEmpty)
        let notes = try #require(item.notesHTML)
        #expect(notes.hasPrefix("<p>IMP: Liu Shaoqi is Liu 'Shao-Chi'"))
        #expect(notes.hasSuffix("</a></p>"))
        #expect(ShowNotesText.plain(notes).contains("Facebook page: https://www.facebook.com/WhenDiplomacyFailsPodcast/"))
    }

    @Test func podcastChaptersAndSingleDigitDay() throws {
        let item = try parse(FeedFixtures.wdfBytes).items[0]
        #expect(item.guid == "wdf-kw-7")
        #expect(item.number == 7)
        #expect(item.published == 1_517_979_600)
        #expect(item.date == "2018-02-07")
        #expect(item.duration == 3_723)
        // The XML chapters link is passed over for the JSON one.
        #expect(item.chaptersURL == "https://example.com/kw7.json")
        #expect(item.notesHTML == "Kim <b>gambles</b>.")
    }

    @Test func itunesEpisodeSeasonAndEasternTime() throws {
        let item = try parse(FeedFixtures.wdfBytes).items[1]
        #expect(item.number == 42)
        #expect(item.season == 2)
        #expect(item.series == nil)
        #expect(item.guid == "https://www.wdfpodcast.com/interview-bailey")
        #expect(item.published == 1_517_765_400)
        #expect(item.date == "2018-02-04")
        #expect(item.duration == 1992.5)
        #expect(item.enclosureLength == nil)
        #expect(item.notesHTML == nil)
    }

    @Test func podloveChaptersAndContentEncoded() throws {
        let item = try parse(FeedFixtures.wdfBytes).items[3]
        #expect(item.title == "Korean War #5: Sino-Soviet Talks Part 1")
        #expect(item.number == 5)
        #expect(item.published == 1_516_770_000)
        #expect(item.notesHTML == "<p>The <em>long</em> notes.</p>")
        #expect(item.enclosureLength == nil)
        #expect(item.chapters == [
            FeedChapterRecord(start: 0, title: "Introduction"),
            FeedChapterRecord(start: 62.5, title: "Stalin & Mao", url: "https://example.com/stalin", image: "https://example.com/s.jpg"),
            FeedChapterRecord(start: 754, title: "The telegram"),
            FeedChapterRecord(start: 1500.25, title: "Liu Shaoqi arrives"),
        ])
    }

    @Test func itemWithoutEnclosureIsKept() throws {
        let item = try parse(FeedFixtures.wdfBytes).items[4]
        #expect(item.guid == "Announcement: Schedule change")
        #expect(item.enclosureURL == nil)
        #expect(item.enclosureLength == nil)
        #expect(item.published == nil)
        #expect(item.date == nil)
        #expect(item.number == nil)
        #expect(item.notesHTML == "No episode this week — back on the 24th.")
    }

    @Test func otherPrefixForTheITunesNamespace() throws {
        let item = try parse(FeedFixtures.wdfBytes).items[5]
        #expect(item.duration == 1992)
        #expect(item.number == 3)
        #expect(item.season == nil)
        #expect(item.guid == "https://traffic.example.com/wdf/KW3.mp3")
        #expect(item.enclosureLength == nil)
        #expect(item.enclosureType == nil)
        // 21:00 in New York is the next day in UTC.
        #expect(item.published == 1_516_154_400)
        #expect(item.date == "2018-01-17")
    }

    @Test func prefixesAreNamespacesNotNames() throws {
        // "itunes:" here is bound to another namespace, and "x:" to iTunes.
        let bytes = FeedFixtures.feed(
            item: "<title>A</title><itunes:episode>9</itunes:episode><x:episode>4</x:episode>",
            namespaces: #" xmlns:itunes="urn:not-itunes" xmlns:x="http://www.itunes.com/DTDs/Podcast-1.0.dtd""#)
        #expect(try parse(bytes).items[0].number == 4)
    }

    @Test func undeclaredITunesPrefixIsStillRead() throws {
        let bytes = FeedFixtures.feed(item: "<title>A</title><itunes:duration>75:00</itunes:duration>")
        #expect(try parse(bytes).items[0].duration == 4500)
    }

    @Test func missingTitleIsUntitled() throws {
        let item = try parse(FeedFixtures.feed(item: "<guid>g1</guid><title>  </title>"))
        #expect(item.items[0].title == "Untitled")
        #expect(item.items[0].guid == "g1")
    }

    @Test func unescapedMarkupInDescriptionIsKeptAsHTML() throws {
        let item = try parse(FeedFixtures.feed(item: "<title>A</title><description>Hello <b>big</b> &amp; <i>bold</i> world</description>"))
        #expect(item.items[0].notesHTML == "Hello <b>big</b> &amp; <i>bold</i> world")
    }

    @Test func rss1() throws {
        let text = """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="x"><title>Old</title></channel>
        <item rdf:about="y"><title>One</title><dc:date>2018-01-31T06:00:00+01:00</dc:date></item>
        </rdf:RDF>
        """
        let feed = try parse(Array(text.utf8))
        #expect(feed.title == "Old")
        #expect(feed.items.map(\.title) == ["One"])
        #expect(feed.items[0].published == 1_517_374_800)
    }

    // MARK: not feeds

    @Test func emptyInput() {
        #expect(failure([]) == "The feed is empty.")
        #expect(failure(Array(" \n\t ".utf8)) == "The feed is empty.")
        #expect(failure([0xEF, 0xBB, 0xBF, 0x0A]) == "The feed is empty.")
    }

    @Test func htmlPage() {
        let page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>404 Not Found</title></head>
        <body><p>Gone.<br></body></html>
        """
        #expect(failure(Array(page.utf8)) == "The feed is neither RSS nor Atom: its root element is <html>.")
        #expect(failure(Array("<html><body>fine</body></html>".utf8)) == "The feed is neither RSS nor Atom: its root element is <html>.")
    }

    /// An Atom podcast feed: entries with enclosure links, dates, each kind of text construct,
    /// and the same iTunes and Podlove extensions as RSS items.
    @Test func atomFeed() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
                  xmlns:psc="http://podlove.org/simple-chapters">
              <title type="text">When Diplomacy Fails Podcast</title>
              <link rel="self" href="https://example.org/wdf.atom"/>
              <link href="https://example.org/wdf"/>
              <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
              <updated>2018-02-07T05:00:00Z</updated>
              <entry>
                <title>Korean War #6: Sino-Soviet Talks Part 2</title>
                <id>tag:example.org,2018:kw-6</id>
                <published>2018-01-31T05:00:00-05:00</published>
                <updated>2018-02-01T00:00:00Z</updated>
                <link rel="alternate" type="text/html" href="https://example.org/kw-6"/>
                <link rel="enclosure" type="audio/mpeg" length="31876543" href=" https://example.org/audio/kw6.mp3 "/>
                <content type="html">&lt;p&gt;Stalin &amp;amp; Mao &lt;a href="https://example.org/s"&gt;talk&lt;/a&gt;.&lt;/p&gt;</content>
                <summary>Ignored: the content comes first.</summary>
                <itunes:duration>33:00</itunes:duration>
                <psc:chapters version="1.2"><psc:chapter start="00:00:00" title="An Interview"/><psc:chapter start="00:05:30" title="Moscow"/></psc:chapters>
              </entry>
              <entry>
                <title>Korean War #7: Kim Il Sung's Gamble</title>
                <id>tag:example.org,2018:kw-7</id>
                <updated>2018-02-07T05:00:00Z</updated>
                <itunes:episode>7</itunes:episode>
                <link rel="enclosure" href="https://example.org/audio/kw7.mp3"/>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Kim <b>gambles</b>.</p></div></content>
              </entry>
              <entry>
                <title>Announcement</title>
                <id>tag:example.org,2018:note</id>
                <summary>Less than a week &lt; 7 days
            and a second line.</summary>
              </entry>
            </feed>
            """
        let feed = try parse(Array(xml.utf8))
        #expect(feed.title == "When Diplomacy Fails Podcast")
        #expect(feed.link == "https://example.org/wdf")
        #expect(feed.items.map(\.guid) == ["tag:example.org,2018:kw-6", "tag:example.org,2018:kw-7", "tag:example.org,2018:note"])
        let six = feed.items[0]
        #expect(six.series == "Korean War" && six.number == 6)
        #expect(six.date == "2018-01-31" && six.published == 1_517_392_800)
        #expect(six.enclosureURL == "https://example.org/audio/kw6.mp3" && six.enclosureLength == 31_876_543 && six.enclosureType == "audio/mpeg")
        #expect(six.notesHTML == #"<p>Stalin &amp; Mao <a href="https://example.org/s">talk</a>.</p>"#)
        #expect(six.duration == 1980)
        #expect(six.chapters.map(\.title) == ["An Interview", "Moscow"] && six.chapters.map(\.start) == [0, 330])
        let seven = feed.items[1]
        #expect(seven.number == 7 && seven.date == "2018-02-07" && seven.enclosureURL == "https://example.org/audio/kw7.mp3")
        #expect(seven.enclosureLength == nil)
        #expect(seven.notesHTML?.contains("<p>Kim <b>gambles</b>.</p>") == true, "\(String(describing: seven.notesHTML))")
        let note = feed.items[2]
        #expect(note.enclosureURL == nil && note.date == nil)
        #expect(note.notesHTML == "Less than a week &lt; 7 days<br>and a second line.")
        #expect(ShowNotesText.plain(note.notesHTML ?? "").contains("Less than a week < 7 days"))
    }

    @Test func atomRootOutsideTheAtomNamespaceIsNotAFeed() {
        #expect(failure(Array("<feed><title>x</title></feed>".utf8)) == "The feed is neither RSS nor Atom: its root element is <feed>.")
    }

    @Test func noChannel() {
        #expect(failure(Array("<rss version=\"2.0\"></rss>".utf8)) == "The feed has no <channel> element.")
    }

    @Test func mismatchedTagNamesLineAndColumn() {
        let text = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel>\n  <item>\n    <title>Hi\n    </item>\n</channel></rss>"
        #expect(failure(Array(text.utf8))
            == "The feed is not well-formed XML: line 6, column 5: </item> closes <title>.")
    }

    @Test func columnsCountCharactersNotBytes() {
        let text = "<rss><channel><title>Café «x» </titel></channel></rss>"
        #expect(failure(Array(text.utf8))
            == "The feed is not well-formed XML: line 1, column 31: </titel> closes <title>.")
    }

    @Test func otherSyntaxErrors() throws {
        func reason(_ text: String) -> String { failure(Array(text.utf8)) ?? "parsed" }
        #expect(reason("<rss><channel><item a=b></item></channel></rss>").contains("line 1, column 23: the value of the attribute “a” of <item> is not in quotes"))
        #expect(reason("<rss><channel></channel></rss><rss/>").contains("a second root element <rss>"))
        #expect(reason("<rss><channel></channel></rss>trailing").contains("text after the root element"))
        #expect(reason("{\"version\": 1}").contains("line 1, column 1: text before the root element"))
        #expect(reason("<rss><channel><!-- never closed </channel></rss>").contains("the comment never ends"))
        #expect(reason("<rss><channel><title><![CDATA[x</title></channel></rss>").contains("CDATA section never ends"))
        #expect(reason("<rss><channel><item>").contains("the document ends inside <item> (opened at line 1, column 15)"))
        #expect(reason("<rss></channel></rss>").contains("</channel> closes <rss>"))
        #expect(reason("<rss><channel><item title=\"x\" =></item></channel></rss>").contains("unexpected “=” in the tag <item>"))
    }

    @Test func truncatedAtEveryOffsetNeverCrashes() throws {
        let full = FeedFixtures.wdfBytes
        let end = try #require(full.lastIndex(of: UInt8(ascii: ">")))
        for cut in 0...end {
            let message = failure(Array(full[..<cut]))
            let text = try #require(message, "cut at \(cut) parsed")
            #expect(text.hasPrefix("The feed is"), "cut at \(cut): \(text)")
        }
        #expect(failure(Array(full[...end])) == nil)
    }

    @Test func doctypeEntitiesAreNotExpanded() throws {
        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ELEMENT lolz (#PCDATA)>\n"
        laughs += " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        for n in 2...9 {
            laughs += " <!ENTITY lol\(n) \"" + String(repeating: "&lol\(n - 1);", count: 10) + "\">\n"
        }
        laughs += " <!-- a ] and a > in a comment -->\n]>\n<rss><channel><title>&lol9;</title><item><title>a &lol; b</title></item></channel></rss>"
        let feed = try parse(Array(laughs.utf8))
        #expect(feed.title == "&lol9;")
        #expect(feed.items[0].title == "a &lol; b")
    }

    @Test func deepNestingIsRefused() throws {
        let deep = "<rss><channel>" + String(repeating: "<x>", count: 300) + String(repeating: "</x>", count: 300) + "</channel></rss>"
        let message = try #require(failure(Array(deep.utf8)))
        #expect(message.contains("nested more than 256 deep"))
        let fine = "<rss><channel>" + String(repeating: "<x>", count: 250) + String(repeating: "</x>", count: 250) + "</channel></rss>"
        #expect(failure(Array(fine.utf8)) == nil)
    }

    /// XXE: an external entity (general or parameter) is never fetched or read; `&xxe;` stays as
    /// written and the file's text appears nowhere.
    @Test func externalEntitiesAreNeverRead() throws {
        let passwd = try FileSystem.read("/etc/passwd")
        let firstLine = String(decoding: passwd.prefix { $0 != 0x0A }, as: UTF8.self)
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [
             <!ENTITY xxe SYSTEM "file:///etc/passwd">
             <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;
             <!ENTITY pub PUBLIC "-//X//Y" "file:///etc/hostname">
            ]>
            <rss><channel><title>&xxe;</title><item><title>a &pub; b</title><description>&xxe;</description></item></channel></rss>
            """
        let feed = try parse(Array(xxe.utf8))
        #expect(feed.title == "&xxe;")
        #expect(feed.items[0].title == "a &pub; b")
        #expect(!(feed.items[0].notesHTML ?? "").contains(firstLine))
        #expect(feed.items[0].notesHTML == "&xxe;")
    }

    /// A wide document: 60 MiB of `<a/>` made the reader hold 1.8 GB for 27 s. At most
    /// `XMLReader.maximumElements` elements are read; one more is refused, naming the limit.
    @Test func tooManyElementsAreRefused() throws {
        func feed(_ count: Int) -> [UInt8] {
            var bytes = Array("<rss><channel><title>W</title>".utf8)
            bytes.reserveCapacity(count * 4 + 64)
            for _ in 0..<count { bytes += [0x3C, 0x61, 0x2F, 0x3E] }
            return bytes + Array("</channel></rss>".utf8)
        }
        let limit = XMLReader.maximumElements
        // rss, channel and title are three of them.
        #expect(failure(feed(limit - 3)) == nil)
        let message = try #require(failure(feed(limit - 2)))
        #expect(message.hasPrefix("The feed is larger than wdfplay reads: line 1, column "), "\(message)")
        #expect(message.contains("more than \(limit) elements"), "\(message)")
    }

    @Test func tooManyAttributesAreRefused() throws {
        func feed(_ count: Int) -> [UInt8] {
            let attributes = (0..<count).map { "a\($0)=\"1\"" }.joined(separator: " ")
            return Array("<rss><channel><title>A</title><x \(attributes)/></channel></rss>".utf8)
        }
        #expect(failure(feed(XMLReader.maximumAttributes)) == nil)
        let message = try #require(failure(feed(XMLReader.maximumAttributes + 1)))
        #expect(message.contains("<x> has more than \(XMLReader.maximumAttributes) attributes"), "\(message)")
    }

    @Test func invalidUTF8IsReplaced() throws {
        var bytes = Array("<rss><channel><item><title>Caf".utf8)
        bytes += [0xC3, 0x20, 0xFF, 0xFE, 0xE2, 0x82]
        bytes += Array("!</title></item></channel></rss>".utf8)
        let title = try parse(bytes).items[0].title
        #expect(title.hasPrefix("Caf\u{FFFD}"))
        #expect(title.hasSuffix("!"))
        #expect(title.unicodeScalars.filter { $0 == "\u{FFFD}" }.count >= 3)
    }

    @Test func latin1Declared() throws {
        var bytes = Array("<?xml version='1.0' encoding='ISO-8859-1'?>\n<rss><channel><title>Caf".utf8)
        bytes += [0xE9, 0x20, 0x93, 0x71, 0x94, 0x20, 0xA3, 0x35]
        bytes += Array("</title></channel></rss>".utf8)
        #expect(try parse(bytes).title == "Café “q” £5")
        // Undeclared, the same bytes are (invalid) UTF-8.
        let utf8 = Array(bytes.drop { $0 != 0x0A }.dropFirst())
        #expect(try parse(utf8).title?.contains("\u{FFFD}") == true)
    }

    @Test func utf16WithByteOrderMark() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><title>Привет</title></channel></rss>"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try parse(bytes).title == "Привет")
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("<rss>\r\n<channel>\r\n<title>A\r\nB</title>\r\n<item><description>x\r\ny</description></item></channel></rss>".utf8)
        let feed = try parse(bytes)
        #expect(feed.title == "A B")
        #expect(feed.items[0].notesHTML == "x\ny")
    }

    @Test func tooLarge() {
        let bytes = [UInt8](repeating: 0x20, count: RSSParser.maximumSize + 1)
        #expect(failure(bytes) == "The feed is too large: 65 MB (at most 64 MB).")
    }

    @Test func hostileTextIsLinear() throws {
        // 2 MB of ampersands, unfinished entities and stray "<" in an item title.
        let noise = String(repeating: "&&#x&amp &# a < b ", count: 55_000)
        let feed = try parse(FeedFixtures.feed(item: "<title>\(noise)</title>"))
        #expect(feed.items[0].title.hasPrefix("&&#x&amp &# a < b &&#x"))
    }
}
