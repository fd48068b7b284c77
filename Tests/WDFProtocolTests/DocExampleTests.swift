import Testing
import WDFCore
import WDFProtocol

/// Every example of Docs/protocol.md read by this module's readers and written back by its
/// writers, byte for byte: the typed messages lose nothing and add nothing.
@Suite("Docs/protocol.md examples through the typed readers and writers")
struct DocExampleTests {
    @Test func everyExampleRoundTripsByteForByte() throws {
        var last: Command?
        var requests = 0, replies = 0, events = 0, refusals = 0, skipped = 0
        for (isRequest, text) in try ProtocolDocument.exampleLines() {
            // Lines shortened with "…" are prose, not JSON.
            guard let json = try? JSONParser.parse(text) else {
                skipped += 1
                continue
            }
            if isRequest {
                // A refused one is held to its refusal by documentedRefusalsComeFromTheReader.
                guard let request = try? Request.read(line: Array(text.utf8)) else {
                    last = nil
                    continue
                }
                #expect(request.json.serialized == text)
                last = request.command
                requests += 1
                continue
            }
            switch try Message(json: json) {
            case let .event(event):
                #expect(event.json.serialized == text)
                events += 1
            case let .reply(id, .success(data)):
                let command = try #require(last, "a reply without a request: \(text)")
                let reply = try Reply(data: data, to: command)
                #expect(Message.reply(id: id, .success(reply.json)).json.serialized == text)
                replies += 1
            case let .reply(id, .failure(error)):
                var written = error
                if let detail = error.detail {
                    switch error.code {
                    case "ambiguous_episode": written.detail = try AmbiguousEpisode(json: detail).json
                    case "not_downloaded": written.detail = try #require(NotDownloaded(error)).json
                    default: Issue.record("\(error.code) has a detail: \(text)")
                    }
                }
                #expect(Message.reply(id: id, .failure(written)).json.serialized == text)
                refusals += 1
            }
        }
        print("doc examples: \(requests) requests, \(replies) replies, \(refusals) refusals, \(events) events")
        #expect(requests >= 20 && replies >= 12 && refusals >= 8, "\(requests) requests, \(replies) replies, \(refusals) refusals")
        #expect(skipped == 2, "the two shortened lines of the end of an episode")
        _ = events
    }

    /// A request refused in the document is refused by `Request.read` with the same error.
    @Test func documentedRefusalsComeFromTheReader() throws {
        let lines = try ProtocolDocument.exampleLines()
        for (index, line) in lines.enumerated() where line.request && index + 1 < lines.count {
            let reply = try JSONParser.parse(lines[index + 1].text)
            guard reply["ok"]?.boolValue == false, let error = WireError(json: reply["error"]),
                  ["bad_argument", "unknown_command", "bad_request"].contains(error.code) else { continue }
            #expect(throws: Request.Refusal(id: reply["id"] ?? .null, error: error)) {
                try Request.read(line: Array(line.text.utf8))
            }
        }
    }

    @Test func theStatusOfTheDocumentReadsAsTypes() throws {
        let line = try #require(try ProtocolDocument.exampleLines().first { $0.text.contains("\"id\":16,\"ok\"") })
        guard case let .reply(_, .success(data)) = try Message(json: try JSONParser.parse(line.text)) else {
            Issue.record("not a reply")
            return
        }
        let status = try PlaybackStatus(json: data)
        #expect(status.state == .playing && status.chapter?.number == 3 && status.chapter?.title == "Stalin watches")
        #expect(status.episode?.number == 6 && status.episode?.demo == true && status.chaptersCount == 5)
        #expect(status.chapterStarts == [0, 10.805, 21.627, 33.624, 46.588] && status.sleep == nil && status.start == nil)
    }
}
