import Glibc
import Testing
import WDFCore
import WDFPlatform
import WDFStore
import WDFTestSupport

@Suite("Listening store (speed, skip silence, time saved)")
struct ListeningStoreTests {
    func config(_ text: [(String, ConfigValue)] = []) throws -> Config {
        var config = Config(home: "/home/u")
        for (key, value) in text { _ = try config.set(key, to: value, home: "/home/u") }
        return config
    }

    @Test func theListenersChoicesOutliveTheDaemon() throws {
        let dir = TemporaryDirectory.make("listening")
        let config = try config([("series_speed", .table([.init("Korean War", .float(1.3))]))])
        var store = ListeningStore(directory: dir)
        #expect(store.load() == nil)
        store.setSpeed(1.75, series: "Cuba", config: config)
        store.setSpeed(2, series: "KOREAN war", config: config)
        store.setSilence(.medium)
        store.addSaved(12.5)
        store.addSaved(.nan)
        store.addSaved(-3)
        try store.save(durable: true)
        #expect(!store.isDirty)
        var again = ListeningStore(directory: dir)
        #expect(again.load() == nil)
        #expect(again.speed == 1.75)
        #expect(again.seriesSpeeds == ["korean war": 2])
        #expect(again.silence == .medium)
        #expect(again.timeSavedTotal == 12.5)
        #expect(FileSystem.names(in: dir) == ["listening.json"])
    }

    @Test func whatAnEpisodePlaysWith() throws {
        let plain = try config([("speed", .float(1.25)), ("skip_silence", .string("mild"))])
        var store = ListeningStore(directory: "/nonexistent")
        // Nothing set by the listener: the config's.
        #expect(store.speed(forSeries: "Cuba", config: plain) == 1.25)
        #expect(store.speed(forSeries: nil, config: plain) == 1.25)
        #expect(store.silence(config: plain) == .mild)
        let withSeries = try config([("speed", .float(1.25)), ("series_speed", .table([.init("Korean War", .float(1.3))]))])
        #expect(store.speed(forSeries: "korean WAR", config: withSeries) == 1.3)
        // The listener's speed: for every series without its own; a series with its own keeps it.
        store.setSpeed(1.5, series: "Cuba", config: withSeries)
        #expect(store.speed(forSeries: "Berlin", config: withSeries) == 1.5)
        #expect(store.speed(forSeries: "Korean War", config: withSeries) == 1.3)
        store.setSpeed(2.5, series: "Korean War", config: withSeries)
        #expect(store.speed(forSeries: "Korean War", config: withSeries) == 2.5)
        #expect(store.speed(forSeries: "Berlin", config: withSeries) == 1.5)
        store.setSilence(.off)
        #expect(store.silence(config: plain) == .off)
    }

    @Test func badValuesInTheFileAreDroppedWithASentence() throws {
        let dir = TemporaryDirectory.make("listening")
        let text = #"{"version":1,"speed":9,"series_speeds":{"a":1.5,"b":"x","c":1.53},"silence":"loud","time_saved_total":-1}"#
        try FileSystem.writeAtomically(dir + "/listening.json", Array(text.utf8), durable: false)
        var store = ListeningStore(directory: dir)
        let loaded = store.load()
        let warning = try #require(loaded)
        #expect(warning.hasPrefix("Dropped \"speed\", the speed of \"b\", the speed of \"c\", \"silence\", \"time_saved_total\" in \(dir)/listening.json"), "\(warning)")
        #expect(store.speed == nil && store.silence == nil && store.timeSavedTotal == 0)
        #expect(store.seriesSpeeds == ["a": 1.5])
    }

    @Test func aDamagedFileIsMovedAside() throws {
        let dir = TemporaryDirectory.make("listening")
        try FileSystem.writeAtomically(dir + "/listening.json", Array("{\"speed\":1.5,".utf8), durable: false)
        var store = ListeningStore(directory: dir)
        let loaded = store.load()
        let warning = try #require(loaded)
        #expect(warning.contains("moved to"), "\(warning)")
        #expect(store.speed == nil)
        #expect(FileSystem.names(in: dir).contains { $0.hasPrefix("listening.json.damaged-") })
    }
}
