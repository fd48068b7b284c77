import Testing
import WDFClient
import WDFCore
import WDFProtocol

@Suite("Speed and skip silence on a terminal")
struct ListeningViewTests {
    @Test func speedsReadAsPeopleWriteThem() {
        #expect(ListeningView.speed(1) == "1×")
        #expect(ListeningView.speed(1.5) == "1.5×")
        #expect(ListeningView.speed(1.25) == "1.25×")
        #expect(ListeningView.speed(0.75) == "0.75×")
        #expect(ListeningView.speed(3) == "3×")
        #expect(ListeningView.speed(1.05) == "1.05×")
        #expect(ListeningView.speed(.nan) == "?×")
        #expect(ListeningView.speed(.infinity) == "?×")
    }

    @Test func theLineAndTheStatus() throws {
        let state = ListeningState(speed: 1.5, silence: .medium, remaining: 754, timeSaved: 62, timeSavedTotal: 11_045)
        #expect(ListeningView.line(state)
                == "speed 1.5×, skip silence medium · 12:34 left at this speed · 1:02 saved by skipping silence (3:04:05 in all)")
        let plain = ListeningState(speed: 1, silence: .off, remaining: nil, timeSaved: 0, timeSavedTotal: 0)
        #expect(ListeningView.line(plain) == "speed 1×, skip silence off")
        #expect(ListeningView.stats(state).contains("Saved in all:           3:04:05"))
        // The status shows the line only when the listening is not plain.
        var status = try PlaybackStatus(json: [
            "state": "playing", "position": 10, "duration": 30,
            "episode": ["number": 6, "title": "T", "series": "S", "path": "/m/6.mp3"],
            "chapters_count": 0,
        ])
        #expect(!StatusView.status(status, columns: 80).contains("speed"))
        status.listening = state
        #expect(StatusView.status(status, columns: 80).contains("\n  speed 1.5×, skip silence medium · 12:34 left"))
        status.listening = plain
        #expect(!StatusView.status(status, columns: 80).contains("speed"))
    }
}
