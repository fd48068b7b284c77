import Glibc
import Testing
@testable import WDFCore
@testable import WDFPlatform
import WDFTestSupport

/// File names as bytes: `FileName` keeps every byte of a name that is not UTF-8, and reads a
/// `readdir` record within its own length.
@Suite("File names")
struct FileNameTests {
    @Test(arguments: [
        [UInt8](), Array("Korean War 06 - Talks.mp3".utf8), Array("Café #3 ☕.mp3".utf8),
        [0xFF], [0x61, 0xFF, 0xFE, 0x62], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], Array("x\u{10FC85}y".utf8), [0xF4, 0x8F, 0xB2, 0x80],
        Array("\u{10FFFF}".utf8) + [0x80, 0x80],
    ])
    func everyByteSurvivesTheRoundTrip(bytes: [UInt8]) {
        let path = FileName.string(bytes)
        #expect(FileName.bytes(path) == bytes)
        let shown = FileName.display(path)
        #expect(!shown.unicodeScalars.contains { FileName.isEscape($0.value) })
        let cString = FileName.withCString(path) { Array(UnsafeBufferPointer(start: $0, count: strlen($0))).map { UInt8(bitPattern: $0) } }
        #expect(cString == (bytes.contains(0) ? [] : bytes))
        // Valid UTF-8 outside the escape block is left as it is.
        if let text = String(validating: bytes, as: UTF8.self), !text.unicodeScalars.contains(where: { FileName.isEscape($0.value) }) {
            #expect(path == text)
            #expect(shown == text)
        } else {
            #expect(FileName.hasEscapes(path))
        }
    }

    @Test func strayBytesShowAsReplacementCharacters() {
        let path = FileName.string([0x45, 0x70, 0x20, 0xFF, 0x20, 0x30, 0x37])
        #expect(FileName.display(path) == "Ep \u{FFFD} 07")
        #expect(FileName.display(FileName.string([0xC3, 0xA9, 0xE9])) == "é\u{FFFD}")
        // A character of the escape block in a real name is escaped byte by byte: 4 × U+FFFD.
        #expect(FileName.display(FileName.string(Array("\u{10FC85}".utf8))) == String(repeating: "\u{FFFD}", count: 4))
    }

    @Test func aNameThatIsNotUTF8IsListedAndOpened() throws {
        let directory = TemporaryDirectory.make("filename")
        let name: [UInt8] = [0x65, 0x70, 0xFF, 0xFE, 0x2E, 0x6D, 0x70, 0x33]
        try TemporaryDirectory.createFile(directory, name: name, contents: Array("hello".utf8))
        let path = directory + "/" + FileName.string(name)
        #expect(FileSystem.names(in: directory) == [FileName.string(name)])
        #expect(FileSystem.exists(path))
        #expect(FileSystem.fileType(path) == .regular)
        #expect(try FileSystem.read(path) == Array("hello".utf8))
        #expect(FileSystem.realPath(path) == FileSystem.realPath(directory).map { $0 + "/" + FileName.string(name) })
        // Its lossy display form names no file, nor does a path with a NUL (not even its start).
        #expect(!FileSystem.exists(directory + "/" + FileName.display(FileName.string(name))))
        #expect(!FileSystem.exists(path + "\u{0}/etc/passwd"))
        #expect(throws: SystemError.self) { try FileSystem.read(path + "\u{0}") }
    }

    // MARK: readdir records

    /// A `dirent` record of `recordLength` bytes holding `name`, placed so that it ends exactly
    /// where readable memory ends (the next page is PROT_NONE): reading one byte past the
    /// record faults. Runs `body` with it.
    static func withRecordAtEndOfMemory(name: [UInt8], recordLength: Int, _ body: (UnsafePointer<dirent>) -> Void) throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let memory = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else { throw SystemError("mmap", "2 pages") }
        defer { munmap(memory, 2 * page) }
        guard mprotect(memory + page, page, PROT_NONE) == 0 else { throw SystemError("mprotect", "a page") }
        // The kernel aligns records to 8 bytes; the header-only one here is not (read unaligned).
        let record = memory + (page - recordLength)
        memset(record, 0x41, recordLength)  // no NUL anywhere unless the name brings one
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        record.storeBytes(of: UInt16(recordLength), toByteOffset: MemoryLayout<dirent>.offset(of: \dirent.d_reclen)!, as: UInt16.self)
        record.storeBytes(of: UInt8(DT_REG), toByteOffset: MemoryLayout<dirent>.offset(of: \dirent.d_type)!, as: UInt8.self)
        for (i, byte) in name.enumerated() where nameOffset + i < recordLength {
            record.storeBytes(of: byte, toByteOffset: nameOffset + i, as: UInt8.self)
        }
        body(record.assumingMemoryBound(to: dirent.self))
    }

    @Test func aShortRecordAtTheEndOfMemoryIsReadWithinItsLength() throws {
        // A 24-byte record ("ab" + NUL + padding), the last of the buffer: `dirent` is 280 bytes,
        // so copying `entry.pointee.d_name` (256 bytes) would fault here.
        try Self.withRecordAtEndOfMemory(name: Array("ab".utf8) + [0], recordLength: 24) { entry in
            #expect(FileName.entryName(entry) == Array("ab".utf8))
        }
        // The longest name, 255 bytes + NUL, in a record of its own length (rounded up to 8).
        let long = [UInt8](repeating: 0x7A, count: 255)
        try Self.withRecordAtEndOfMemory(name: long + [0], recordLength: 280) { entry in
            #expect(FileName.entryName(entry) == long)
        }
    }

    @Test func aRecordWithoutNULEndsAtItsLength() throws {
        // Never from the kernel, but nothing past the record is read even then: 24 - 19 bytes.
        try Self.withRecordAtEndOfMemory(name: [], recordLength: 24) { entry in
            #expect(FileName.entryName(entry) == [UInt8](repeating: 0x41, count: 24 - MemoryLayout<dirent>.offset(of: \dirent.d_name)!))
        }
        // A record just long enough for its header holds no name.
        try Self.withRecordAtEndOfMemory(name: [], recordLength: MemoryLayout<dirent>.offset(of: \dirent.d_name)!) { entry in
            #expect(FileName.entryName(entry) == [])
        }
    }

    @Test func procIsListedWithoutReadingPastARecord() {
        // /proc's records are short and packed; listing it twice must neither crash nor lose
        // the names every process directory has.
        for _ in 0..<2 {
            let names = FileSystem.names(in: "/proc")
            #expect(names.contains("self"))
            #expect(names.contains("\(getpid())"))
        }
    }
}
