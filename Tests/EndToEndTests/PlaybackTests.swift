import Foundation
import Testing
import WDFTestSupport

/// Playing, seeking, pausing, chapters: what the listener hears (playing, seeking and pausing on
/// PipeWire too).
extension EndToEnd {
    @Test(arguments: SoundServer.Kind.allCases)
    func playsWhatItSays(on kind: SoundServer.Kind) async throws {
        try await DaemonHarness.run("playsWhatItSays", server: kind) { h in
            // The server is what it says ("PulseAudio (on PipeWire 0.3.65)" on PipeWire).
            #expect(h.server.serverName.contains("PipeWire") == (kind == .pipewire), "\(kind): \(h.server.serverName)")
            let result = try await h.wdfplay([EndToEnd.tones])
            try #require(result.status == 0, "\(result)")
            // One human line: title, where it starts, the chapter.
            #expect(result.stdoutLines.count == 1, "\(result)")
            #expect(result.stdout.contains("Tone Test #3: Six Chapters"), "\(result)")
            #expect(result.stdout.contains("from the start"), "\(result)")
            #expect(result.stdout.contains("chapter 1/6 \"Tone 400\""), "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")

            let heard = try await h.recorder.awaitTone(400, after: result.started - 0.5, timeout: 2)
            #expect(heard - result.ended < 2, "400 Hz heard \(heard - result.ended) s after wdfplay returned")
            try await EndToEnd.expectTone(h, 400, from: heard + 0.05, to: heard + 1.0, "the first second of chapter 1")

            let status = try await h.status()
            #expect(status["state"].string == "playing", "\(status)")
            #expect(status["chapter"]["number"].int == 1, "\(status)")
            #expect(status["chapter"]["title"].string == "Tone 400", "\(status)")
            #expect(status["chapters_count"].int == 6, "\(status)")
            #expect(status["duration"].double == 30, "\(status)")
            #expect(status["episode"]["title"].string == "Tone Test #3: Six Chapters", "\(status)")
            #expect(status["episode"]["path"].string == EndToEnd.tones, "\(status)")
            // The position is what has been heard: about the time since the tone started.
            let elapsed = Deadline.now() - heard
            #expect(EndToEnd.near(status["position"].double, elapsed, 0.3), "position \(status["position"]) after \(elapsed) s of sound")
        }
    }

    @Test(arguments: SoundServer.Kind.allCases)
    func seekLandsInChapter(on kind: SoundServer.Kind) async throws {
        try await DaemonHarness.run("seekLandsInChapter", server: kind) { h in
            let (_, play) = try await h.play([EndToEnd.tones])
            let at400 = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 400, from: at400 + 0.05, to: at400 + 0.4, "chapter 1")

            // Absolute, as MM:SS: 0:12 is in chapter 3 (800 Hz), heard at once.
            let (reply, seek) = try await h.control(["seek", "0:12"])
            #expect(reply["chapter"]["number"].int == 3, "\(reply)")
            #expect(EndToEnd.near(reply["position"].double, 12, 0.25), "\(reply)")
            try await EndToEnd.expectTone(h, 400, from: at400 + 0.05, to: seek.started - 0.02, "before the seek")
            let at800 = try await h.recorder.awaitTone(800, after: seek.started, timeout: 2)
            #expect(at800 - seek.ended < 0.5, "800 Hz began \(at800 - seek.ended) s after `seek 0:12` returned")
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.05, to: at800 + 0.5, "after seeking to 0:12")
            let status = try await h.status()
            #expect(status["chapter"]["number"].int == 3, "\(status)")
            #expect(status["chapter"]["title"].string == "Tone 800", "\(status)")
            #expect(status["state"].string == "playing", "\(status)")

            // Relative: +5 from about 12.5 is chapter 4 (1000 Hz).
            let (forward, plus) = try await h.control(["seek", "+5"])
            #expect(forward["chapter"]["number"].int == 4, "\(forward)")
            let before = status["position"].double ?? 12
            #expect((forward["position"].double ?? 0) >= before + 5 - 0.05, "\(forward) after \(status)")
            let at1000 = try await h.recorder.awaitTone(1000, after: plus.started, timeout: 2)
            #expect(at1000 - plus.ended < 0.5, "1000 Hz began \(at1000 - plus.ended) s after `seek +5` returned")
            try await EndToEnd.expectTone(h, 1000, from: at1000 + 0.05, to: at1000 + 0.4, "after `seek +5`")

