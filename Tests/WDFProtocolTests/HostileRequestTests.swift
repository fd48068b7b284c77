import Testing
import WDFCore
import WDFProtocol

/// Requests a stranger may send: each is refused with the code and sentence the daemon has
/// always given (Sources/WDFDaemon/Request.swift, the handlers' own checks, Daemon+Clients).
@Suite("Hostile requests get the daemon's refusals")
struct HostileRequestTests {
    func refusal(_ line: String) -> WireError? {
        do {
            _ = try Request.read(line: Array(line.utf8))
            return nil
        } catch {
            return error.error
        }
    }

    func read(_ line: String) throws -> Command { try Request.read(line: Array(line.utf8)).command }

    @Test func linesThatAreNoRequest() {
        #expect(refusal(#"{"command":"ping","command":"quit"}"#)?.code == "bad_request")
        #expect(refusal(#"{"command":"ping","command":"quit"}"#)?.message.hasPrefix("The request is not valid JSON: invalid JSON at byte") == true)
        #expect(refusal(#"{"command":"seek","position":1e400}"#)?.code == "bad_request")
        #expect(refusal(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))?.code == "bad_request")
        #expect(refusal("[1,2]") == WireError("bad_request", "A request must be a JSON object."))
        #expect(refusal(#"{"id":7}"#) == WireError("bad_request", "The request has no \"command\" string."))
        #expect(refusal(#"{"command":""}"#) == WireError("bad_request", "The request has no \"command\" string."))
        #expect(refusal(#"{"command":42}"#) == WireError("bad_request", "The request has no \"command\" string."))
        #expect(refusal(#"{"command":"warp"}"#) == .unknownCommand("warp"))
    }

    @Test func theIdIsKeptWhenItCanBeRead() {
        #expect(throws: Request.Refusal(id: ["x": 1], error: .unknownCommand("warp"))) { try Request.read(line: Array(#"{"id":{"x":1},"command":"warp"}"#.utf8)) }
        #expect(throws: Request.Refusal(id: .null, error: .badRequest("A request must be a JSON object."))) { try Request.read(line: Array("\"ping\"".utf8)) }
    }

