import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("ID3 chapter sub-frames")
struct ID3ChapterSubFrameTests {
    @Test(arguments: [3, 4])
    func descriptionLinkAndPictureReference(version: Int) throws {
        var tag = ID3TagBuilder(version: version)
        let picture = [UInt8](repeating: 0xAB, count: 40_000)
        let apic: [UInt8] = [3] + Array("image/png".utf8) + [0, 3] + Array("cover".utf8) + [0] + picture
        let wxxx: [UInt8] = [1, 0xFF, 0xFE] + Array("l\0i\0n\0k\0".utf8) + [0, 0] + Array("https://example.org/talks".utf8)
        let subFrames = [
            tag.subFrame("TIT3", ID3TagBuilder.text("Stalin weighs his options", encoding: .utf8)),
            tag.subFrame("WXXX", wxxx),
            tag.subFrame("APIC", apic),
        ]
        tag.add("CHAP", tag.chapter("chp0", start: 0, end: 5000, title: "Opening", subFrames: subFrames))
        tag.add("CHAP", tag.chapter("chp1", start: 5000, end: 9000, title: "Plain"))
        let parsed = try #require(ID3Tag.parse(tag.build()))
        #expect(parsed.chapters.count == 2)
        let first = parsed.chapters[0]
        #expect(first.title == "Opening")
        #expect(first.description == "Stalin weighs his options")
        #expect(first.url == "https://example.org/talks")
        #expect(first.image == "embedded image/png, 40000 bytes")
        #expect(parsed.chapters[1].description == nil && parsed.chapters[1].url == nil && parsed.chapters[1].image == nil)

        // They travel on through the chapter sources.
        let merged = ChapterSources.merged(forAudioAt: "/nonexistent/x.mp3", tag: parsed, duration: 9, bookmarks: [])
        #expect(merged.chapters.first?.url == "https://example.org/talks")
        #expect(merged.chapters.first?.image == "embedded image/png, 40000 bytes")
        #expect(merged.chapters.first?.description == "Stalin weighs his options")
    }

    @Test func malformedSubFramesAreIgnored() throws {
        var tag = ID3TagBuilder(version: 4)
        let subFrames = [tag.subFrame("WXXX", [9]), tag.subFrame("APIC", [0]), tag.subFrame("TIT3", [])]
        tag.add("CHAP", tag.chapter("c", start: 0, end: 1000, title: "Kept", subFrames: subFrames))
        let parsed = try #require(ID3Tag.parse(tag.build()))
        #expect(parsed.chapters.map(\.title) == ["Kept"])
        #expect(parsed.chapters[0].url == nil && parsed.chapters[0].image == nil)
    }
}
