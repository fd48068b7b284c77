import Glibc
import Testing
@testable import WDFCore
@testable import WDFLibrary
@testable import WDFPlatform
import WDFTestSupport

/// The walk of a library folder that a stranger filled: links in loops, FIFOs, names that are
/// not UTF-8, folders without end (`LibraryWalk`, `Catalog.refresh`).
@Suite("Library walk")
struct LibraryWalkTests {
    static func link(_ target: String, _ path: String) throws {
        guard symlink(target, path) == 0 else { throw SystemError("symlink", path) }
    }

    static func names(_ walk: LibraryWalk, under root: String) -> [String] {
        walk.files.map { String($0.path.dropFirst(root.count + 1)) }.sorted()
    }

    @Test func linksInLoopsLeadToEachFolderOnce() throws {
        let library = TestLibrary()
        try library.add("a.mp3", title: "Korean War #1: One")
        try library.add("sub/b.mp3", title: "Korean War #2: Two")
        for name in ["a", "b", "c"] { try Self.link(".", library.root + "/loop-" + name) }
        try Self.link("..", library.root + "/up")
        try Self.link("..", library.root + "/sub/up")
        let walk = LibraryWalk.run(library.root)
        #expect(walk.stopped == nil)
        #expect(Self.names(walk, under: library.root) == ["a.mp3", "sub/b.mp3"])
        // The library, sub and the temporary folder above (through `up`), each once.
        #expect(walk.folders.count == Set(walk.folders).count)
        #expect(walk.folders.first == library.root)
        #expect(walk.folders.contains(library.root + "/sub"))
        #expect(walk.folders.count == 3, "\(walk.folders)")
        // The catalog lists each episode once, too.
        var catalog = library.catalog()
        let report = catalog.refresh()
        #expect(report.read == 2)
        #expect(catalog.entries.count == 2)
        #expect(catalog.directories == walk.folders)
    }

    @Test func aFileKeepsItsRealPathWhenALinkLeadsToItToo() throws {
        let library = TestLibrary()
        try library.add("real/x.mp3", title: "X")
        try library.add("y.mp3", title: "Y")
        // "alias" comes before "real" in any order, and so does "a-link.mp3" before "y.mp3".
        try Self.link("real", library.root + "/alias")
        try Self.link("y.mp3", library.root + "/a-link.mp3")
        let walk = LibraryWalk.run(library.root)
        #expect(Self.names(walk, under: library.root) == ["real/x.mp3", "y.mp3"])
        // A folder reached only through a link is walked under the link's name.
        let outside = TemporaryDirectory.make("walk-outside")
        try TemporaryDirectory.createFile(outside, name: Array("z.mp3".utf8))
        try Self.link(outside, library.root + "/elsewhere")
        #expect(Self.names(LibraryWalk.run(library.root), under: library.root) == ["elsewhere/z.mp3", "real/x.mp3", "y.mp3"])
    }

