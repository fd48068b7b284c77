import Testing
import WDFCore
import WDFProtocol

/// `volume` read once with one-sentence refusals, its reply, and `info`'s `loudness`.
@Suite("Volume and loudness on the wire")
struct VolumeAndLoudnessTests {
    func read(_ line: String) throws -> Command { try Request.read(line: Array(line.utf8)).command }

    func refusal(_ line: String) -> WireError? {
        do {
            _ = try Request.read(line: Array(line.utf8))
            return nil
        } catch {
            return error.error
        }
    }

    @Test func volumeRequests() throws {
        #expect(try read(#"{"command":"volume"}"#) == .volume(.show))
        #expect(try read(#"{"command":"volume","percent":60}"#) == .volume(.set(60)))
        #expect(try read(#"{"command":"volume","percent":0}"#) == .volume(.set(0)))
        #expect(try read(#"{"command":"volume","change":-5}"#) == .volume(.change(-5)))
        // Written as read.
        for command in [Command.volume(.show), .volume(.set(150)), .volume(.change(5))] {
            let body = JSON.object([("command", .string(command.name))] + command.arguments)
            #expect(try Command.read(name: command.name, body: body) == command)
        }
    }

    @Test func hostileVolumesAreOneSentence() {
        #expect(refusal(#"{"command":"volume","percent":151}"#) == .badArgument("\"percent\" must be between 0 and 150, not 151."))
        #expect(refusal(#"{"command":"volume","percent":-1}"#)?.code == "bad_argument")
        #expect(refusal(#"{"command":"volume","percent":50.5}"#) == .badArgument("\"percent\" must be a whole number, not 50.5."))
        #expect(refusal(#"{"command":"volume","percent":"loud"}"#)?.code == "bad_argument")
        #expect(refusal(#"{"command":"volume","change":1e300}"#)?.code == "bad_argument")
        #expect(refusal(#"{"command":"volume","change":151}"#)?.code == "bad_argument")
        #expect(refusal(#"{"command":"volume","percent":50,"change":5}"#)?.message.contains("not both") == true)
    }

    @Test func theVolumeReply() throws {
        let reply = SmallReply.volume(percent: 60)
        #expect(reply.json.serialized == #"{"volume":60}"#)
        #expect(try SmallReply(json: reply.json, command: .volume(.show)) == reply)
        #expect(throws: WireError.self) { try SmallReply(json: ["volume": 400], command: .volume(.show)) }
        #expect(throws: WireError.self) { try SmallReply(json: ["volume": "loud"], command: .volume(.show)) }
        #expect(try Reply(data: reply.json, to: .volume(.set(60))) == .small(reply))
    }

    @Test func infoCarriesTheLoudnessOnlyWhenMeasured() throws {
        let summary = try EpisodeSummary(json: ["number": .null, "title": "T", "series": .null, "date": .null, "duration": 8,
                                                "path": "/e.mp3", "downloaded": true, "in_feed": false,
                                                "progress": ["state": "new"], "chapters": 0])
        let plain = EpisodePage(episode: summary, album: nil, notes: nil, notesSource: nil, chapterList: [])
        #expect(!plain.json.serialized.contains("loudness"))
        let loudness = LoudnessInfo(lufs: -26.85, truePeak: -26.425, gain: 10.85, levelling: true)
        var page = plain
        page.loudness = loudness
        #expect(page.json.serialized.hasSuffix(#","loudness":{"lufs":-26.85,"true_peak":-26.425,"gain":10.85,"levelling":true}}"#),
                "\(page.json.serialized)")
        #expect(try EpisodePage(json: page.json) == page)
        let silent = LoudnessInfo(lufs: nil, truePeak: nil, gain: 0, levelling: true)
        #expect(try LoudnessInfo(json: silent.json) == silent)
    }
}
