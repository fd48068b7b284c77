import Testing
import WDFCore
import WDFLibrary

@Suite("ShowNotesText")
struct ShowNotesTextTests {
    @Test func episodeSixPlainTextPassesThrough() throws {
        let notes = try ChapterFixtures.text("episode-6-show-notes.txt")
        let text = ShowNotesText.plain(notes)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Korean War #6: Sino-Soviet Talks Part 2")
        #expect(lines.last == "0:00 / 0:00")
        #expect(text.contains("Much, it seemed, still needed to be done.\n\nMusic used:\n\n'Cotton Eye Joe' by Elmo Newcomer"))
        #expect(text.contains("Facebook page: https://www.facebook.com/WhenDiplomacyFailsPodcast/\n\nFacebook group:"))
        #expect(text.contains("Liu 'Shao-Chi' - NOT Liu 'Shao-Kwee'"))
        #expect(!text.contains("\n\n\n"))
        #expect(lines.allSatisfy { $0.last != " " })
        // Only blank lines went: every line of the notes is there, in order.
        let original = notes.split(separator: "\n").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        #expect(lines.filter { !$0.isEmpty }.map(String.init) == original)
    }

    @Test func episodeSixAsHTML() {
        let html = """
        <p>IMP: Liu Shaoqi is Liu 'Shao-Chi' - NOT Liu 'Shao-Kwee'. Apologies for the mispronunciation! Love me anyway?</p>
        <p>Episode 6: Sino-Soviet Talks Part 2, continues the story&nbsp;from where we left off
           last time.</p>
        <p><strong>Music used:</strong></p>
        <ul><li>'Cotton Eye Joe' by Elmo Newcomer, a 1948 song which can be found here: <a href="https://www.loc.gov/item/lomaxbib000040/">https://www.loc.gov/item/lomaxbib000040/</a></li></ul>
        <p>Facebook page: <a href="https://www.facebook.com/WhenDiplomacyFailsPodcast/" target="_blank">Facebook</a><br>
        Patreon: <a href="https://www.patreon.com/WhenDiplomacyFails">www.patreon.com/WhenDiplomacyFails</a><br />
        Visit the website: <a href='http://www.wdfpodcast.com/'>http://www.wdfpodcast.com/</a></p>
        <p>Thanksss :D</p>
        """
        #expect(ShowNotesText.plain(html) == """
        IMP: Liu Shaoqi is Liu 'Shao-Chi' - NOT Liu 'Shao-Kwee'. Apologies for the mispronunciation! Love me anyway?

        Episode 6: Sino-Soviet Talks Part 2, continues the story from where we left off last time.

        Music used:

        • 'Cotton Eye Joe' by Elmo Newcomer, a 1948 song which can be found here: https://www.loc.gov/item/lomaxbib000040/

        Facebook page: Facebook (https://www.facebook.com/WhenDiplomacyFailsPodcast/)
        Patreon: www.patreon.com/WhenDiplomacyFails
        Visit the website: http://www.wdfpodcast.com/

        Thanksss :D
        """)
    }

    @Test func links() {
        let html = ##"<p><a href="">Empty</a><br><a href="javascript:void(0)">Click</a><br><a href="#top">Top</a><br>"##
            + #"<a href="https://x.org/p"><img src="i.png"></a><br><a href="mailto:me@x.org">me@x.org</a><br>"#
            + #"<a HREF="https://x.org/?a=1&amp;b=2">Q</a> and <a href=https://y.org/>unquoted</a>.</p>"#
        #expect(ShowNotesText.plain(html) == """
        Empty
        Click
        Top
        https://x.org/p
        me@x.org
        Q (https://x.org/?a=1&b=2) and unquoted (https://y.org/).
        """)
    }

    @Test func unclosedLinkIsFinishedAtTheEnd() {
        #expect(ShowNotesText.plain(#"<p>see <a href="http://x.org/y">this"#) == "see this (http://x.org/y)")
    }

    @Test func lists() {
        let html = "<p>Sources:</p><ol><li>First</li><li>Second<ul><li>Nested</li></ul></li></ol><p>After</p>"
        #expect(ShowNotesText.plain(html) == "Sources:\n\n1. First\n2. Second\n  • Nested\n\nAfter")
    }

    @Test func breaksHeadingsAndDivs() {
        #expect(ShowNotesText.plain("<h2>Sources</h2>Text<br>More<br><br>Last") == "Sources\n\nText\nMore\n\nLast")
        #expect(ShowNotesText.plain("<div>one</div><div>two</div>three") == "one\ntwo\nthree")
        #expect(ShowNotesText.plain("<p>a</p>\n\n<p></p><p>  </p><br><br><br><p>b</p>") == "a\n\nb")
    }

    @Test func entities() {
        #expect(ShowNotesText.plain("Fish &amp; Chips &ndash; &quot;tasty&quot; &#8217;&#x2019; caf&eacute; &Uuml; &bogus; AT&T &#150; &#0;")
            == "Fish & Chips – \"tasty\" ’’ café Ü &bogus; AT&T – \u{FFFD}")
        #expect(ShowNotesText.plain("<p>&lt;b&gt; is a tag&nbsp;&nbsp;here</p>") == "<b> is a tag  here")
        #expect(HTMLEntity.namedEntity("eacute") == "é")
        #expect(HTMLEntity.namedEntity("nosuch") == nil)
    }

    @Test func scriptStyleAndCommentsVanish() {
        #expect(ShowNotesText.plain("<style>p { color: red }</STYLE><p>shown</p><script>var x = '<p>no</p>';</script><!-- <p>no</p> -->end")
            == "shown\n\nend")
        #expect(ShowNotesText.plain("<p>a</p><script>alert('<p>x</p>')") == "a")
        #expect(ShowNotesText.plain("<p>before</p><!-- never closed <p>hidden</p>") == "before")
    }

    @Test func plainTextKeepsLineBreaks() {
        #expect(ShowNotesText.plain("Line 1\r\nLine 2\r\n\r\n\r\n\r\nLine 3   \n\n") == "Line 1\nLine 2\n\nLine 3")
        #expect(ShowNotesText.plain("  indented\n\tkept") == "  indented\n\tkept")
        #expect(ShowNotesText.plain("a < b and c > d") == "a < b and c > d")
        #expect(ShowNotesText.plain("") == "")
    }

    @Test func inlineOnlyMarkupKeepsLineBreaks() {
        #expect(ShowNotesText.plain("Line one <b>bold</b>\nLine two <a href=\"https://x.org\">link</a>")
            == "Line one bold\nLine two link (https://x.org)")
    }

    @Test func wrapping() {
        #expect(ShowNotesText.plain("<ul><li>one two three four five six</li></ul>", width: 14) == "• one two\n  three four\n  five six")
        #expect(ShowNotesText.plain("See https://www.example.com/a/very/long/path/indeed now", width: 20)
            == "See\nhttps://www.example.com/a/very/long/path/indeed\nnow")
        #expect(ShowNotesText.plain("<ol><li>alpha beta gamma</li></ol>", width: 12) == "1. alpha\n   beta\n   gamma")
        #expect(ShowNotesText.plain("short\n\nlines stay", width: 40) == "short\n\nlines stay")
        #expect(ShowNotesText.plain("no wrap at all here", width: 0) == "no wrap at all here")
    }

    @Test func hostileInput() {
        #expect(ShowNotesText.plain("x <a href='http://e.com'") == "x <a href='http://e.com'")
        let opens = String(repeating: "<a", count: 300_000)
        #expect(ShowNotesText.plain(opens) == opens)
        #expect(ShowNotesText.plain(String(repeating: "<div>", count: 100_000) + "x") == "x")
        #expect(ShowNotesText.plain(String(repeating: "<a href=\"u\">", count: 50_000) + "t") == String(repeating: "u ", count: 49_999) + "t (u)")
        #expect(ShowNotesText.plain(#"<p><a href="https://x.org/p"><img src="i.png"></a>Next</p>"#) == "https://x.org/p Next")
        let amps = String(repeating: "&#x", count: 100_000)
        #expect(ShowNotesText.plain(amps) == amps)
        #expect(ShowNotesText.plain(String(repeating: "<!--", count: 50_000)) == "")
        #expect(ShowNotesText.plain("<p>" + String(repeating: "<", count: 100_000)) == String(repeating: "<", count: 100_000))
    }

    @Test func randomMarkupNeverCrashes() {
        let alphabet = Array("<>/&;#xa p=\"'-!b rl i\n\u{A0}é😀".unicodeScalars)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<300 {
            var text = String.UnicodeScalarView()
            for _ in 0..<400 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            let plain = ShowNotesText.plain(String(text), width: 10)
            #expect(!plain.contains("\n\n\n"))
        }
    }
}
