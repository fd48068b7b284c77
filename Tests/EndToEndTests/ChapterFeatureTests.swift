import Foundation
import Testing
import WDFTestSupport

/// Issue 3 as heard: skip rules, `next` into a skipped chapter, the sleep timer, bookmarks.
extension EndToEnd {
    @Test func skipRuleSkipsDuringPlaybackButNotWhenAsked() async throws {
        try await DaemonHarness.run("skipRule", config: EndToEnd.baseConfig + "skip_chapters = [\"tone 8*\"]\n") { h in
            // From 8 s: chapter 2 (600 Hz) plays to 10 s, then chapter 3 (800 Hz) is skipped to 15 s (1000 Hz).
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "0:08"])
            let at600 = try await h.recorder.awaitTone(600, after: play.started - 0.5, timeout: 2)
            let at1000 = try await h.recorder.awaitTone(1000, after: at600, timeout: 5)
            #expect(at1000 - at600 > 1.5 && at1000 - at600 < 2.6, "600 Hz should last about 2 s, lasted \(at1000 - at600)")
            let noisy = try await h.recorder.everyWindow(from: at600 + 0.05, to: at1000 - 0.05) { !$0.isTone(800) }
            #expect(noisy, "800 Hz (a skipped chapter) was heard: \(h.recorder.timeline(from: at600, to: at1000 + 0.2))")
            let status = try await h.status()
            #expect(status["chapter"]["number"].int == 4, "\(status)")
            #expect(status["skipped"]["title"].string == "Tone 800", "\(status)")

            let chapters = try await h.control(["chapters"]).reply
            #expect(chapters[2]["skip"].bool == true && chapters[3]["skip"].bool == false, "\(chapters)")
            #expect(chapters[0]["source"].string == "id3", "\(chapters)")

            // The listener asks for it: it plays.
            let (reply, chosen) = try await h.control(["chapter", "3"])
            #expect(reply["chapter"]["number"].int == 3, "\(reply)")
            let at800 = try await h.recorder.awaitTone(800, after: chosen.started, timeout: 2)
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.05, to: at800 + 1.5, "chapter 3 chosen with `chapter 3`")
        }
    }

    @Test func sleepAtChapterEndFadesPausesAndResumesWhereTheFadeBegan() async throws {
        try await DaemonHarness.run("sleepChapter", config: EndToEnd.baseConfig) { h in
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "0:05.5"])
            let at600 = try await h.recorder.awaitTone(600, after: play.started - 0.5, timeout: 2)
            let (timer, _) = try await h.control(["sleep", "chapter"])
            #expect(timer["mode"].string == "chapter", "\(timer)")
            // Chapter 2 ends at 10 s; the fade takes 3 s and ends half a second before it; then silence, paused.
            let paused = try await h.awaitStatus("paused by the sleep timer", timeout: 8) { $0["state"].string == "paused" }
            #expect(EndToEnd.near(paused["position"].double, 6.5, 0.4), "resume position should be where the fade began: \(paused)")
            // (After the tone began: the silence before it is not the pause.)
            let quiet = try await h.recorder.awaitSilence(after: at600, timeout: 2)
            try await EndToEnd.expectSilence(h, from: quiet + 0.05, to: quiet + 0.6, "after the sleep timer paused")
            // 800 Hz (chapter 3) never sounded: it paused at the end of chapter 2.
            let none = try await h.recorder.everyWindow(from: play.started, to: quiet) { !$0.isTone(800) }
            #expect(none, "chapter 3 was heard before the pause: \(h.recorder.timeline(from: play.started, to: quiet))")
            // The fade: the level falls before the pause.
            let early = try await h.recorder.reading(from: quiet - 2.9, to: quiet - 2.6)
            let late = try await h.recorder.reading(from: quiet - 0.4, to: quiet - 0.1)
            #expect(late.rms < early.rms * 0.6, "no fade-out: rms \(early.rms) → \(late.rms)")
            #expect(try await h.status()["sleep"].isNull)
        }
    }

    @Test func bookmarksAreChaptersOfYourOwnAndSurviveARestart() async throws {
        try await DaemonHarness.run("bookmarks", config: EndToEnd.baseConfig) { h in
            _ = try await h.play([EndToEnd.longTones, "--from", "0:40"])
            let (marked, result) = try await h.control(["mark", "Good", "bit"])
            #expect(result.status == 0, "\(result)")
            #expect(marked["chapter"]["title"].string == "Good bit", "\(marked)")
            let number = try #require(marked["chapter"]["number"].int)
            let start = try #require(marked["chapter"]["start"].double)
            #expect(start >= 40 && start < 42, "\(marked)")
            var chapters = try await h.control(["chapters"]).reply
            #expect(chapters.array?.count == 5, "\(chapters)")
            // Listed after chapter 2, in which it falls, with its own number (the chapters keep theirs).
            #expect(chapters[2]["bookmark"].bool == true && chapters[2]["source"].string == "bookmark", "\(chapters)")
            #expect(chapters[2]["number"].int == number && number == 1, "\(chapters)")
            #expect(chapters.array?.compactMap { $0["bookmark"].bool == false ? $0["number"].int : nil } == [1, 2, 3, 4], "\(chapters)")

            // Reachable by its number, and kept across a restart of the daemon.
            try await h.quitDaemon()
            try await h.startDaemon()
            let (_, again) = try await h.play([EndToEnd.longTones, "--from", "0:05"])
            _ = try await h.recorder.awaitTone(500, after: again.started, timeout: 3)
            let connection = try h.connect()
            let asked = Deadline.now()
            let jump = try connection.request("chapter", "\"bookmark\":\(number)")
            #expect(EndToEnd.near(jump.json["data"]["position"].double, start, 0.3), "\(jump.text)")
            let at700 = try await h.recorder.awaitTone(700, after: asked, timeout: 2)
            try await EndToEnd.expectTone(h, 700, from: at700 + 0.05, to: at700 + 0.5, "at the bookmark (chapter 2's tone)")

            // `unmark N` takes the bookmark's number.
            let removed = try await h.ctl(["unmark", String(number)])
            #expect(removed.status == 0, "\(removed)")
            chapters = try await h.control(["chapters"]).reply
            #expect(chapters.array?.count == 4, "\(chapters)")
        }
    }
}
