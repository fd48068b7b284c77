import Testing
import WDFCore
import WDFProtocol

/// `speed` and `silence`: what a stranger may send, and the listening fields of the status.
@Suite("Speed and skip silence on the wire")
struct ListeningTests {
    func refusal(_ line: String) -> WireError? {
        do {
            _ = try Request.read(line: Array(line.utf8))
            return nil
        } catch {
            return error.error
        }
    }

    func read(_ line: String) throws -> Command { try Request.read(line: Array(line.utf8)).command }

    @Test func speedIsReadInStepsOfAFifth() throws {
        #expect(try read(#"{"command":"speed"}"#) == .speed(.show))
        #expect(try read(#"{"command":"speed","speed":1.5}"#) == .speed(.set(1.5)))
        #expect(try read(#"{"command":"speed","speed":0.5}"#) == .speed(.set(0.5)))
        #expect(try read(#"{"command":"speed","speed":3}"#) == .speed(.set(3)))
        // 1.15 is not exactly 23/20 in binary: it is read as the step it stands for.
        #expect(try read(#"{"command":"speed","speed":1.15}"#) == .speed(.set(23.0 / 20)))
        #expect(try read(#"{"command":"speed","by":-0.1}"#) == .speed(.by(-0.1)))
        #expect(try read(#"{"command":"speed","by":0.05}"#) == .speed(.by(0.05)))
    }

    @Test func badSpeedsGetOneSentence() {
        let range = { (value: String) in
            WireError.badArgument("\"speed\" must be between 0.5 and 3.0 in steps of 0.05 (1.25, 1.5, 2), not \(value).")
        }
        #expect(refusal(#"{"command":"speed","speed":1.53}"#) == range("1.53"))
        #expect(refusal(#"{"command":"speed","speed":3.05}"#) == range("3.05"))
        #expect(refusal(#"{"command":"speed","speed":0.45}"#) == range("0.45"))
        #expect(refusal(#"{"command":"speed","speed":-1}"#) == range("-1"))
        #expect(refusal(#"{"command":"speed","speed":1e300}"#) == range("1e+300"))
        #expect(refusal(#"{"command":"speed","speed":"fast"}"#) == .badArgument("\"speed\" must be a number, not a string."))
        #expect(refusal(#"{"command":"speed","speed":[1]}"#) == .badArgument("\"speed\" must be a number, not an array."))
        let step = { (value: String) in
            WireError.badArgument("\"by\" must be a change of speed in steps of 0.05 up to 2.5 either way (0.1, -0.25), not \(value).")
        }
        #expect(refusal(#"{"command":"speed","by":0}"#) == step("0"))
        #expect(refusal(#"{"command":"speed","by":0.01}"#) == step("0.01"))
        #expect(refusal(#"{"command":"speed","by":2.55}"#) == step("2.55"))
        #expect(refusal(#"{"command":"speed","speed":1.5,"by":0.1}"#)
                == .badArgument("speed takes \"speed\" (0.5 to 3.0) or \"by\" (a change, + or -), not both."))
    }

    @Test func silenceModes() throws {
        #expect(try read(#"{"command":"silence"}"#) == .silence(nil))
        for mode in SilenceMode.allCases {
            #expect(try read(#"{"command":"silence","mode":"\#(mode.rawValue)"}"#) == .silence(mode))
        }
        #expect(try read(#"{"command":"silence","mode":"STRONG"}"#) == .silence(.strong))
        #expect(refusal(#"{"command":"silence","mode":"loud"}"#)
                == .badArgument("\"mode\" must be off, mild, medium or strong, not \"loud\"."))
        #expect(refusal(#"{"command":"silence","mode":"\u001b[2J"}"#)
                == .badArgument("\"mode\" must be off, mild, medium or strong, not \"\\u001B[2J\"."))
        #expect(refusal(#"{"command":"silence","mode":true}"#) == .badArgument("\"mode\" must be a string, not a boolean."))
    }

    @Test func theCommandsRoundTrip() throws {
        for command: Command in [.speed(.show), .speed(.set(1.25)), .speed(.by(-0.5)), .silence(nil), .silence(.medium)] {
            let body = JSON.object([("command", .string(command.name))] + command.arguments)
            #expect(try Command.read(name: command.name, body: body) == command)
        }
    }

    @Test func theStatusCarriesTheFieldsOnlyWhenTheListeningIsNotPlain() throws {
        let listening = ListeningState(speed: 1.5, silence: .medium, remaining: 20, timeSaved: 3.25, timeSavedTotal: 61)
        var status = PlaybackStatus(state: .paused, position: 10, duration: 40, episode: nil, chapter: nil, chaptersCount: 0,
                                    chapterStarts: [], sleep: nil, skipped: nil, outputError: nil, storeError: nil,
                                    listening: listening)
        #expect(status.json.serialized.hasSuffix(
            #""store_error":null,"speed":1.5,"silence":"medium","remaining":20,"time_saved":3.25,"time_saved_total":61}"#))
        #expect(try PlaybackStatus(json: status.json) == status)
        // Plain listening: the status is byte for byte what it was before speed existed.
        status.listening = ListeningState(speed: 1, silence: .off, remaining: 30, timeSaved: 0, timeSavedTotal: 61)
        #expect(status.json.serialized.hasSuffix(#""store_error":null}"#))
        #expect(try PlaybackStatus(json: status.json).listening == nil)
        let reply = try Reply(data: listening.json, to: .speed(.show))
        #expect(reply == .listening(listening))
        #expect(throws: WireError.self) { try Reply(data: ["speed": 1, "silence": "loud"], to: .silence(nil)) }
    }
}