            // Relative backwards: -10 from about 17.5 is chapter 2 (600 Hz). The README and
            // `wdfctl seek --help` give `-15` as the form; if the argument parser takes it for an
            // option, that is recorded and the test goes on with `-- -10`.
            var minus = try await h.ctl(["seek", "-10", "--json"])
            #expect(minus.status == 0, "`wdfctl seek -10` (documented: \"+30 or -15 to move relative\") failed: \(minus)")
            if minus.status != 0 { minus = try await h.ctl(["seek", "--json", "--", "-10"]) }
            try #require(minus.status == 0, "\(minus)")
            let back = minus.json
            #expect(back["chapter"]["number"].int == 2, "\(back)")
            let at600 = try await h.recorder.awaitTone(600, after: minus.started, timeout: 2)
            #expect(at600 - minus.ended < 0.5, "600 Hz began \(at600 - minus.ended) s after `seek -10` returned")

            // Past the end: refused, one line, and playback goes on.
            let past = try await h.ctl(["seek", "31"])
            #expect(past.status == 1 && past.stderrLines.count == 1, "\(past)")
            try await EndToEnd.expectTone(h, 600, from: past.ended, to: past.ended + 0.3, "after a refused seek")
        }
    }

    @Test(arguments: SoundServer.Kind.allCases)
    func pauseIsSilentResumeContinues(on kind: SoundServer.Kind) async throws {
        try await DaemonHarness.run("pauseIsSilentResumeContinues", server: kind) { h in
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "6"])
            _ = try await h.recorder.awaitTone(600, after: play.started - 0.5, timeout: 2)
            _ = try await h.awaitStatus("position ≥ 6.8", timeout: 3) { ($0["position"].double ?? 0) >= 6.8 }

            let (paused, pause) = try await h.control(["pause"])
            #expect(paused["state"].string == "paused", "\(paused)")
            try await EndToEnd.expectTone(h, 600, from: pause.started - 0.4, to: pause.started - 0.05, "before pausing")
            // Silent within 100 ms of the reply, and it stays silent.
            try await EndToEnd.expectSilence(h, from: pause.ended + 0.1, to: pause.ended + 0.8, "after `pause`")
            let p1 = try await h.status()
            #expect(p1["state"].string == "paused", "\(p1)")
            let pausedAt = try #require(p1["position"].double)
            #expect(EndToEnd.near(paused["position"].double, pausedAt, 0.05), "reply \(paused) vs status \(p1)")
            // The position does not move while paused (0.8 s of silence have passed since the reply).
            let p2 = try await h.status()
            #expect(EndToEnd.near(p2["position"].double, pausedAt, 0.01), "\(p2) vs \(pausedAt)")

            let (resumed, resume) = try await h.control(["resume"])
            #expect(resumed["state"].string == "playing", "\(resumed)")
            #expect(EndToEnd.near(resumed["position"].double, pausedAt, 0.3), "\(resumed) vs paused at \(pausedAt)")
            let again = try await h.recorder.awaitTone(600, after: resume.started, timeout: 2)
            #expect(again - resume.ended < 0.3, "600 Hz came back \(again - resume.ended) s after `resume` returned")
            try await EndToEnd.expectSilence(h, from: pause.ended + 0.1, to: resume.started, "until `resume`")
            // It carries on from where it paused: chapter 3 (800 Hz) starts 10 − pausedAt s later.
            let at800 = try await h.recorder.awaitTone(800, after: again, timeout: 10 - pausedAt + 2)
            #expect(EndToEnd.near(at800 - again, 10 - pausedAt, 0.3),
                    "800 Hz began \(at800 - again) s after resuming at \(pausedAt); expected \(10 - pausedAt)")
        }
    }

    @Test func chapterNavigation() async throws {
        try await DaemonHarness.run("chapterNavigation") { h in
            let (_, play) = try await h.play([EndToEnd.tones])
            let at400 = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 400, from: at400 + 0.05, to: at400 + 0.3, "chapter 1")

            let (third, chapter) = try await h.control(["chapter", "3"])
            #expect(third["chapter"]["number"].int == 3, "\(third)")
            #expect(EndToEnd.near(third["position"].double, 10, 0.1), "\(third)")
            let at800 = try await h.recorder.awaitTone(800, after: chapter.started, timeout: 2)
            #expect(at800 - chapter.ended < 0.5, "800 Hz began \(at800 - chapter.ended) s after `chapter 3`")
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.05, to: at800 + 0.3, "after `chapter 3`")

            let (fourth, next) = try await h.control(["next"])
            #expect(fourth["chapter"]["number"].int == 4, "\(fourth)")
            #expect(EndToEnd.near(fourth["position"].double, 15, 0.1), "\(fourth)")
            let at1000 = try await h.recorder.awaitTone(1000, after: next.started, timeout: 2)
            #expect(at1000 - next.ended < 0.5, "1000 Hz began \(at1000 - next.ended) s after `next`")
            try await EndToEnd.expectTone(h, 1000, from: at1000 + 0.05, to: at1000 + 0.3, "after `next`")

            // Within the first 5 s of chapter 4: back to chapter 3.
            let (back, prev) = try await h.control(["prev"])
            #expect(back["chapter"]["number"].int == 3, "\(back)")
            #expect(EndToEnd.near(back["position"].double, 10, 0.1), "\(back)")
            let again800 = try await h.recorder.awaitTone(800, after: prev.started, timeout: 2)
            #expect(again800 - prev.ended < 0.5, "800 Hz began \(again800 - prev.ended) s after `prev`")
            try await EndToEnd.expectTone(h, 800, from: again800 + 0.05, to: again800 + 0.3, "after `prev`")

            // The list: six chapters at exact starts, the one playing marked.
            let (list, _) = try await h.control(["chapters"])
            let items = try #require(list.array, "\(list)")
            #expect(items.count == 6, "\(list)")
            #expect(items.map { $0["start"].double } == [0, 5, 10, 15, 20, 25], "\(list)")
            #expect(items.map { $0["end"].double } == [5, 10, 15, 20, 25, 30], "\(list)")
            #expect(items.map { $0["number"].int } == [1, 2, 3, 4, 5, 6], "\(list)")
            #expect(items.map { $0["title"].string } == ["Tone 400", "Tone 600", "Tone 800", "Tone 1000", "Tone 1200", "Tone 1400"], "\(list)")
            #expect(items.map { $0["current"].bool } == [false, false, true, false, false, false], "\(list)")
            let text = try await h.ctl(["chapters"])
            let lines = text.stdoutLines
            #expect(lines.count == 6 && lines[2].hasPrefix("▶") && lines[2].contains("Tone 800")
                    && lines.enumerated().allSatisfy { $0.offset == 2 || !$0.element.hasPrefix("▶") }, "\(text)")

            // A chapter that does not exist: refused in one line, and chapter 3 plays on.
            let none = try await h.ctl(["chapter", "9"])
            #expect(none.status == 1 && none.stderrLines.count == 1 && none.stderr.contains("9"), "\(none)")
            try await EndToEnd.expectTone(h, 800, from: none.ended, to: none.ended + 0.3, "after `chapter 9` was refused")
        }
    }

    @Test func prevRestartsLongChapter() async throws {
        try await DaemonHarness.run("prevRestartsLongChapter") { h in
            // long-tones.mp3: four 30 s chapters, 500/700/900/1100 Hz, no CTOC.
            let (start, play) = try await h.play([EndToEnd.longTones, "--from", "40"])
            #expect(start["chapter"]["number"].int == 2, "\(start)")
            #expect(start["chapter"]["title"].string == "Part B", "\(start)")
            _ = try await h.recorder.awaitTone(700, after: play.started - 0.5, timeout: 2)

            // 10 s into chapter 2: to the start of chapter 2, still 700 Hz.
            let (restart, prev) = try await h.control(["prev"])
            #expect(restart["chapter"]["number"].int == 2, "\(restart)")
            #expect(EndToEnd.near(restart["position"].double, 30, 0.1), "\(restart)")
            try await EndToEnd.expectTone(h, 700, from: prev.ended + 0.1, to: prev.ended + 0.4, "after the first `prev`")
            let status = try await h.status()
            #expect(EndToEnd.near(status["position"].double, 30 + (Deadline.now() - prev.ended), 0.3), "\(status)")

            // Within its first 5 s now: to chapter 1 (500 Hz).
            let (first, prev2) = try await h.control(["prev"])
            #expect(first["chapter"]["number"].int == 1, "\(first)")
            #expect(EndToEnd.near(first["position"].double, 0, 0.1), "\(first)")
            let at500 = try await h.recorder.awaitTone(500, after: prev2.started, timeout: 2)
            #expect(at500 - prev2.ended < 0.5, "500 Hz began \(at500 - prev2.ended) s after the second `prev`")
            try await EndToEnd.expectTone(h, 500, from: at500 + 0.05, to: at500 + 0.4, "after the second `prev`")

            // Chapters without CTOC come in time order.
            let (list, _) = try await h.control(["chapters"])
            #expect(list.array?.map { $0["start"].double } == [0, 30, 60, 90], "\(list)")
            #expect(list.array?.map { $0["title"].string } == ["Part A", "Part B", "Part C", "Part D"], "\(list)")
        }
    }
}
