import Glibc
import WDFCore
import WDFPlatform
import WDFLibrary

/// What the file-name fuzz target (`Tests/Fuzz/FuzzFileNames.swift`, built by
/// `Scripts/fuzz-names`) does with one input; `FileNameFuzzRegressionTests` replays its seeds
/// and findings through the same calls. The input is a directory's raw entry, as a stranger may
/// name a file: no byte is off limits but NUL and "/", which the kernel refuses (here they split
/// the input into several names). Every property below is checked, not only "did not crash":
/// a broken one traps, and libFuzzer reports it as a crash.
enum FileNameFuzzTarget {
    static func run(_ bytes: [UInt8]) {
        // The whole input, as readdir would return it in a record of its own length (heap-
        // allocated to the byte: AddressSanitizer reports a read past it).
        record(bytes)
        for name in bytes.split(whereSeparator: { $0 == 0 || $0 == 0x2F }).prefix(64) {
            names(Array(name.prefix(FileName.maximumLength)))
        }
        // As a whole path (slashes kept), and a series title.
        let path = FileName.string(bytes.filter { $0 != 0 })
        check(FileName.bytes(path) == bytes.filter { $0 != 0 }, "a path string keeps every byte")
        _ = FileSystem.baseName(path)
        _ = FileSystem.directoryName(path)
        let shown = FileName.display(path)
        _ = Episode.seriesAndNumber(inTitle: shown)
        _ = Episode.number(inFileName: shown)
    }

    /// The record: header, then the name (NUL-terminated when it fits), `d_reclen` its length.
    static func record(_ bytes: [UInt8]) {
        let header = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
        let name = Array(bytes.prefix(FileName.maximumLength + 1))
        let length = header + name.count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 8)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: header)
        raw.storeBytes(of: UInt16(truncatingIfNeeded: length), toByteOffset: MemoryLayout<dirent>.offset(of: \dirent.d_reclen) ?? 16,
                       as: UInt16.self)
        for (i, byte) in name.enumerated() { raw.storeBytes(of: byte, toByteOffset: header + i, as: UInt8.self) }
        let read = FileName.entryName(raw.assumingMemoryBound(to: dirent.self))
        let expected = Array(name.prefix { $0 != 0 })
        check(read == expected, "entryName reads the name up to its NUL or the record's end")
    }

    /// One name: its path string, display form, type by extension, title, number and series.
    static func names(_ name: [UInt8]) {
        let string = FileName.string(name)
        check(FileName.bytes(string) == name, "the path string of a name gives back its bytes")
        check(FileName.hasEscapes(string) == (String(validating: name, as: UTF8.self).map { $0 != string } ?? true),
              "a name is escaped exactly when it is not UTF-8 or holds the escape block")
        let back = FileName.withCString(string) { Array(UnsafeBufferPointer(start: $0, count: strlen($0))) }
        check(back.map { UInt8(bitPattern: $0) } == name, "the C string of a name is its bytes")
        let shown = FileName.display(string)
        check(!FileName.hasEscapes(shown), "the display form holds no escaped byte")
        check(FileName.string(Array(shown.utf8)) == shown, "the display form is plain UTF-8")

        let isMP3 = LibraryWalk.isMP3(name)
        check(isMP3 == (name.count > 4 && String(decoding: name.suffix(4), as: UTF8.self).lowercased() == ".mp3"),
              "an MP3 is a name of over 4 bytes ending in .mp3 in any case")
        let path = "/library/" + string
        let episode = Episode(path: path, tag: nil)
        check(!FileName.hasEscapes(episode.title), "a title from a file name holds no escaped byte")
        if let number = episode.number { check(number >= 0 && number < 1000, "a number from a file name has 1–3 digits") }
        let sidecar = Sidecar.path(of: path, suffix: ".chapters.json")
        check(FileName.bytes(sidecar).starts(with: Array("/library/".utf8)), "a sidecar stays in the episode's folder")
    }

    static func check(_ condition: Bool, _ what: StaticString) {
        if !condition { fatalError("FileNameFuzzTarget: \(what)") }
    }
}
