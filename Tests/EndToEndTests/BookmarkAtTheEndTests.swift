import Foundation
import Testing
import WDFTestSupport

/// `mark` at the very end of the audio: a bookmark there would be saved but never listed (nor
/// counted, nor reachable by its number), so it is refused and nothing is saved.
extension EndToEnd {
    @Test func aBookmarkAtTheEndIsRefused() async throws {
        try await DaemonHarness.run("bookmarkAtTheEnd", config: EndToEnd.baseConfig) { h in
            let file = h.stateHome.appendingPathComponent("wdfplay/bookmarks.json")
            _ = try await h.play([EndToEnd.tones, "--from", "7"])
            _ = try await h.control(["pause"])
            let (first, _) = try await h.control(["mark", "Here"])
            #expect(first["bookmarks_count"].int == 1 && first["chapter"]["number"].int == 1, "\(first)")
            let before = try Data(contentsOf: file)

            // Paused at the end of tones.mp3 (30 s).
            let duration = try #require(try await h.status()["duration"].double)
            let (seek, _) = try await h.control(["seek", "\(duration)"])
            let position = try #require(seek["position"].double)
            #expect(position >= duration && seek["state"].string == "paused", "\(seek)")

            let refused = try await h.ctl(["mark", "There"])
            #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused)")
            #expect(refused.stderr.contains("0:30 in \"Tone Test #3: Six Chapters\" is at the end of the episode; a bookmark there would not be listed."), "\(refused)")
            let json = try await h.ctl(["mark", "--json"])
            #expect(json.status == 1 && json.json["error"]["code"].string == "bad_argument", "\(json)")
            #expect(try Data(contentsOf: file) == before)
            let marks = (try await h.control(["chapters"]).reply.array ?? []).filter { $0["bookmark"].bool == true }
            #expect(marks.compactMap { $0["title"].string } == ["Here"], "\(marks)")

            // A little before the end, a bookmark is made and listed.
            _ = try await h.control(["seek", "\(duration - 1)"])
            let (last, _) = try await h.control(["mark", "Last"])
            #expect(last["bookmarks_count"].int == 2 && last["chapter"]["title"].string == "Last", "\(last)")
        }
    }
}
