import Testing
import WDFCore

@Suite("Config as JSON (the daemon's view)")
struct ConfigJSONTests {
    @Test func roundTrip() throws {
        var config = Config(home: "/home/u")
        config.library = "/music"
        config.libraryIsDefault = false
        config.series = "Korean War"
        config.resumeRewind = 5
        config.checkpointInterval = 0.5
        config.audioDevice = "out"
        config.volume = 80
        config.logLevel = .debug
        config.skipChapters = ["Sponsor*"]
        config.continuePlaying = true
        config.feed = "https://example.com/feed.xml"
        #expect(Config(json: try JSONParser.parse(config.json.serialized)) == config)
        config = Config(home: "/home/u")
        let back = Config(json: config.json)
        #expect(back == config)
        #expect(back?.libraryIsDefault == true)
    }

    @Test func rejectsIncompleteJSON() {
        #expect(Config(json: ["library": "/x"]) == nil)
    }
}
