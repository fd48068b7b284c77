import Glibc
import Testing
import WDFCore
import WDFTestSupport
import WDFPlatform
import WDFLibrary

@Suite("Resume store")
struct ResumeStoreTests {
    func temporaryDirectory() -> String { TemporaryDirectory.make("resume") }

    @Test func savesAndLoadsAtomically() throws {
        let dir = temporaryDirectory()
        var store = ResumeStore(directory: dir)
        #expect(store.load() == nil)
        store.update(path: "/a.mp3", position: 754.2, duration: 1980)
        store.update(path: "/b.mp3", position: 10, duration: 60)
        try store.save(durable: true)
        #expect(!store.isDirty)

        var again = ResumeStore(directory: dir)
        #expect(again.load() == nil)
        #expect(again.record(for: "/a.mp3")?.position == 754.2)
        #expect(again.lastPath == "/b.mp3")
        // No temporary files left behind.
        #expect(FileSystem.names(in: dir) == ["positions.json"])
    }

    @Test func startPositionRewindsAndRestartsFinishedEpisodes() {
        var store = ResumeStore(directory: "/nonexistent")
        store.update(path: "/a.mp3", position: 100, duration: 200)
        store.update(path: "/b.mp3", position: 2, duration: 200)
        store.update(path: "/c.mp3", position: 200, duration: 200, finished: true)
        #expect(store.startPosition(for: "/a.mp3", rewind: 3) == 97)
        #expect(store.startPosition(for: "/b.mp3", rewind: 3) == 0)
        #expect(store.startPosition(for: "/c.mp3", rewind: 3) == 0)
        #expect(store.startPosition(for: "/never.mp3", rewind: 3) == 0)
    }

    @Test func truncatedFileKeepsTheEntriesBeforeTheCut() throws {
        let dir = temporaryDirectory()
        var store = ResumeStore(directory: dir)
        store.update(path: "/a \"quoted\".mp3", position: 12.5, duration: 60)
        store.update(path: "/b.mp3", position: 30, duration: 60)
        try store.save(durable: false)
        let full = try FileSystem.read(dir + "/positions.json")
        try FileSystem.writeAtomically(dir + "/positions.json", Array(full.prefix(full.count - 20)), durable: false)
        var again = ResumeStore(directory: dir)
        let warning = again.load()
        #expect(warning?.contains("Recovered") == true, "\(warning ?? "")")
        #expect(again.record(for: "/a \"quoted\".mp3")?.position == 12.5)
    }

    @Test func damagedFileIsSetAsideNotFatal() throws {
        let dir = temporaryDirectory()
        let file = dir + "/positions.json"
        try FileSystem.writeAtomically(file, Array("{\"version\":1,\"episodes\":{\"/a.mp3\":{\"posit".utf8), durable: false)
        var store = ResumeStore(directory: dir)
        let warning = store.load()
        #expect(warning?.contains("could not be used") == true)
        #expect(!FileSystem.exists(file))
        #expect(store.records.isEmpty)
        store.update(path: "/x.mp3", position: 1, duration: nil)
        try store.save(durable: false)
        #expect(FileSystem.exists(file))
    }

    @Test func futureVersionKeepsWhatItCanRead() throws {
        let dir = temporaryDirectory()
        let text = #"{"version":9,"last":"/a.mp3","episodes":{"/a.mp3":{"position":42,"duration":null,"finished":false,"updated":1},"/bad":{"position":"x"}}}"#
        try FileSystem.writeAtomically(dir + "/positions.json", Array(text.utf8), durable: false)
        var store = ResumeStore(directory: dir)
        #expect(store.load()?.contains("newer") == true)
        #expect(store.record(for: "/a.mp3")?.position == 42)
        #expect(store.record(for: "/bad") == nil)
    }

    @Test func unchangedPositionDoesNotDirty() throws {
        var store = ResumeStore(directory: temporaryDirectory())
        store.update(path: "/a.mp3", position: 10, duration: 60)
        try store.save(durable: false)
        store.update(path: "/a.mp3", position: 10.01, duration: 60)
        #expect(!store.isDirty)
    }
}

@Suite("Played marks")
struct PlayedMarkTests {
    func directory() -> String { TemporaryDirectory.make("played") }

    @Test func heardToWithinThirtySecondsOfTheEndIsPlayed() throws {
        var store = ResumeStore(directory: directory())
        store.update(path: "/a.mp3", position: 1940, duration: 1980)
        #expect(store.record(for: "/a.mp3")?.played == false)
        store.update(path: "/a.mp3", position: 1951, duration: 1980)
        #expect(store.record(for: "/a.mp3")?.played == true)
        // Sticky: listening again from the start keeps the mark, and the place is kept too.
        store.update(path: "/a.mp3", position: 12, duration: 1980)
        #expect(store.record(for: "/a.mp3")?.played == true)
        #expect(store.startPosition(for: "/a.mp3", rewind: 0) == 12)
        try store.save(durable: true)
        var again = ResumeStore(directory: FileSystem.directoryName(store.file))
        #expect(again.load() == nil)
        #expect(again.record(for: "/a.mp3")?.played == true)
    }

    @Test func theListenersMarksAndUnmarks() {
        var store = ResumeStore(directory: directory())
        store.setPlayed(true, key: "/b.mp3", duration: 600)
        #expect(store.record(for: "/b.mp3")?.played == true)
        #expect(store.record(for: "/b.mp3")?.position == 0)
        store.update(path: "/c.mp3", position: 300, duration: 600)
        store.setPlayed(false, key: "/c.mp3", duration: 600)
        #expect(store.record(for: "/c.mp3") == nil)
        #expect(store.startPosition(for: "/c.mp3", rewind: 3) == 0)
    }
}
