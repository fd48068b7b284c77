import Glibc
import Testing
import WDFCore
import WDFPlatform
import WDFStore
import WDFTestSupport

/// levels.json: the listener's volume and each episode's loudness, kept until the file changes.
@Suite("Level store")
struct LevelStoreTests {
    func measurement(_ lufs: Double?, size: Int = 1000, mtime: Int = 5) -> EpisodeLoudness {
        EpisodeLoudness(loudness: lufs, truePeak: lufs.map { $0 + 10 }, seconds: 60, size: size, mtime: mtime)
    }

    @Test func keepsVolumeAndMeasurementsAcrossRestarts() throws {
        let dir = TemporaryDirectory.make("levels")
        var store = LevelStore(directory: dir)
        #expect(store.load() == nil && store.volume == nil)
        store.setVolume(60)
        store.record(measurement(-23.5), for: "/a.mp3")
        store.record(measurement(nil), for: "/silent.mp3")
        try store.save(durable: true)
        var again = LevelStore(directory: dir)
        #expect(again.load() == nil)
        #expect(again.volume == 60)
        #expect(again.loudness(of: "/a.mp3", identity: (1000, 5)) == measurement(-23.5))
        #expect(again.loudness(of: "/silent.mp3", identity: (1000, 5)) == measurement(nil))
        #expect(FileSystem.names(in: dir) == ["levels.json"])
    }

    /// A file replaced (size or modification time changed) is measured again.
    @Test func aChangedFileIsNotItsOldMeasurement() throws {
        var store = LevelStore(directory: "/nonexistent")
        store.record(measurement(-20), for: "/a.mp3")
        #expect(store.loudness(of: "/a.mp3", identity: (1000, 5)) != nil)
        #expect(store.loudness(of: "/a.mp3", identity: (1001, 5)) == nil)
        #expect(store.loudness(of: "/a.mp3", identity: (1000, 6)) == nil)
        #expect(store.loudness(of: "/a.mp3", identity: nil) == nil)

        let dir = TemporaryDirectory.make("levels-identity")
        let path = dir + "/e.mp3"
        try FileSystem.writeAtomically(path, [1, 2, 3], durable: false)
        let identity = try #require(EpisodeLoudness.identity(of: path))
        #expect(identity.size == 3)
        store.record(measurement(-20, size: identity.size, mtime: identity.mtime), for: path)
        #expect(store.loudness(of: path, identity: EpisodeLoudness.identity(of: path)) != nil)
        try FileSystem.writeAtomically(path, [1, 2, 3, 4], durable: false)
        #expect(store.loudness(of: path, identity: EpisodeLoudness.identity(of: path)) == nil)
        #expect(EpisodeLoudness.identity(of: dir) == nil)
    }

    @Test func volumeIsClamped() {
        var store = LevelStore(directory: "/nonexistent")
        store.setVolume(400)
        #expect(store.volume == 150)
        store.setVolume(-5)
        #expect(store.volume == 0)
    }

    @Test func strangeRecordsAreDroppedOneByOne() throws {
        let dir = TemporaryDirectory.make("levels-hostile")
        let text = #"""
        {"version":1,"volume":1e300,"episodes":{
         "/good.mp3":{"lufs":-19.5,"true_peak":-3,"seconds":100,"size":10,"mtime":7},
         "/nan.mp3":{"lufs":"loud","true_peak":-3,"seconds":100,"size":10,"mtime":7},
         "/huge.mp3":{"lufs":-19.5,"true_peak":-3,"seconds":1e308,"size":10,"mtime":7},
         "/nosize.mp3":{"lufs":-19.5,"true_peak":-3,"seconds":100,"mtime":7},
         "/loudest.mp3":{"lufs":400,"true_peak":-3,"seconds":100,"size":10,"mtime":7}}}
        """#
        try FileSystem.writeAtomically(dir + "/levels.json", Array(text.utf8), durable: false)
        var store = LevelStore(directory: dir)
        let loaded = store.load()
        let note = try #require(loaded)
        #expect(note.contains("Dropped 4 loudness measurement(s)") && note.contains("levels.json"), "\(note)")
        #expect(store.volume == nil)
        #expect(store.measurements.keys.sorted() == ["/good.mp3"])
        #expect(store.isDirty)
    }

    @Test func aDamagedFileIsMovedAsideAndNothingElseLost() throws {
        let dir = TemporaryDirectory.make("levels-damaged")
        try FileSystem.writeAtomically(dir + "/levels.json", Array("{\"version\":1,\"vol".utf8), durable: false)
        var store = LevelStore(directory: dir)
        let loaded = store.load()
        let note = try #require(loaded)
        #expect(note.contains("moved to"), "\(note)")
        store.setVolume(80)
        try store.save(durable: false)
        #expect(FileSystem.names(in: dir).count == 2)
        var again = LevelStore(directory: dir)
        #expect(again.load() == nil && again.volume == 80)
    }

    @Test func atMostCapacityEpisodesOldestFirstOut() {
        var store = LevelStore(directory: "/nonexistent")
        for i in 0...LevelStore.capacity { store.record(measurement(-20), for: "/e\(i).mp3") }
        #expect(store.measurements.count == LevelStore.capacity)
        #expect(store.measurements["/e0.mp3"] == nil && store.measurements["/e1.mp3"] != nil)
    }
}