    @Test func aFIFOIsNeverOpenedNorListed() throws {
        let library = TestLibrary()
        try library.add("a.mp3", title: "A")
        let fifo = library.root + "/x.mp3"
        guard mkfifo(fifo, 0o644) == 0 else { throw SystemError("mkfifo", fifo) }
        var catalog = library.catalog()
        catalog.refresh()
        #expect(catalog.entries.map { FileSystem.baseName($0.path) } == ["a.mp3"])
        // Reading it as an episode says what it is at once (no open that waits for a writer).
        #expect(throws: ID3Error.notRegularFile(path: fifo, what: "a FIFO (named pipe), not a regular file")) {
            try Episode.read(path: fifo)
        }
        let entry = CatalogEntry.read(path: fifo, size: 0, mtime: 0)
        #expect(entry.problem == "\(fifo) is a FIFO (named pipe), not a regular file.")
        #expect(MP3DurationReader.read(path: fifo) == nil)
        #expect(throws: SystemError("open", fifo, code: EINVAL, detail: "a FIFO (named pipe), not a regular file")) {
            try FileSystem.read(fifo)
        }
        #expect(FileSystem.fileType(fifo) == .fifo)
    }

    @Test func aNameThatIsNotUTF8IsListedWithItsBytes() throws {
        let library = TestLibrary()
        // "Ep\xFF\xFE 07.mp3", no tag: named and numbered after the file.
        let name: [UInt8] = [0x45, 0x70, 0xFF, 0xFE, 0x20, 0x30, 0x37, 0x2E, 0x6D, 0x70, 0x33]
        try TemporaryDirectory.createFile(library.root, name: name, contents: TestLibrary.audio)
        try library.add("tagged.mp3", title: "Tagged")
        var catalog = library.catalog()
        catalog.refresh()
        #expect(catalog.entries.count == 2)
        let entry = try #require(catalog.entries.first { FileName.hasEscapes($0.path) })
        #expect(FileName.bytes(FileSystem.baseName(entry.path)) == name)
        #expect(entry.title == "Ep\u{FFFD}\u{FFFD} 07")
        #expect(entry.number == 7)
        #expect(entry.problem == nil)
        #expect(abs((entry.duration ?? 0) - 1.0) < 0.1)
        // The index keeps the path as it is, and the next start finds the same file unchanged.
        try catalog.saveIndex()
        var again = library.catalog()
        #expect(again.entries.map(\.path) == catalog.entries.map(\.path))
        let report = again.refresh()
        #expect(report.kept == 2 && report.read == 0 && report.removed == 0)
    }

    // MARK: the budget

    @Test func tooManyFoldersStopTheWalkAndSaySo() throws {
        let library = TestLibrary()
        for i in 0..<10 { try library.add("f\(i)/e\(i).mp3", title: "E\(i)") }
        let budget = LibraryWalk.Budget(entries: 1000, folders: 4, depth: 16, seconds: 60)
        let walk = LibraryWalk.run(library.root, budget: budget)
        #expect(walk.stopped == .folders(4))
        #expect(walk.folders.count == 4)
        #expect(walk.files.count == 3)
        #expect(LibraryWalk.Stop.folders(4).sentence(root: library.root)
            == "The library folder \(library.root) has more than 4 folders; the walk stopped there, and the library lists the episodes found until then.")
    }

    @Test func tooManyEntriesStopTheWalk() throws {
        let library = TestLibrary()
        for i in 0..<50 { try library.add("e\(i).mp3", title: "E\(i)") }
        let walk = LibraryWalk.run(library.root, budget: LibraryWalk.Budget(entries: 20, folders: 10, depth: 16, seconds: 60))
        #expect(walk.stopped == .entries(20))
        #expect(walk.entriesRead == 21)
        #expect(walk.files.count <= 20)
    }

    @Test func foldersTooDeepAreLeftOut() throws {
        let library = TestLibrary()
        try library.add("1/2/3/three.mp3", title: "Three")
        try library.add("1/2/3/4/four.mp3", title: "Four")
        let walk = LibraryWalk.run(library.root, budget: LibraryWalk.Budget(entries: 1000, folders: 100, depth: 3, seconds: 60))
        #expect(walk.stopped == nil)
        #expect(walk.tooDeep == 1)
        #expect(Self.names(walk, under: library.root) == ["1/2/3/three.mp3"])
    }

    @Test func timeAndSignalsStopTheWalk() throws {
        let library = TestLibrary()
        for i in 0..<300 { try library.add("e\(i).mp3", title: "E\(i)") }
        let late = LibraryWalk.run(library.root, budget: LibraryWalk.Budget(entries: 1000, folders: 10, depth: 16, seconds: 0))
        #expect(late.stopped == .time(0))
        let asked = Counter()
        let stopped = LibraryWalk.run(library.root, interrupted: { asked.add() >= 2 })
        #expect(stopped.stopped == .interrupted)
        #expect(stopped.files.count < 300)
    }

    @Test func aWalkCutShortKeepsWhatTheIndexHadForTheRest() throws {
        let library = TestLibrary()
        for i in 0..<6 { try library.add("f\(i)/e\(i).mp3", title: "E\(i)") }
        var catalog = library.catalog()
        catalog.refresh()
        #expect(catalog.entries.count == 6)
        let report = catalog.refresh(budget: LibraryWalk.Budget(entries: 1000, folders: 2, depth: 16, seconds: 60))
        #expect(report.stopped == .folders(2))
        #expect(report.removed == 0)
        #expect(catalog.entries.count == 6)
    }

    @Test func theRootItselfMayBeALoopOrNoFolder() throws {
        let base = TemporaryDirectory.make("walk-root")
        try Self.link(".", base + "/self")
        #expect(LibraryWalk.run(base + "/self").folders == [base + "/self"])
        #expect(LibraryWalk.run("/etc/passwd").folders.isEmpty)
        #expect(LibraryWalk.run(base + "/missing").folders.isEmpty)
    }
}

/// A counter a closure can bump (the walk's `interrupted` is not `Sendable`-checked, but tests run in parallel).
final class Counter: @unchecked Sendable {
    private var value = 0
    func add() -> Int {
        value += 1
        return value
    }
}
