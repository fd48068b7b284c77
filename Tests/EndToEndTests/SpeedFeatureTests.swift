import Foundation
import Testing
import WDFTestSupport

/// Speed with the pitch kept and skip silence, as heard on the recorded sink: positions in
/// episode time, chapters and skip rules where they belong, silences shortened, tones whole.
extension EndToEnd {
    static let tonesSilences = Binaries.fixture("dsp/tones-silences.mp3")

    @Test func atTwiceTheSpeedTheTonesKeepTheirPitchAndTenSecondsPassInFive() async throws {
        try await DaemonHarness.run("speedTwice") { h in
            let (_, play) = try await h.play([EndToEnd.tones])
            let at400 = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 3)
            let (reply, speed) = try await h.control(["speed", "2"])
            #expect(reply["speed"].double == 2 && reply["silence"].string == "off", "\(reply)")
            // Heard at once, still 400 Hz (not 800: the pitch is kept).
            try await EndToEnd.expectTone(h, 400, from: speed.ended + 0.1, to: speed.ended + 0.6, "chapter 1 at 2×")
            // Chapters 2 and 3 (600 and 800 Hz, 10 s of episode) pass in 5 s, each at its own pitch.
            let at600 = try await h.recorder.awaitTone(600, after: at400, timeout: 6)
            try await EndToEnd.expectTone(h, 600, from: at600 + 0.1, to: at600 + 2.2, "chapter 2 at 2×")
            let at800 = try await h.recorder.awaitTone(800, after: at600 + 2, timeout: 4)
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.1, to: at800 + 2.2, "chapter 3 at 2×")
            let at1000 = try await h.recorder.awaitTone(1000, after: at800 + 2, timeout: 4)
            #expect(abs((at1000 - at600) - 5) < 0.2, "10 s of episode took \(at1000 - at600) s at 2×")
            // The status counts episode time and says so.
            let status = try await h.status()
            #expect(status["speed"].double == 2, "\(status)")
            #expect(status["chapter"]["number"].int == 4, "\(status)")
            let position = status["position"].double ?? 0
            let remaining = status["remaining"].double ?? 0
            #expect(abs(remaining - (30 - position) / 2) < 0.05, "\(status)")
            let human = try await h.ctl(["status"])
            #expect(human.stdout.contains("speed 2×, skip silence off"), "\(human)")
        }
    }

    @Test func aChapterBoundaryAndASkipRuleComeAtTheirEpisodeTimeAtOneAndAHalf() async throws {
        let config = EndToEnd.baseConfig + "speed = 1.5\nskip_chapters = [\"Tone 800\"]\n"
        try await DaemonHarness.run("speedSkipRule", config: config) { h in
            let (reply, play) = try await h.play([EndToEnd.tones])
            #expect(reply["speed"].double == 1.5, "\(reply)")
            let at400 = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 3)
            // Chapter 2 begins at 5 s of episode: 3.33 s of listening.
            let at600 = try await h.recorder.awaitTone(600, after: at400, timeout: 6)
            #expect(abs((at600 - at400) - 5 / 1.5) < 0.2, "chapter 2 after \(at600 - at400) s")
            // Chapter 3 (800 Hz) is skipped at 10 s of episode (3.33 s later): 1000 Hz follows.
            let at1000 = try await h.recorder.awaitTone(1000, after: at600, timeout: 6)
            #expect(abs((at1000 - at600) - 5 / 1.5) < 0.25, "chapter 4 \(at1000 - at600) s after chapter 2")
            let heard800 = try await h.recorder.everyWindow(from: at600 + 0.2, to: at1000 - 0.3) { !$0.isTone(800) }
            #expect(heard800, "800 Hz was heard: \(h.recorder.timeline(from: at600, to: at1000 + 0.2, relativeTo: at400))")
            let status = try await h.status()
            #expect(status["skipped"]["title"].string == "Tone 800", "\(status)")
            #expect(status["chapter"]["number"].int == 4, "\(status)")
        }
    }

    @Test func skippingSilencePlaysFasterAndEveryToneWhole() async throws {
        try await DaemonHarness.run("skipSilence", config: EndToEnd.baseConfig + "skip_silence = \"medium\"\n") { h in
            let (reply, play) = try await h.play([EndToEnd.tonesSilences])
            #expect(reply["silence"].string == "medium", "\(reply)")
            var previous = play.started - 0.5
            var starts: [Double] = []
            for f in [400.0, 600, 800, 1000, 1200, 1400] {
                let start = try await h.recorder.awaitTone(f, after: previous, timeout: 6)
                // Whole: 2 s of the tone from its onset, nothing cut from it.
                try await EndToEnd.expectTone(h, f, from: start + 0.05, to: start + 1.9, "the \(Int(f)) Hz tone")
                starts.append(start)
                previous = start + 1.9
            }
            // Each 3 s near-silence is down to about 0.3 s: 5 s from one tone to the next becomes
            // about 2.3 s, and the 27 s episode is heard in about 13.5 s.
            for (a, b) in zip(starts, starts.dropFirst()) {
                #expect(b - a > 2.1 && b - a < 2.8, "tones \(b - a) s apart: \(h.recorder.timeline(from: a, to: b + 0.1, relativeTo: a))")
            }
            let status = try await h.awaitStatus("stopped at the end", timeout: 6) { $0["state"].string == "stopped" }
            #expect(status["silence"].string == "medium" && status["remaining"].isNull && status["time_saved"].double == 0, "\(status)")
            let stats = try await h.control(["stats"])
            #expect((stats.reply["time_saved_total"].double ?? 0) > 12, "\(stats.reply)")
        }
    }
}
