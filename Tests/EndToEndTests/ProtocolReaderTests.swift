import Foundation
import Testing
import WDFCore
import WDFProtocol
import WDFTestSupport

/// WDFProtocol's request reader and the real daemon refuse a hostile request the same way, byte
/// for byte: until the daemon reads its requests with `Request.read` itself, this holds the two
/// together (and afterwards proves the switch changed nothing on the wire).
@Suite("Request.read refuses as the daemon does", .serialized)
struct ProtocolReaderTests {
    static let hostile: [String] = [
        #"{"id":1,"command":"ping","command":"quit"}"#,
        #"{"id":2,"command":"seek","position":1e400}"#,
        String(repeating: "[", count: 80) + String(repeating: "]", count: 80),
        "[1,2]", "null", #""status""#, #"{"id":3}"#, #"{"id":4,"command":""}"#, #"{"id":5,"command":5}"#,
        #"{"id":6,"command":"warp"}"#, #"{"id":{"a":[1]},"command":"Status"}"#,
        #"{"id":7,"command":"seek","position":"12:00"}"#, #"{"id":8,"command":"seek","offset":true}"#,
        #"{"id":9,"command":"seek","position":1e300}"#, #"{"id":10,"command":"seek","offset":-10000000.5}"#,
        #"{"id":11,"command":"seek","position":-1}"#, #"{"id":12,"command":"seek"}"#,
        #"{"id":13,"command":"play","from":-3}"#, #"{"id":14,"command":"play","restart":"yes"}"#,
        #"{"id":15,"command":"play","episode":true}"#, #"{"id":16,"command":"play","episode":"   "}"#,
        #"{"id":17,"command":"play","episode":[6]}"#, #"{"id":18,"command":"play","path":7}"#,
        #"{"id":19,"command":"play","series":{"x":1}}"#, #"{"id":20,"command":"play","from":"1:00","episode":true}"#,
        #"{"id":21,"command":"chapter","number":2.5}"#, #"{"id":22,"command":"chapter","number":1e16}"#,
        #"{"id":23,"command":"chapter","bookmark":"1"}"#, #"{"id":24,"command":"chapter","title":"  "}"#,
        #"{"id":25,"command":"chapter","number":3,"title":5}"#, #"{"id":26,"command":"chapter"}"#,
        #"{"id":27,"command":"mark","title":["a"]}"#, #"{"id":28,"command":"unmark"}"#,
        #"{"id":29,"command":"unmark","number":-0.5}"#, #"{"id":30,"command":"episodes","series":7}"#,
        #"{"id":31,"command":"episodes","all":"yes"}"#, #"{"id":32,"command":"info","episode":false}"#,
        #"{"id":33,"command":"played","series":1}"#, #"{"id":34,"command":"unplayed","episode":{}}"#,
        #"{"id":35,"command":"sleep","off":1}"#, #"{"id":36,"command":"sleep","seconds":0}"#,
        #"{"id":37,"command":"sleep","seconds":86401}"#, #"{"id":38,"command":"sleep","at":"dawn"}"#,
        #"{"id":39,"command":"sleep","at":"chapter","seconds":60}"#, #"{"id":40,"command":"sleep","seconds":"20m"}"#,
        #"{"id":41,"command":"sleep","at":3}"#, #"{"id":42,"command":"seek","offset":12345678901234567890}"#,
    ]

    /// Read by the reader, answered by the daemon with something other than an argument refusal
    /// (it is stopped: `nothing_playing` and the like).
    static let accepted: [String] = [
        #"{"id":50,"command":"chapter","bookmark":2,"number":"x"}"#,
        #"{"id":51,"command":"seek","position":5,"offset":-2}"#,
        #"{"id":52,"command":"seek","position":null,"offset":-2}"#,
        #"{"id":53,"command":"unmark","number":1}"#,
        #"{"id":54,"command":"sleep","off":false}"#,
    ]

    @Test func hostileRequestsGetTheSameBytes() async throws {
        try await DaemonHarness.run("protocol-reader") { h in
            let c = try h.connect()
            for line in ProtocolReaderTests.hostile {
                try c.sendLine(line)
                let reply = try c.nextReply(timeout: 10)
                let expected: String
                do throws(Request.Refusal) {
                    let request = try Request.read(line: Array(line.utf8))
                    Issue.record("the reader took \(line) as \(request.command)")
                    continue
                } catch {
                    expected = Message.reply(id: error.id, .failure(error.error)).json.serialized
                }
                #expect(reply.text == expected, "\(line)\n daemon: \(reply.text)\n reader: \(expected)")
            }
            for line in ProtocolReaderTests.accepted {
                try c.sendLine(line)
                let reply = try c.nextReply(timeout: 10)
                #expect(throws: Never.self, "\(line)") { try Request.read(line: Array(line.utf8)) }
                let code = reply.json["error"]["code"].string
                #expect(!["bad_request", "unknown_command", "bad_argument"].contains(code ?? ""), "\(line): \(reply.text)")
            }
        }
    }

    /// `help` is the catalogue, byte for byte; and the daemon's replies (stopped, then playing
    /// the demo series) read by the typed readers are written back as the daemon wrote them.
    @Test func liveRepliesRoundTripThroughTheTypes() async throws {
        try await DaemonHarness.run("protocol-replies") { h in
            let c = try h.connect()
            let help = try c.request("help")
            #expect(help.text == Message.reply(id: help.json["id"].int.map { JSON.number(Double($0)) } ?? .null,
                                               .success(CommandCatalog.helpJSON)).json.serialized)
            let requests: [(command: Command, wait: Bool)] = [
                (.ping, false), (.status, false), (.sleep(.show), false),
                (.episodes(series: nil, all: true), false), (.info(.query(.number(6, series: nil))), false),
                (.play(.query(.number(6, series: nil)), from: nil, restart: true), true),
                (.chapter(.number(3)), false), (.chapters, false),
                (.sleep(.chapterEnd), false), (.mark(title: "here"), false), (.unmark(number: 1), false),
                (.subscribe, false), (.pause, false), (.played(nil), false),
                (.unplayed(nil), false), (.stop, false),
            ]
            for (command, wait) in requests {
                try c.sendLine(Request(id: 77, command).json.serialized)
                let reply = try c.nextReply(timeout: 10)
                let message = try Message(json: try JSONParser.parse(reply.text))
                guard case let .reply(_, .success(data)) = message else {
                    Issue.record("\(command.name): \(reply.text)")
                    continue
                }
                let typed = try Reply(data: data, to: command)
                #expect(Message.reply(id: 77, .success(typed.json)).json.serialized == reply.text, "\(command.name)")
                if wait { _ = try await h.awaitStatus("playing", timeout: 5) { $0["state"].string == "playing" } }
            }
            // The events that came meanwhile (state, seek, chapter, chapters, sleep) too.
            #expect(!c.events.isEmpty)
            for event in c.events {
                #expect(try Event(json: try JSONParser.parse(event.text)).json.serialized == event.text)
            }
        }
    }
}
