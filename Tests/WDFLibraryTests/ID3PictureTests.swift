import Glibc
import Testing
import WDFPlatform
import WDFTestSupport
@testable import WDFLibrary

@Suite("ID3 picture and the art cache")
struct ID3PictureTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 300) + [0xFF, 0xD9]
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)

    /// APIC data: encoding, MIME, picture type, description, picture.
    static func apic(_ image: [UInt8], mime: String = "image/jpeg", type: UInt8 = 3, description: String = "cover",
                     encoding: ID3TagBuilder.TextEncoding = .latin1) -> [UInt8] {
        [encoding.rawValue] + Array(mime.utf8) + [0, type] + ID3TagBuilder.encoded(description, encoding)
            + ID3TagBuilder.terminator(encoding) + image
    }

    @Test(arguments: [3, 4], ID3TagBuilder.TextEncoding.allCases)
    func frontCoverIsFound(version: Int, encoding: ID3TagBuilder.TextEncoding) throws {
        var builder = ID3TagBuilder(version: version)
        builder.addText("TIT2", "Episode")
        builder.add("APIC", Self.apic(Self.png, mime: "image/png", type: 0, encoding: encoding))  // "other" first
        builder.add("APIC", Self.apic(Self.jpeg, type: 3, description: "Front", encoding: encoding))
        let picture = try #require(ID3Picture.parse(builder.build()))
        #expect(picture == ID3Picture(format: .jpeg, bytes: Self.jpeg))
    }

    @Test func withoutAFrontCoverTheFirstPicture() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.add("APIC", Self.apic(Self.png, mime: "image/png", type: 0))
        builder.add("APIC", Self.apic(Self.jpeg, type: 4))
        #expect(try #require(ID3Picture.parse(builder.build())).format == .png)
    }

    @Test func version22PIC() throws {
        var builder = ID3TagBuilder(version: 2)
        builder.add("PIC", [0] + Array("JPG".utf8) + [3] + Array("c".utf8) + [0] + Self.jpeg)
        #expect(try #require(ID3Picture.parse(builder.build())).bytes == Self.jpeg)
    }

    @Test func unsynchronisedTagsAreUndone() throws {
        for version in [3, 4] {
            var builder = ID3TagBuilder(version: version)
            builder.unsynchronise = true
            builder.add("APIC", Self.apic(Self.jpeg))
            #expect(try #require(ID3Picture.parse(builder.build())).bytes == Self.jpeg, "v2.\(version)")
        }
    }

    @Test func theFormatIsTheBytesNotTheMIMEType() {
        var builder = ID3TagBuilder(version: 4)
        builder.add("APIC", Self.apic(Array("<svg onload=alert(1)>".utf8), mime: "image/jpeg"))
        builder.add("APIC", Self.apic(Array("GIF89a....".utf8), mime: "image/png"))
        #expect(ID3Picture.parse(builder.build()) == nil)
    }

    @Test func hostileFramesGiveNoPicture() {
        let cases: [[UInt8]] = [
            [],                                   // empty frame
            [9],                                  // unknown encoding
            [0] + Array("image/jpeg".utf8),       // MIME without its NUL
            [0] + Array("image/jpeg".utf8) + [0], // no picture type
            [0] + Array("image/jpeg".utf8) + [0, 3] + Array("no terminator".utf8),
            [1] + Array("image/jpeg".utf8) + [0, 3, 0xFF, 0xFE, 0x41],  // UTF-16 description cut
        ]
        for data in cases {
            var builder = ID3TagBuilder(version: 3)
            builder.add("APIC", data)
            #expect(ID3Picture.parse(builder.build()) == nil, "\(data)")
        }
        // A frame that claims more than the tag holds is cut: no picture, no trap.
        var builder = ID3TagBuilder(version: 3)
        builder.frames.append(builder.frame("APIC", Self.apic(Self.jpeg), sizeOverride: 0x7FFF_FFFF))
        let truncated = builder.build()
        #expect(ID3Picture.parse(Array(truncated.prefix(40))) == nil)
        #expect(ID3Picture.parse(Array("ID3".utf8) + [3, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F]) == nil)
    }

    @Test func aPictureOverTheBoundIsLeft() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.add("APIC", Self.apic(Self.jpeg))
        let tag = builder.build()
        #expect(ID3Picture.parse(tag, maximumBytes: Self.jpeg.count - 1) == nil)
        #expect(ID3Picture.parse(tag, maximumBytes: Self.jpeg.count) != nil)
    }

    @Test func readFromAFile() throws {
        let directory = TemporaryDirectory.make("picture")
        var builder = ID3TagBuilder(version: 3)
        builder.add("APIC", Self.apic(Self.jpeg))
        let file = directory + "/episode.mp3"
        try FileSystem.writeAtomically(file, builder.build() + [0xFF, 0xFB, 0x90, 0x64], durable: false)
        #expect(try ID3Picture.read(path: file)?.bytes == Self.jpeg)
        let bare = directory + "/bare.mp3"
        try FileSystem.writeAtomically(bare, [0xFF, 0xFB, 0x90, 0x64], durable: false)
        #expect(try ID3Picture.read(path: bare) == nil)
        #expect(throws: SystemError.self) { try ID3Picture.read(path: directory + "/missing.mp3") }
        #expect(throws: SystemError.self) { try ID3Picture.read(path: directory) }
    }

    // MARK: the cache

    static func inode(_ path: String) -> (ino_t, Int)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (st.st_ino, Int(st.st_mtim.tv_nsec))
    }

    @Test func aPictureIsWrittenOnce() throws {
        let cache = ArtCache(cacheDirectory: TemporaryDirectory.make("art"))
        let picture = ID3Picture(format: .png, bytes: Self.png)
        let file = try cache.file(for: picture)
        #expect(file == cache.directory + "/" + picture.digest + ".png")
        #expect(try FileSystem.read(file) == Self.png)
        let first = try #require(Self.inode(file))
        // The same picture again (another episode of the series): the same file, not rewritten.
        #expect(try cache.file(for: picture) == file)
        let second = try #require(Self.inode(file))
        #expect(first.0 == second.0 && first.1 == second.1)
        // A file cut short (a crash elsewhere, a full disk) is written again.
        try FileSystem.writeAtomically(file, Array(Self.png.prefix(10)), durable: false)
        #expect(try cache.file(for: picture) == file)
        #expect(try FileSystem.read(file) == Self.png)
    }

    @Test func theCacheKeepsAtMostItsBound() throws {
        let cache = ArtCache(cacheDirectory: TemporaryDirectory.make("art-bound"), maximumFiles: 3)
        var files: [String] = []
        for i in 0..<5 {
            let file = try cache.file(for: ID3Picture(format: .jpeg, bytes: Self.jpeg + [UInt8(i)]))
            // Written a second apart (the file system's clock may be coarser than these writes).
            var times = [timespec(tv_sec: 1_000_000 + i, tv_nsec: 0), timespec(tv_sec: 1_000_000 + i, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, file, &times, 0) == 0)
            files.append(file)
        }
        let left = FileSystem.names(in: cache.directory).sorted()
        #expect(left.count == 3)
        #expect(left == files.suffix(3).map { FileSystem.baseName($0) }.sorted())
        #expect(FileSystem.exists(files[4]))
    }

    @Test func aCacheThatCannotBeWrittenSaysWhere() throws {
        let root = TemporaryDirectory.make("art-blocked")
        try FileSystem.writeAtomically(root + "/art", [1], durable: false)  // a file where the folder goes
        let cache = ArtCache(cacheDirectory: root)
        #expect(throws: SystemError.self) { try cache.file(for: ID3Picture(format: .png, bytes: Self.png)) }
    }
}