    @Test func numbersOfTheWrongTypeOrSize() {
        #expect(refusal(#"{"command":"seek","position":"12:00"}"#) == .badArgument("\"position\" must be a number of seconds, not a string."))
        #expect(refusal(#"{"command":"seek","offset":true}"#) == .badArgument("\"offset\" must be a number of seconds, not a boolean."))
        #expect(refusal(#"{"command":"seek","position":1e300}"#)
                == .badArgument("\"position\" must be at most 10000000 seconds either way, not 1e+300."))
        #expect(refusal(#"{"command":"seek","offset":-10000001}"#)
                == .badArgument("\"offset\" must be at most 10000000 seconds either way, not -10000001."))
        #expect(refusal(#"{"command":"seek","position":-1}"#) == .badArgument("\"position\" must not be negative."))
        #expect(refusal(#"{"command":"seek"}"#)
                == .badArgument("seek needs \"position\" (seconds from the start) or \"offset\" (seconds, + or -)."))
        #expect(refusal(#"{"command":"play","from":-3}"#) == .badArgument("\"from\" must not be negative."))
        #expect(refusal(#"{"command":"play","restart":"yes"}"#) == .badArgument("\"restart\" must be true or false, not a string."))
        #expect(refusal(#"{"command":"chapter","number":2.5}"#) == .badArgument("\"number\" must be a whole number, not 2.5."))
        #expect(refusal(#"{"command":"chapter","number":1e16}"#) == .badArgument("\"number\" must be a whole number, not 1e+16."))
        #expect(refusal(#"{"command":"chapter","bookmark":"1"}"#) == .badArgument("\"bookmark\" must be a whole number, not \"1\"."))
        #expect(refusal(#"{"command":"unmark"}"#)
                == .badArgument("unmark needs \"number\" (the bookmark's, as `wdfctl chapters` shows it)."))
        #expect(refusal(#"{"command":"mark","title":["a"]}"#) == .badArgument("\"title\" must be a string, not an array."))
    }

    @Test func missingAndConflictingArguments() throws {
        #expect(refusal(#"{"command":"chapter","title":"  "}"#)
                == .badArgument("chapter needs \"number\" (1-based) or \"title\" (text to look for)."))
        // A bookmark wins; a number wins over a title, but a title of the wrong type is refused.
        #expect(try read(#"{"command":"chapter","bookmark":2,"number":"x"}"#) == .chapter(.bookmark(2)))
        #expect(try read(#"{"command":"chapter","number":3,"title":" x "}"#) == .chapter(.number(3)))
        #expect(refusal(#"{"command":"chapter","number":3,"title":5}"#) == .badArgument("\"title\" must be a string, not a number."))
        #expect(try read(#"{"command":"seek","position":5,"offset":-2}"#) == .seek(.position(5)))
        // null is the argument left out.
        #expect(try read(#"{"command":"seek","position":null,"offset":-2}"#) == .seek(.offset(-2)))
        #expect(try read(#"{"command":"resume","from":"anything"}"#) == .resume)
    }

    @Test func sleep() throws {
        #expect(try read(#"{"command":"sleep"}"#) == .sleep(.show))
        #expect(try read(#"{"command":"sleep","off":true,"seconds":"x"}"#) == .sleep(.off))
        #expect(try read(#"{"command":"sleep","off":false,"seconds":60}"#) == .sleep(.listening(60)))
        #expect(try read(#"{"command":"sleep","at":"episode"}"#) == .sleep(.episodeEnd))
        #expect(refusal(#"{"command":"sleep","off":1}"#) == .badArgument("\"off\" must be true or false, not a number."))
        #expect(refusal(#"{"command":"sleep","seconds":0}"#) == .badArgument("\"seconds\" must be between 0 and 24 hours."))
        #expect(refusal(#"{"command":"sleep","seconds":86401}"#) == .badArgument("\"seconds\" must be between 0 and 24 hours."))
        let takes = WireError.badArgument("sleep takes \"seconds\", or \"at\": \"chapter\" or \"episode\", or \"off\": true.")
        #expect(refusal(#"{"command":"sleep","at":"dawn"}"#) == takes)
        #expect(refusal(#"{"command":"sleep","at":"chapter","seconds":60}"#) == takes)
    }

    @Test func episodes() throws {
        #expect(try read(#"{"command":"play","episode":"6"}"#) == .play(.query(.number(6, series: nil)), from: nil, restart: false))
        #expect(try read(#"{"command":"info","path":"/a/b.mp3"}"#) == .info(.path("/a/b.mp3")))
        #expect(try read(#"{"command":"played","episode":null,"series":" Korean War "}"#) == .played(.query(.text("Korean War"))))
        #expect(try read(#"{"command":"unplayed"}"#) == .unplayed(nil))
        #expect(refusal(#"{"command":"info","episode":true}"#)
                == .badArgument("\"episode\" must be a number, words of a title, \"next\" or a file path, not true."))
        #expect(refusal(#"{"command":"info","episode":"  "}"#)
                == .badArgument("\"episode\" must be a number, words of a title, \"next\" or a file path, not \"  \"."))
        #expect(refusal(#"{"command":"info","path":7}"#) == .badArgument("\"path\" must be a string, not a number."))
        #expect(refusal(#"{"command":"episodes","series":7}"#) == .badArgument("\"series\" must be a string, not a number."))
        #expect(try read(#"{"command":"episodes","series":"  ","all":true}"#) == .episodes(series: nil, all: true))
    }

    /// What the writer sends, the reader reads back as the same command.
    @Test func everyCommandRoundTrips() throws {
        let commands: [Command] = [
            .play(nil, from: nil, restart: false), .play(.query(.number(6, series: "Korean War")), from: 12.5, restart: false),
            .play(.query(.next), from: nil, restart: true), .play(.path("/m/6.mp3"), from: 0, restart: false),
            .play(.query(.text("sino-soviet part 2")), from: nil, restart: false),
            .pause, .resume, .toggle, .seek(.position(0)), .seek(.offset(-15)), .next, .prev,
            .chapter(.number(3)), .chapter(.title("Stalin")), .chapter(.bookmark(2)), .mark(title: ""), .mark(title: "here"),
            .unmark(number: 1), .chapters, .episodes(series: nil, all: false), .episodes(series: "Korean War", all: true),
            .info(nil), .info(.query(.number(-5, series: nil))), .played(.path("/x.mp3")), .unplayed(.query(.text("road"))),
            .status, .sleep(.show), .sleep(.off), .sleep(.listening(1200)), .sleep(.chapterEnd), .sleep(.episodeEnd),
            .stop, .quit, .reload, .subscribe, .unsubscribe, .ping, .help,
        ]
        for command in commands {
            let request = Request(id: 9, command)
            let line = Array(request.json.serialized.utf8)
            #expect(try Request.read(line: line) == request, "\(request.json.serialized)")
        }
    }
}
