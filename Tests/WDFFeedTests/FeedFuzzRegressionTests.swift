import Glibc
import Testing
import WDFCore
import WDFFeed
import WDFPlatform
import WDFLibrary

/// Replays the fuzz seeds (`Tests/Fuzz/feed-corpus`) and every input that once broke a reader
/// (`Tests/Fuzz/feed-regressions`) through the fuzz target's own calls (`FeedFuzzTarget`): a crash
/// here is a bug in the feed, show-notes or MP3 length reader. `Scripts/fuzz-feed` finds new ones.
@Suite("WDFFeedTests: feed fuzz regressions")
struct FeedFuzzRegressionTests {
    /// `Tests/` of this package, from this file's path.
    static let testsDirectory = FileSystem.directoryName(FileSystem.directoryName(String(#filePath)))

    /// The files in `Tests/<folder>` (none when it is empty or missing), README.md and dot files aside.
    static func inputs(in folder: String) -> [String] {
        let directory = testsDirectory + "/" + folder
        return FileSystem.names(in: directory)
            .filter { !$0.hasPrefix(".") && $0 != "README.md" && !FileSystem.isDirectory(directory + "/" + $0) }
            .map { directory + "/" + $0 }.sorted()
    }

    static let seeds = inputs(in: "Fuzz/feed-corpus")
    static let regressions = inputs(in: "Fuzz/feed-regressions")

    @Test func seedCorpusIsThere() throws {
        #expect(Self.seeds.count >= 10)
        let wdf = try #require(Self.seeds.first { FileSystem.baseName($0) == "feed-wdf.xml" })
        #expect(try RSSParser.parse(FileSystem.read(wdf)).items.count == 6)
        let audio = try #require(Self.seeds.first { FileSystem.baseName($0) == "audio-tones.bin" })
        let bytes = try FileSystem.read(audio)
        // The Info header's 1150 frames do not fit into 4 KiB: estimated from the frames seen.
        #expect(MP3DurationReader.parse(head: bytes, fileSize: bytes.count, tail: [])?.source == .estimate)
        #expect(MP3DurationReader.parse(head: bytes, fileSize: 481_742 - 672, tail: [])?.seconds == 30)
    }

    // MARK: what the kept inputs broke (quadratic time and memory, found under Scripts/fuzz-feed)

    /// 6 000 unclosed `<ul>` then 6 000 `<li>`: each item was indented by its full depth, 12 000
    /// blanks, so 48 KB of notes became 72 M characters (76 s under the fuzzer, 1.3 GB).
    @Test func deeplyNestedListsAreIndentedAtMostEightLevels() {
        #expect(ShowNotesText.plain(String(repeating: "<ul>", count: 20) + "<li>x")
            == String(repeating: "  ", count: 7) + "• x")
        #expect(ShowNotesText.plain("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>") == "• a\n  • b\n    1. c")
        let n = 6_000
        let text = ShowNotesText.plain(String(repeating: "<ul>", count: n) + String(repeating: "<li>", count: n), width: 60)
        // Each line "              •" (its trailing blank trimmed), n of them.
        #expect(text.unicodeScalars.count == n * (14 + 1 + 1) - 1)
    }

    /// A line indented by 30 000 blanks followed by 15 000 words, wrapped at 60: every one-word
    /// continuation line repeated the whole indent (450 M characters, 3.5 s and 1.6 GB).
    @Test func wrappedLinesHangAtMostHalfTheWidth() throws {
        #expect(ShowNotesText.plain("x\n" + String(repeating: " ", count: 10) + "aa bb cc", width: 12)
            == "x\n" + String(repeating: " ", count: 10) + "aa\n      bb cc")
        #expect(ShowNotesText.plain("<ul><li>one two three four five six</li></ul>", width: 14) == "• one two\n  three four\n  five six")
        let notes = "x\n" + String(repeating: " ", count: 30_000) + String(repeating: "a ", count: 15_000)
        let feed = RSSFeedBytes.item("<description>\(notes)</description>")
        let item = try #require(try RSSParser.parse(feed).items.first)
        let text = ShowNotesText.plain(item.notesHTML ?? "", width: 60)
        #expect(text.unicodeScalars.count < 100_000)
        let lines: [Substring] = text.split(separator: "\n")
        #expect(lines.count > 100)
        #expect(lines.dropFirst(2).allSatisfy { $0.count <= 60 })
    }

    /// A long namespace URI (32 KB in the kept input) declared once and used by thousands of
    /// elements: it was hashed and lowercased once per child (O(URI × children); a 64 MB feed
    /// could take hours). Timing is for the fuzz script (`Scripts/fuzz-feed` reports the slowest
    /// inputs), not a test: here the parse must still be right.
    @Test func longNamespaceURIIsNotReadPerChild() throws {
        let uri = "http://x/" + String(repeating: "A", count: 64 << 10)
        let children = String(repeating: "<p:a/>", count: 10_000)
        let feed = RSSFeedBytes.wrap(#"<rss xmlns:p="\#(uri)"><channel><title>T</title>\#(children)<item><title>A</title></item></channel></rss>"#)
        let parsed = try RSSParser.parse(feed)
        #expect(parsed.title == "T")
        #expect(parsed.items.map(\.title) == ["A"])
        // Known namespaces are still known, also in their other spellings.
        let itunes = RSSFeedBytes.item("<title>A</title><i:episode>4</i:episode>",
                                       namespaces: #" xmlns:i="https://www.itunes.com/DTDs/Podcast-1.0.dtd/""#)
        #expect(try RSSParser.parse(itunes).items[0].number == 4)
    }

    /// Runs with no argument too: the regressions folder may be empty.
    @Test(arguments: seeds + regressions)
    func replay(path: String) throws {
        FeedFuzzTarget.run(try FileSystem.read(path))
    }
}

/// Feeds built in a test.
private enum RSSFeedBytes {
    static func wrap(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A minimal feed around one item's inner XML.
    static func item(_ item: String, namespaces: String = "") -> [UInt8] {
        wrap("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"\(namespaces)><channel><title>T</title><item>\(item)</item></channel></rss>")
    }
}
