import Testing
import WDFCore

@Suite("Config as JSON (the daemon's view)")
struct ConfigJSONTests {
    @Test func roundTrip() throws {
        var config = Config(library: "/music", series: "Korean War", resumeRewind: 5, checkpointInterval: 0.5,
                            audioDevice: "out", volume: 80, logLevel: .debug, skipChapters: ["Sponsor*"])
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
