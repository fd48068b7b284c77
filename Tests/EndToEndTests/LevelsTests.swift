import Foundation
import Testing
import WDFTestSupport

/// Loudness levelling and the live volume, as heard on the recorded null sink.
extension EndToEnd {
    static let levelLoud = Binaries.fixture("dsp/level-loud.mp3")
    static let levelQuiet = Binaries.fixture("dsp/level-quiet.mp3")

    static func decibels(_ a: Double, over b: Double) -> Double { 20 * log10(max(a, 1e-9) / max(b, 1e-9)) }

    /// Waits until `info` of the episode in play shows its loudness (the background pass).
    static func awaitMeasured(_ h: DaemonHarness, _ path: String) async throws -> JSONValue {
        let deadline = Deadline.now() + 30
        while Deadline.now() < deadline {
            let info = try await h.control(["info", path]).reply
            if info["loudness"]["lufs"].double != nil { return info["loudness"] }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw DaemonHarness.HarnessError("\(path) was not measured within 30 s")
    }

    /// Two episodes mastered 20 dB apart (500 Hz at -6 dBFS, 700 Hz at -26 dBFS) are heard within
    /// 1 dB of each other once measured: each plays from its first second with its gain.
    @Test func levellingPlaysEpisodesTwentyDecibelsApartAlike() async throws {
        try await DaemonHarness.run("levelling") { h in
            _ = try await h.play([EndToEnd.levelLoud])
            let loud = try await EndToEnd.awaitMeasured(h, EndToEnd.levelLoud)
            _ = try await h.play([EndToEnd.levelQuiet])
            let quiet = try await EndToEnd.awaitMeasured(h, EndToEnd.levelQuiet)
            let loudGain = try #require(loud["gain"].double), quietGain = try #require(quiet["gain"].double)
            #expect(abs((quietGain - loudGain) - 20) < 1, "gains \(loudGain) and \(quietGain) dB")
            let text = try await h.ctl(["info", EndToEnd.levelQuiet])
            #expect(text.stdout.contains("LUFS") && text.stdout.contains("levelled +"), "\(text)")

            var levels: [Double] = []
            for (path, tone) in [(EndToEnd.levelLoud, 500.0), (EndToEnd.levelQuiet, 700.0)] {
                let (_, play) = try await h.play([path, "--restart"])
                let heard = try await h.recorder.awaitTone(tone, after: play.started - 0.5, timeout: 3)
                let reading = try await h.recorder.reading(from: heard + 0.5, to: heard + 2)
                #expect(reading.isTone(tone), "\(path): \(reading)")
                levels.append(reading.rms)
            }
            let apart = EndToEnd.decibels(levels[0], over: levels[1])
            #expect(abs(apart) < 1, "heard \(apart) dB apart (rms \(levels))")
        }
    }

    /// `volume 50` is heard at once (-18 dB: PulseAudio's cubic curve, as pavucontrol's 50 %),
    /// shown, and kept for the next `wdfplay` and after the daemon restarts.
    @Test func volumeFiftyIsHeardAndKept() async throws {
        try await DaemonHarness.run("volume", config: "normalize = false\n") { h in
            let (_, play) = try await h.play([EndToEnd.tones])
            let heard = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 3)
            let full = try await h.recorder.reading(from: heard + 0.3, to: heard + 1.3).rms

            let set = try await h.ctl(["volume", "50"])
            #expect(set.status == 0 && set.stdout.contains("Volume 50 %"), "\(set)")
            let after = Deadline.now()
            let reading = try await h.recorder.reading(from: after + 0.5, to: after + 1.5)
            let drop = EndToEnd.decibels(reading.rms, over: full)
            #expect(abs(drop - -18.06) < 1.5, "volume 50 dropped \(drop) dB")
            let shown = try await h.control(["volume"]).reply
            #expect(shown["volume"].int == 50, "\(shown)")

            // The next episode keeps it.
            let (_, again) = try await h.play([EndToEnd.tones, "--restart"])
            let next = try await h.recorder.awaitSound(after: again.started - 0.2, timeout: 3)
            let nextLevel = EndToEnd.decibels(try await h.recorder.reading(from: next + 0.5, to: next + 1.5).rms, over: full)
            #expect(abs(nextLevel - -18.06) < 1.5, "the next wdfplay at \(nextLevel) dB")

            // So does a restart.
            try await h.quitDaemon()
            try await h.startDaemon()
            #expect(try await h.control(["volume"]).reply["volume"].int == 50)
            let change = try await h.ctl(["volume", "--", "-10"])
            #expect(change.stdout.contains("Volume 40 %"), "\(change)")

            // A volume the listener sets in a mixer is adopted: shown, and kept after a restart.
            _ = try await h.play([EndToEnd.tones, "--restart"])
            let stream = try await Deadline.await("the stream", until: { note in
                let inputs = try await SinkInputs.list(h)
                note("\(inputs)")
                return inputs.first
            }, timeout: 5)
            #expect(stream.volumePercent == 40, "\(stream)")
            #expect(try await SinkInputs.pactl(h, ["set-sink-input-volume", String(stream.index), "30%"]).status == 0)
            #expect(try await h.control(["volume"]).reply["volume"].int == 30)
            try await h.quitDaemon()
            try await h.startDaemon()
            #expect(try await h.control(["volume"]).reply["volume"].int == 30)
        }
    }
}
