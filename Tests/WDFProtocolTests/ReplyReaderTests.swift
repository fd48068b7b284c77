import Testing
import WDFCore
import WDFProtocol

/// Replies a client must not trust blindly: a field of the wrong type is a `bad_reply` that names
/// the field, never a default that prints as if the daemon had said it.
@Suite("Typed readers of replies")
struct ReplyReaderTests {
    func badReply(_ body: () throws -> Void) -> WireError? {
        do {
            try body()
            return nil
        } catch {
            return error as? WireError
        }
    }

    @Test func wrongTypesAreNamed() {
        let status = badReply { _ = try PlaybackStatus(json: ["state": "playing", "position": "12"]) }
        #expect(status == WireError("bad_reply", "\"position\" in the status from wdfplayd must be a number, not a string."))
        #expect(badReply { _ = try PlaybackStatus(json: ["state": "dancing"]) }?.message == "The status from wdfplayd has an unknown state \"dancing\".")
        #expect(badReply { _ = try PlaybackStatus(json: ["position": 1]) }?.message == "The status from wdfplayd has no \"state\".")
        #expect(badReply { _ = try PlaybackStatus(json: ["state": "playing", "chapter": ["number": 1.5, "title": "x", "start": 0]]) }?.message
                == "\"number\" in the chapter from wdfplayd must be a whole number, not a number.")
        #expect(badReply { _ = try EpisodeList(json: ["episodes": [], "count": 3]) }?.message
                == "The episode list from wdfplayd says 3 episodes but holds 0.")
        #expect(badReply { _ = try ChapterInfo.list(json: ["number": 1]) }?.message == "The chapter list from wdfplayd is an object, not an array.")
        #expect(badReply { _ = try SleepState(json: ["mode": "nap"]) }?.message == "The sleep timer from wdfplayd has an unknown mode \"nap\".")
        #expect(badReply { _ = try Message(json: ["id": 1, "ok": false]) }?.code == "bad_reply")
        #expect(badReply { _ = try Message(json: .array([])) }?.message == "The message from wdfplayd is an array, not an object.")
    }

    @Test func anUnknownEventIsKeptByName() throws {
        let event = try Event(json: ["event": "volume", "data": ["level": 3]])
        #expect(event == .other("volume", ["level": 3]))
        #expect(event.json.serialized == #"{"event":"volume","data":{"level":3}}"#)
    }

    @Test func eventsRoundTrip() throws {
        let chapter = ChapterInfo(number: 2, title: "Zhou Enlai Arrives", start: 10.805, end: 21.627)
        let events: [Event] = [
            .skip(chapter: chapter, to: 21.627), .chapters(BookmarkCounts(chapters: 5, bookmarks: 1)),
            .sleep(SleepState(mode: .off, remaining: nil, fading: false, pausedAt: 12.5)), .end(nil),
            .end(EpisodeRef(number: nil, title: "t", series: nil, path: "/p", demo: false)),
        ]
        for event in events {
            let line = event.json.serialized
            #expect(try Event(json: try JSONParser.parse(line)).json.serialized == line)
        }
        #expect(Event.sleep(SleepState(mode: .off, remaining: nil, fading: false, pausedAt: 12.5)).json.serialized
                == #"{"event":"sleep","data":{"mode":"off","remaining":null,"fading":false,"paused_at":12.5}}"#)
    }

    /// The chapter list's optional fields come in the daemon's order, only when set.
    @Test func theChapterListKeepsItsOrder() throws {
        let row = ChapterInfo(number: 1, title: "A", start: 0, end: nil, length: 0, source: "bookmark", bookmark: true, skip: false,
                              url: "https://e.x/1", image: "embedded image/jpeg, 48213 bytes", description: "d", current: false)
        let line = #"{"number":1,"title":"A","start":0,"end":null,"length":0,"source":"bookmark","bookmark":true,"skip":false,"url":"https://e.x/1","image":"embedded image/jpeg, 48213 bytes","description":"d","current":false}"#
        #expect(row.json.serialized == line)
        #expect(try ChapterInfo(json: try JSONParser.parse(line)) == row)
    }
}
