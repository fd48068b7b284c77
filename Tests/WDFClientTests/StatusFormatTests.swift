import Testing
import WDFClient
import WDFCore
import WDFProtocol

@Suite("Status for status bars")
struct StatusFormatTests {
    let playing = try! PlaybackStatus(json: [
        "state": "playing", "position": 754.6, "duration": 1980,
        "episode": ["number": 6, "title": "Korean War #6: 三八線", "series": "Korean War", "path": "/m/6.mp3"],
        "chapter": ["number": 3, "title": "Stalin watches", "start": 700, "end": 800],
        "chapters_count": 6, "sleep": ["mode": "time", "remaining": 1198, "fading": false],
    ])

    @Test func fieldsAndTheShortLine() {
        #expect(StatusView.formatted(playing, "{{title}} {{position}}/{{length}} {{chapter}}") == "Korean War #6: 三八線 12:34/33:00 Stalin watches")
        #expect(StatusView.formatted(playing, "{{ number }}|{{series}}|{{percent}}|{{remaining}}|{{chapter_number}}/{{chapters}}|{{sleep}}|{{state}}")
                == "6|Korean War|38|20:25|3/6|in 19:58|playing")
        #expect(StatusView.formatted(playing, "no fields, {{ unclosed") == "no fields, {{ unclosed")
        #expect(StatusView.shortLine(playing) == "▶ Korean War #6: 三八線 12:34/33:00 [3/6 Stalin watches] (sleep in 19:58)")
        let stopped = try! PlaybackStatus(json: ["state": "stopped", "position": 0, "duration": nil, "episode": nil, "chapter": nil, "chapters_count": 0])
        #expect(StatusView.shortLine(stopped) == "■ stopped")
        #expect(StatusView.formatted(stopped, "[{{title}}|{{position}}|{{chapter}}]") == "[||]")
        #expect(StatusView.unknownFields(in: "{{title}} {{titel}} {{x}}") == ["titel", "x"])
    }

    @Test func theBarFillsTheColumnsItIsGiven() {
        for columns in [40, 80, 200] {
            let text = StatusView.status(playing, columns: columns)
            let bar = text.split(separator: "\n").first { $0.contains("[") }.map(String.init) ?? ""
            #expect(DisplayWidth.of(bar) == columns - 1, "\(columns): \(bar)")
        }
        // Too narrow: at least 10 cells.
        let narrow = StatusView.status(playing, columns: 5).split(separator: "\n").first { $0.contains("[") } ?? ""
        #expect(narrow.filter { "█░┃│".contains($0) }.count == 10, "\(narrow)")
    }

    @Test func theChaptersEventCountsBookmarksApart() {
        // `mark` and `unmark` change the bookmark count, never the chapter count (bookmarks are ★N).
        #expect(FollowLine.eventLine(.chapters(BookmarkCounts(chapters: 5, bookmarks: 3))) == "chapters 5 chapters, 3 bookmarks")
        #expect(FollowLine.eventLine(.chapters(BookmarkCounts(chapters: 1, bookmarks: 1))) == "chapters 1 chapter, 1 bookmark")
        #expect(FollowLine.eventLine(.chapters(BookmarkCounts(chapters: 0, bookmarks: 0))) == "chapters 0 chapters, 0 bookmarks")
    }
}
