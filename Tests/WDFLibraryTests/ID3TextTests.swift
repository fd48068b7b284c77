import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("ID3 text decoding")
struct ID3TextTests {
    private func value(_ bytes: [UInt8]) -> String? {
        ID3TextEncoding.textFrameValue(bytes[...])
    }

    @Test func latin1() {
        #expect(value([0, 0x43, 0x61, 0x66, 0xE9, 0]) == "Café")
    }

    @Test func utf8() {
        #expect(value([3] + Array("Ünïcödé 🎧".utf8) + [0]) == "Ünïcödé 🎧")
    }

    @Test func utf16WithEitherBOM() {
        #expect(value(ID3TagBuilder.text("Grüße 🎧", encoding: .utf16)) == "Grüße 🎧")
        #expect(value(ID3TagBuilder.text("Grüße 🎧", encoding: .utf16, bigEndianBOM: true)) == "Grüße 🎧")
    }

    @Test func utf16WithoutBOMIsLittleEndian() {
        #expect(value([1, 0x48, 0x00, 0x69, 0x00, 0, 0]) == "Hi")
    }

    @Test func utf16BigEndian() {
        #expect(value(ID3TagBuilder.text("Grüße", encoding: .utf16BigEndian)) == "Grüße")
        // A BOM, though not allowed here, is honoured.
        #expect(value([2, 0xFF, 0xFE, 0x48, 0x00, 0, 0]) == "H")
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() {
        // "A", lone high surrogate D800, "B", lone low surrogate DC00, little-endian with BOM.
        let text = value([1, 0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x42, 0x00, 0x00, 0xDC])
        #expect(text == "A\u{FFFD}B\u{FFFD}")
        // Truncated surrogate pair and odd byte count.
        #expect(value([1, 0xFF, 0xFE, 0x3C, 0xD8, 0x41]) == "\u{FFFD}")
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        #expect(value([3, 0x41, 0xC3, 0x28, 0xFF]) == "A\u{FFFD}(\u{FFFD}")
    }

    @Test func trailingNULsAndWhitespaceAreStripped() {
        #expect(value([0] + Array("  Title \t".utf8) + [0, 0, 0]) == "Title")
        #expect(value([1, 0xFF, 0xFE, 0x41, 0, 0x20, 0, 0, 0, 0, 0]) == "A")
        #expect(value([3, 0xEF, 0xBB, 0xBF] + Array("BOM'd".utf8)) == "BOM'd")
    }

    @Test func multiValueTakesFirst() {
        #expect(value([3] + Array("One".utf8) + [0] + Array("Two".utf8) + [0]) == "One")
        // v2.4 UTF-16: each value with its own BOM.
        let two = ID3TagBuilder.text("One", encoding: .utf16) + Array(ID3TagBuilder.text("Two", encoding: .utf16).dropFirst())
        #expect(value(two) == "One")
        // An empty first value is passed over.
        #expect(value([0, 0] + Array("Second".utf8)) == "Second")
    }

    @Test func emptyOrUnknownIsNil() {
        #expect(value([]) == nil)
        #expect(value([0]) == nil)
        #expect(value([3, 0x20, 0, 0, 0]) == nil)
        #expect(value([4] + Array("What".utf8)) == nil)
        #expect(value([0xFF, 0x41]) == nil)
    }

    @Test func unterminatedUTF16TerminatorMustBeAligned() {
        // 0x00 0x00 straddling two code units ("\u{4100}" then "\u{0042}") is not a terminator.
        #expect(value([2, 0x41, 0x00, 0x00, 0x42]) == "\u{4100}B")
    }

    @Test func commentFrame() throws {
        let parsed = try #require(ID3TextEncoding.commentFrame(ID3TagBuilder.comment("Show notes", description: "d", encoding: .utf16)[...]))
        #expect(parsed.description == "d")
        #expect(parsed.text == "Show notes")
        let short = ID3TextEncoding.commentFrame([0, 0x65, 0x6E][...])
        #expect(short == nil)
        let noText = try #require(ID3TextEncoding.commentFrame([0, 0x65, 0x6E, 0x67, 0x41][...]))
        #expect(noText.description == "A")
        #expect(noText.text == nil)
    }
}
