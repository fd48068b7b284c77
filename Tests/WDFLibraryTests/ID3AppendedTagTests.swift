import Glibc
import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("ID3v2.4 tags appended at the end of the file")
struct ID3AppendedTagTests {
    func write(_ bytes: [UInt8]) throws -> String {
        var template = Array("/tmp/wdf-appended-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        try #require(written == bytes.count)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func appendedTag() -> [UInt8] {
        var tag = ID3TagBuilder(version: 4)
        tag.footer = true
        tag.addText("TIT2", "Korean War #6: Appended")
        tag.addChapter("c1", start: 0, end: 4000, title: "First")
        tag.addChapter("c2", start: 4000, end: 8000, title: "Second")
        return tag.build()
    }

    @Test(arguments: [false, true])
    func foundByItsFooter(withID3v1: Bool) throws {
        let audio = [UInt8](repeating: 0x55, count: 5000)
        var file = audio + appendedTag()
        if withID3v1 { file += Array("TAG".utf8) + [UInt8](repeating: 0x20, count: 125) }
        let path = try write(file)
        defer { unlink(path) }
        let tag = try #require(try ID3Tag.read(path: path))
        #expect(tag.title == "Korean War #6: Appended")
        #expect(tag.chapters.map(\.title) == ["First", "Second"])
        #expect(tag.size == 0)  // the audio starts at the beginning
    }

    @Test func aFooterWithAnImpossibleSizeIsIgnored() throws {
        let footer = Array("3DI".utf8) + [4, 0, 0x10, 0x7F, 0x7F, 0x7F, 0x7F]
        let path = try write([UInt8](repeating: 0x55, count: 300) + footer)
        defer { unlink(path) }
        #expect(try ID3Tag.read(path: path) == nil)
    }
}
