import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("ID3 chapters")
struct ID3ChapterTests {
    private func chapters(_ builder: ID3TagBuilder) throws -> [Chapter] {
        try #require(ID3Tag.parse(builder.build())).chapters
    }

    private func titles(_ builder: ID3TagBuilder) throws -> [String] {
        try chapters(builder).map(\.title)
    }

    @Test(arguments: [3, 4])
    func tableOfContentsOrderWinsOverStorageOrder(version: Int) throws {
        // Like the tones.mp3 fixture: CHAP frames stored shuffled, CTOC in time order.
        var builder = ID3TagBuilder(version: version)
        builder.addText("TIT2", "Tones")
        let tones = [400, 600, 800, 1000, 1200, 1400]
        for index in [3, 0, 5, 1, 4, 2] {
            builder.addChapter("chp\(index)", start: UInt32(index * 5000), end: UInt32(index * 5000 + 5000),
                               title: "Tone \(tones[index])")
        }
        builder.addTableOfContents("toc", entries: (0..<6).map { "chp\($0)" })
        builder.padding = 256
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == "Tones")
        #expect(tag.chapters == tones.indices.map {
            Chapter(title: "Tone \(tones[$0])", start: Double($0 * 5), end: Double($0 * 5 + 5))
        })
    }

    @Test func tableOfContentsOrderIsKeptEvenWhenNotChronological() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("a", start: 0, end: 10_000, title: "A")
        builder.addChapter("b", start: 10_000, end: 20_000, title: "B")
        builder.addChapter("c", start: 20_000, end: 30_000, title: "C")
        builder.addTableOfContents("toc", entries: ["c", "a", "b"])
        #expect(try titles(builder) == ["C", "A", "B"])
    }

    @Test func withoutTableOfContentsChaptersAreSortedByStart() throws {
        // ffmpeg style: CHAP frames only.
        var builder = ID3TagBuilder(version: 3)
        builder.addChapter("ch2", start: 61_500, end: 90_000, title: "Third")
        builder.addChapter("ch0", start: 0, end: 30_250, title: "First")
        builder.addChapter("ch1", start: 30_250, end: 61_500, title: "Second")
        builder.addChapter("ch1b", start: 30_250, end: 61_500, title: "Second (same start, stored later)")
        let result = try chapters(builder)
        #expect(result == [
            Chapter(title: "First", start: 0, end: 30.25),
            Chapter(title: "Second", start: 30.25, end: 61.5),
            Chapter(title: "Second (same start, stored later)", start: 30.25, end: 61.5),
            Chapter(title: "Third", start: 61.5, end: 90),
        ])
    }

    @Test func nestedTablesAreFlattened() throws {
        var builder = ID3TagBuilder(version: 4)
        for (id, start) in [("intro", 0), ("p1c1", 10), ("p1c2", 20), ("p2c1", 30), ("outro", 40)] {
            builder.addChapter(id, start: UInt32(start * 1000), end: UInt32(start * 1000 + 10_000), title: id)
        }
        builder.addTableOfContents("part2", flags: 0x01, entries: ["p2c1"])
        builder.addTableOfContents("part1", flags: 0x01, entries: ["p1c1", "p1c2"])
        builder.addTableOfContents("toc", flags: 0x03, entries: ["intro", "part1", "part2", "outro"])
        #expect(try titles(builder) == ["intro", "p1c1", "p1c2", "p2c1", "outro"])
    }

    @Test func selfReferencingTableTerminates() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("a", start: 0, end: 1000, title: "A")
        builder.addChapter("b", start: 1000, end: 2000, title: "B")
        builder.addTableOfContents("toc", entries: ["toc", "b", "toc", "a", "toc"])
        #expect(try titles(builder) == ["B", "A"])
    }

    @Test func twoTableLoopTerminates() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("a", start: 0, end: 1000, title: "A")
        builder.addChapter("b", start: 1000, end: 2000, title: "B")
        builder.addChapter("c", start: 2000, end: 3000, title: "C")
        builder.addTableOfContents("one", flags: 0x03, entries: ["c", "two"])
        builder.addTableOfContents("two", flags: 0x01, entries: ["one", "b", "two", "one"])
        // "a" is not reachable from the top-level table: appended by start time.
        #expect(try titles(builder) == ["C", "B", "A"])
    }

    @Test func deepTableChainTerminates() throws {
        // 3,000 tables each naming the next and a chapter: no recursion, bounded work.
        var builder = ID3TagBuilder(version: 4)
        let depth = 3000
        for level in 0..<depth {
            let next = level + 1 < depth ? ["t\(level + 1)"] : ["t0"]
            builder.addTableOfContents("t\(level)", flags: level == 0 ? 0x03 : 0x01, entries: ["c\(level)"] + next)
            builder.addChapter("c\(level)", start: UInt32(level * 1000), end: UInt32(level * 1000 + 1000), title: nil)
        }
        let result = try chapters(builder)
        #expect(result.count == depth)
        #expect(result.first == Chapter(title: "Chapter 1", start: 0, end: 1))
        #expect(result.last == Chapter(title: "Chapter \(depth)", start: Double(depth - 1), end: Double(depth)))
    }

    @Test func unknownEntriesAreSkippedAndUnreachedChaptersAppended() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("late", start: 50_000, end: 60_000, title: "Late extra")
        builder.addChapter("a", start: 10_000, end: 20_000, title: "A")
        builder.addChapter("early", start: 0, end: 10_000, title: "Early extra")
        builder.addChapter("b", start: 20_000, end: 30_000, title: "B")
        builder.addTableOfContents("toc", entries: ["missing", "b", "", "a", "nope"])
        #expect(try titles(builder) == ["B", "A", "Early extra", "Late extra"])
    }

    @Test func firstTableIsTopLevelWhenNoneIsFlagged() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("a", start: 0, end: 1000, title: "A")
        builder.addChapter("b", start: 1000, end: 2000, title: "B")
        builder.addTableOfContents("first", flags: 0x01, entries: ["b"])
        builder.addTableOfContents("second", flags: 0x00, entries: ["a", "b"])
        #expect(try titles(builder) == ["B", "A"])

        var flagged = ID3TagBuilder(version: 4)
        flagged.addChapter("a", start: 0, end: 1000, title: "A")
        flagged.addChapter("b", start: 1000, end: 2000, title: "B")
        flagged.addTableOfContents("child", flags: 0x01, entries: ["b"])
        flagged.addTableOfContents("top", flags: 0x02, entries: ["a", "child"])
        #expect(try titles(flagged) == ["A", "B"])
    }

    @Test func untitledChaptersAreNumberedByFinalPosition() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("x", start: 20_000, end: 30_000, title: nil)
        builder.addChapter("y", start: 0, end: 10_000, title: "   ")
        builder.addChapter("z", start: 10_000, end: 20_000, title: "Named")
        #expect(try titles(builder) == ["Chapter 1", "Named", "Chapter 3"])
    }

    @Test func endTimes() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("a", start: 0, end: 0, title: "Zero length")
        builder.addChapter("b", start: 1500, end: 1000, title: "Backwards")
        builder.addChapter("c", start: 2000, end: 0xFFFF_FFFF, title: "Open ended")
        builder.addChapter("d", start: 3000, end: 3001, title: "Short")
        #expect(try chapters(builder) == [
            Chapter(title: "Zero length", start: 0, end: nil),
            Chapter(title: "Backwards", start: 1.5, end: nil),
            Chapter(title: "Open ended", start: 2, end: nil),
            Chapter(title: "Short", start: 3, end: 3.001),
        ])
    }

    @Test func duplicateElementIDsFirstWins() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("a", start: 0, end: 1000, title: "First A")
        builder.addChapter("a", start: 5000, end: 6000, title: "Second A")
        builder.addChapter("b", start: 1000, end: 2000, title: "B")
        builder.addTableOfContents("toc", entries: ["b", "a", "a", "b"])
        builder.addTableOfContents("toc", entries: ["a"])
        #expect(try titles(builder) == ["B", "First A"])
    }

    @Test func chapterSubFramesInEveryEncodingAndOtherSubFrames() throws {
        var builder = ID3TagBuilder(version: 4)
        let picture = builder.subFrame("APIC", [0] + Array("image/png".utf8) + [0, 0, 0, 0x89, 0x50])
        let url = builder.subFrame("WXXX", [0, 0] + Array("https://example.com".utf8))
        for (index, encoding) in ID3TagBuilder.TextEncoding.allCases.enumerated() {
            let data = builder.chapter("c\(index)", start: UInt32(index * 1000), end: UInt32(index * 1000 + 1000),
                                       title: nil, subFrames: [picture, builder.subFrame("TIT2", ID3TagBuilder.text("Ç \(index) ✓", encoding: encoding == .latin1 ? .utf8 : encoding)), url])
            builder.add("CHAP", data)
        }
        #expect(try titles(builder) == (0..<4).map { "Ç \($0) ✓" })
    }

    @Test func malformedChapterFramesAreIgnored() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.add("CHAP", Array("noterminator".utf8))
        builder.add("CHAP", Array("short".utf8) + [0, 0, 0, 0, 1])
        builder.add("CTOC", Array("toc".utf8))  // no flags
        builder.add("CTOC", Array("toc2".utf8) + [0, 3, 200] + Array("ok".utf8) + [0] + Array("unterminated".utf8))
        builder.addChapter("ok", start: 0, end: 1000, title: "OK")
        // Sub-frame with a lying size: the title is cut, not read past the frame.
        var lying = builder.chapter("lie", start: 1000, end: 2000, title: nil)
        lying += Array("TIT2".utf8) + ID3TagBuilder.syncsafe(1000) + [0, 0, 0] + Array("Cut".utf8)
        builder.add("CHAP", lying)
        #expect(try titles(builder) == ["OK", "Cut"])
    }

    @Test func v22HasNoChapters() throws {
        var builder = ID3TagBuilder(version: 2)
        builder.add("CHA", Array("a".utf8) + [0] + [UInt8](repeating: 0, count: 16))
        builder.addText("TT2", "Old")
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == "Old")
        #expect(tag.chapters.isEmpty)
    }

    @Test func chapterCountIsCapped() throws {
        var builder = ID3TagBuilder(version: 4)
        for index in 0..<6000 {
            builder.addChapter("c\(index)", start: UInt32(index), end: UInt32(index + 1), title: "T")
        }
        #expect(try chapters(builder).count == ID3Parser.maximumChapters)
    }
}
