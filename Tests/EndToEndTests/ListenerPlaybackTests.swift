import Foundation
import Testing
import WDFTestSupport

/// Issue 12 as a new listener hears it: the sleep timer and `continue`, going on after an
/// episode ended, `--from` past the end, toggle after stop, a paused position that holds still,
/// the sound server's name and its return, the stream's name.
extension EndToEnd {
    /// A library of `Tones #1` … `#count` (tones.mp3, 30 s, six 5 s tones 400 … 1400 Hz).
    static func toneSeries(_ h: DaemonHarness, count: Int = 2) throws -> URL {
        let library = h.directory.appendingPathComponent("library")
        for n in 1...count {
            try EpisodeFiles.write("tones-\(n).mp3", title: "Tones #\(n): Part \(n)", audioOf: "tones.mp3", in: library)
        }
        return library.resolvingSymlinksInPath()
    }

    @Test func sleepAtTheEndOfAnEpisodeLeavesTheNextOneAlone() async throws {
        try await DaemonHarness.run("sleepEpisodeContinue", startDaemon: false) { h in
            let library = try EndToEnd.toneSeries(h)
            let one = library.appendingPathComponent("tones-1.mp3").path
            let two = library.appendingPathComponent("tones-2.mp3").path
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\ncontinue = true\nresume_rewind = 0\n")
            try await h.startDaemon()
            let (_, run) = try await h.play(["1", "--from", "22"])
            _ = try await h.recorder.awaitTone(1200, after: run.started, timeout: 3)
            _ = try await h.control(["sleep", "episode"])
            // The fade begins 3 s before the end of #1; then it pauses there, in #1.
            let paused = try await h.awaitStatus("paused by the sleep timer", timeout: 15) { $0["state"].string == "paused" }
            #expect(paused["episode"]["path"].string == one, "\(paused)")
            #expect(EndToEnd.near(paused["position"].double, 26.5, 1), "\(paused)")
            let saved = try h.savedPositions()
            #expect(saved["episodes"][two].isNull, "episode 2 was touched: \(saved)")
            #expect(saved["last"].string == one, "\(saved)")
            #expect(saved["episodes"][one]["played"].bool != true || saved["episodes"][one]["finished"].bool != true, "\(saved)")
            // Resuming plays the end of #1 (1400 Hz), then #2 from its start (400 Hz).
            let (_, resumed) = try await h.control(["resume"])
            let end = try await h.recorder.awaitTone(1400, after: resumed.started, timeout: 3)
            _ = try await h.recorder.awaitTone(400, after: end, timeout: 6)
            let status = try await h.awaitStatus("episode 2 in play", timeout: 3) { $0["episode"]["path"].string == two }
            #expect((status["position"].double ?? 99) < 4, "\(status)")
        }
    }

    /// A timer of listening time whose fade runs past the end of the episode: paused where the
    /// fade began all the same, and the next episode is left alone.
    @Test func aSleepFadeThatOutlastsTheEpisodePausesInIt() async throws {
        try await DaemonHarness.run("sleepFadePastTheEnd", startDaemon: false) { h in
            let library = try EndToEnd.toneSeries(h)
            let one = library.appendingPathComponent("tones-1.mp3").path
            let two = library.appendingPathComponent("tones-2.mp3").path
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\ncontinue = true\nresume_rewind = 0\n")
            try await h.startDaemon()
            let (_, run) = try await h.play(["1", "--from", "28"])
            _ = try await h.recorder.awaitTone(1400, after: run.started, timeout: 3)
            // 2 s of listening: the 3 s fade begins at once and outlasts the 2 s left.
            let connection = try h.connect()
            let timer = try connection.request("sleep", "\"seconds\":2")
            #expect(timer.json["ok"].bool == true, "\(timer.text)")
            let paused = try await h.awaitStatus("paused after the fade", timeout: 10) { $0["state"].string == "paused" }
            #expect(paused["episode"]["path"].string == one, "\(paused)")
            #expect(EndToEnd.near(paused["position"].double, 28.2, 0.7), "\(paused)")
            let saved = try h.savedPositions()
            #expect(saved["episodes"][two].isNull, "episode 2 was touched: \(saved)")
            #expect(saved["episodes"][one]["finished"].bool != true, "\(saved)")
            // Silence after the end of #1: #2 (400 Hz) did not start.
            let quiet = try await h.recorder.awaitSilence(after: run.started + 1, timeout: 5)
            try await EndToEnd.expectSilence(h, from: quiet + 0.1, to: quiet + 1.5, "after the sleep timer")
        }
    }

    @Test func continuingAFinishedEpisodeAndToggleAfterStop() async throws {
        try await DaemonHarness.run("continueFinished", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Korean War #1: Short", audioOf: "library/a.mp3", in: library)
            try EpisodeFiles.write("two.mp3", title: "Korean War #2: Tones", audioOf: "tones.mp3", in: library)
            try EpisodeFiles.write("three.mp3", title: "Korean War #3: Short", audioOf: "library/b.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nresume_rewind = 0\n")
            try await h.startDaemon()
            // #1 plays to its end.
            let (_, first) = try await h.play(["1"])
            _ = try await h.recorder.awaitTone(500, after: first.started, timeout: 3)
            _ = try await h.awaitStatus("the end of #1", timeout: 5) { $0["state"].string == "stopped" }
            // `wdfplay` alone: not #1 again, but #2.
            let (next, nextRun) = try await h.play([])
            #expect(next["episode"]["number"].int == 2, "\(next)")
            _ = try await h.recorder.awaitTone(400, after: nextRun.started, timeout: 3)

            // Stopped in #2 at 0:12: toggle (a media key) starts it again there (800 Hz).
            _ = try await h.control(["seek", "12"])
            let (stopped, _) = try await h.control(["stop"])
            #expect(stopped["state"].string == "stopped", "\(stopped)")
            let (toggled, toggle) = try await h.control(["toggle"])
            #expect(toggled["state"].string == "playing" && toggled["episode"]["number"].int == 2, "\(toggled)")
            let at800 = try await h.recorder.awaitTone(800, after: toggle.started, timeout: 3)
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.05, to: at800 + 0.5, "#2 again where it stopped")

            // #2 ends: `resume` goes on with #3 (600 Hz), as `wdfplay` would.
            _ = try await h.control(["seek", "29.5"])
            _ = try await h.awaitStatus("the end of #2", timeout: 5) { $0["state"].string == "stopped" }
            let (resumed, resume) = try await h.control(["resume"])
            #expect(resumed["episode"]["number"].int == 3, "\(resumed)")
            _ = try await h.recorder.awaitTone(600, after: resume.started, timeout: 3)
            // `pause` when stopped still says there is nothing to pause.
            _ = try await h.awaitStatus("the end of #3", timeout: 5) { $0["state"].string == "stopped" }
            let pause = try await h.ctl(["pause"])
            #expect(pause.status == 1 && pause.stderr.contains("Nothing is playing"), "\(pause)")
        }
    }

    @Test func fromPastTheEndIsRefused() async throws {
        try await DaemonHarness.run("fromPastTheEnd") { h in
            let past = try await h.wdfplay([EndToEnd.tones, "--from", "99:00"])
            #expect(past.status == 1, "\(past)")
            #expect(past.stderrLines.count == 1 && past.stderr.contains("1:39:00 is past the end of the episode (0:30)"), "\(past)")
            let status = try await h.status()
            #expect(status["state"].string == "stopped", "\(status)")
            // Nothing was heard.
            try await EndToEnd.expectSilence(h, from: past.started, to: past.ended + 0.5, "after a refused --from")
            // The very end is not past it.
            let end = try await h.wdfplay([EndToEnd.tones, "--from", "0:30", "--json"])
            #expect(end.status == 0, "\(end)")
        }
    }

    @Test func aPausedPositionHoldsStill() async throws {
        try await DaemonHarness.run("pausedPositionHoldsStill", config: EndToEnd.baseConfig) { h in
            let (_, run) = try await h.play([EndToEnd.tones, "--from", "7"])
            let heard = try await h.recorder.awaitTone(600, after: run.started, timeout: 3)
            try await Deadline.sleep(until: heard + 1)
            let (paused, _) = try await h.control(["pause"])
            var positions: [Double] = [try #require(paused["position"].double)]
            for _ in 0..<6 {
                try await Deadline.sleep(until: Deadline.now() + 0.15)
                positions.append(try #require(try await h.status()["position"].double))
            }
            #expect(Set(positions).count == 1, "paused positions: \(positions)")
            let saved = try h.savedPositions()["episodes"][EndToEnd.tones]["position"].double
            #expect(saved == positions[0], "saved \(String(describing: saved)), status \(positions[0])")
            // Playing on from there, and pausing again, gives a new frozen position.
            let (resumed, _) = try await h.control(["resume"])
            #expect(resumed["state"].string == "playing", "\(resumed)")
            try await Deadline.sleep(until: Deadline.now() + 0.5)
            let (again, _) = try await h.control(["pause"])
            #expect((again["position"].double ?? 0) > positions[0] + 0.2, "\(again) after \(positions[0])")
            #expect(try await h.status()["position"].double == again["position"].double)
        }
    }

    @Test func theStreamIsNamedAfterTheEpisode() async throws {
        try await DaemonHarness.run("streamName", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Korean War #1: Seoul\u{1B}[31m falls", audioOf: "tones.mp3", in: library)
            try EpisodeFiles.write("two.mp3", title: "Korean War #2: Inchon", audioOf: "tones.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\ncontinue = true\n")
            try await h.startDaemon()
            let pactl = URL(fileURLWithPath: try SoundServer.tool("pactl"))
            func streamNames() async throws -> [String] {
                let list = try await ChildProcess.run(pactl, ["list", "sink-inputs"], environment: h.environment, scratch: h.directory)
                return list.stdout.split(separator: "\n").compactMap { line in
                    let text = line.trimmingCharacters(in: .whitespaces)
                    guard text.hasPrefix("media.name = ") else { return nil }
                    return String(text.dropFirst("media.name = ".count))
                }
            }
            _ = try await h.play(["1", "--from", "27"])
            // The title, with the escape sequence's control character gone.
            let first = try await Deadline.await("the stream of #1", until: { note in
                let names = try await streamNames()
                note("\(names)")
                return names.first { $0.contains("Seoul") }
            }, timeout: 5)
            #expect(first.hasPrefix("\"Korean War #1: Seoul") && first.hasSuffix("falls\"") && !first.contains("\u{1B}"), "\(first)")
            // #2 follows in the same stream: renamed.
            _ = try await Deadline.await("the stream renamed for #2", until: { note in
                let names = try await streamNames()
                note("\(names)")
                return names.contains("\"Korean War #2: Inchon\"") ? true : nil
            }, timeout: 10)
        }
    }

    /// The sound server is gone when `wdfplay` asks for an episode, then comes back: the reason is
    /// shown (in the server's own name) while it is away, and gone once it is back.
    @Test func aStoppedDaemonForgetsTheOutputErrorWhenTheServerIsBack() async throws {
        try await DaemonHarness.run("outputErrorWhileStopped", config: EndToEnd.baseConfig, startDaemon: false) { h in
            let pulse = try SoundServer(kind: .pulseaudio, directory: h.directory.appendingPathComponent("pa2"))
            do {
                try await pulse.start()
                let pactl = URL(fileURLWithPath: try SoundServer.tool("pactl"))
                let info = try await ChildProcess.run(pactl, ["info"], environment: pulse.clientEnvironment, scratch: h.directory)
                let name = try #require(info.stdoutLines.first { $0.hasPrefix("Server Name: ") }?.dropFirst("Server Name: ".count))
                try await ResilienceKit.withDaemon(h, overrides: ["PULSE_SERVER": pulse.address]) { _ in
                    try await pulse.kill()
                    let refused = try await h.wdfplay([EndToEnd.tones])
                    #expect(refused.status != 0, "\(refused)")
                    // Named as the server calls itself ("pulseaudio"; PipeWire says "PulseAudio (on PipeWire …)").
                    #expect(refused.stderr.contains("\"\(name)\""), "\(refused)")
                    let away = try await h.status()
                    #expect(away["state"].string == "stopped" && away["output_error"].string?.contains("\"\(name)\"") == true, "\(away)")
                    let text = try await h.ctl(["status"])
                    #expect(text.stdoutLines.count == 2 && text.stdout.contains("not reachable"), "\(text)")

                    _ = try await pulse.start()
                    let back = try await h.awaitStatus("no output error once the server is back", timeout: 5) { $0["output_error"].isNull }
                    #expect(back["state"].string == "stopped", "\(back)")
                    let clean = try await h.ctl(["status"])
                    #expect(clean.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "■ stopped", "\(clean)")
                }
            } catch {
                FileHandle.standardError.write(Data("--- second sound server log ---\n\(pulse.log)\n".utf8))
                await pulse.stop()
                throw error
            }
            await pulse.stop()
        }
    }
}

extension EndToEnd {
    /// `continue` into an episode of another sample format (44.1 kHz stereo → 22.05 kHz mono):
    /// a new stream, opened without a gap worth hearing.
    @Test(arguments: [false, true]) func continuingIntoAnotherSampleFormatLeavesNoGap(monoFirst: Bool) async throws {
        try await DaemonHarness.run("continueOtherFormat-\(monoFirst)", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Tones #1: First", audioOf: monoFirst ? "long-tones.mp3" : "tones.mp3", in: library)
            try EpisodeFiles.write("two.mp3", title: "Tones #2: Second", audioOf: monoFirst ? "tones.mp3" : "long-tones.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\ncontinue = true\n")
            try await h.startDaemon()
            let (_, run) = try await h.play(["1", "--from", monoFirst ? "118" : "28"])
            let high = try await h.recorder.awaitTone(monoFirst ? 1100 : 1400, after: run.started, timeout: 3)
            let end = try await h.recorder.awaitSilence(after: high, timeout: 4)
            let next = try await h.recorder.awaitTone(monoFirst ? 400 : 500, after: end, timeout: 5)
            print(String(format: "[continueOtherFormat] gap between the episodes: %.3f s", next - end))
            #expect(next - end < 0.3, "\(next - end) s of silence between the episodes: \(h.recorder.timeline(from: end - 0.2, to: next + 0.2, relativeTo: end))")
            let status = try await h.awaitStatus("episode 2 in play", timeout: 3) { $0["episode"]["title"].string == "Tones #2: Second" }
            #expect(status["state"].string == "playing", "\(status)")
        }
    }
}

/// The daemon's streams as `pactl list sink-inputs` shows them.
struct SinkInputs {
    struct Input { var index: Int; var sink: Int; var volumePercent: Int?; var name: String? }

    static func list(_ h: DaemonHarness) async throws -> [Input] {
        let pactl = URL(fileURLWithPath: try SoundServer.tool("pactl"))
        let result = try await ChildProcess.run(pactl, ["list", "sink-inputs"], environment: h.environment, scratch: h.directory)
        var inputs: [Input] = []
        var current: Input?
        var ours = false
        func flush() { if let c = current, ours { inputs.append(c) } }
        for raw in result.stdout.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Sink Input #") {
                flush()
                current = Input(index: Int(line.dropFirst("Sink Input #".count)) ?? -1, sink: -1)
                ours = false
            } else if line.hasPrefix("Sink: ") {
                current?.sink = Int(line.dropFirst("Sink: ".count)) ?? -1
            } else if line.hasPrefix("Volume: "), let percent = line.split(separator: "/").dropFirst().first {
                current?.volumePercent = Int(percent.trimmingCharacters(in: .whitespaces).dropLast())
            } else if line.hasPrefix("media.name = ") {
                current?.name = String(line.dropFirst("media.name = ".count))
            } else if line == "application.name = \"wdfplay\"" {
                ours = true
            }
        }
        flush()
        return inputs
    }

    static func pactl(_ h: DaemonHarness, _ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess.run(URL(fileURLWithPath: try SoundServer.tool("pactl")), arguments, environment: h.environment, scratch: h.directory)
    }
}

extension EndToEnd {
    @Test func reloadAppliesVolumeAndSinkAndAMixerVolumeIsKept() async throws {
        try await DaemonHarness.run("reloadOutput", startDaemon: false) { h in
            let library = try EndToEnd.toneSeries(h)
            let base = EndToEnd.baseConfig + "library = \"\(library.path)\"\n"
            try h.writeConfig(base)
            try await h.startDaemon()
            _ = try await h.play(["1"])
            let first = try await Deadline.await("our stream", until: { _ in try await SinkInputs.list(h).first }, timeout: 5)
            #expect(first.volumePercent == 100, "\(first)")

            // volume = 50, then SIGHUP: the stream in play follows.
            try h.writeConfig(base + "volume = 50\n")
            for pid in try await h.daemonPids() { kill(pid, SIGHUP) }
            _ = try await Deadline.await("the stream at 50 %", until: { note in
                let inputs = try await SinkInputs.list(h)
                note("\(inputs)")
                return inputs.first?.volumePercent == 50 ? true : nil
            }, timeout: 5)
            _ = try await ResilienceKit.awaitLog(h, "volume 100 → 50")

            // A second sink; audio_device names it: the stream moves there. A wrong name is said.
            let loaded = try await SinkInputs.pactl(h, ["load-module", "module-null-sink", "sink_name=listener_other"])
            let module = loaded.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            defer { if !module.isEmpty { _ = try? ChildProcess.runBlocking(try SoundServer.tool("pactl"), ["unload-module", module], environment: h.environment, scratch: h.directory) } }
            let sinks = try await SinkInputs.pactl(h, ["list", "short", "sinks"])
            let other = try #require(sinks.stdoutLines.first { $0.contains("\tlistener_other\t") }.flatMap { Int($0.split(separator: "\t")[0]) })
            try h.writeConfig(base + "volume = 50\naudio_device = \"listener_other\"\n")
            for pid in try await h.daemonPids() { kill(pid, SIGHUP) }
            _ = try await Deadline.await("the stream on listener_other", until: { note in
                let inputs = try await SinkInputs.list(h)
                note("\(inputs)")
                return inputs.first?.sink == other ? true : nil
            }, timeout: 5)
            try h.writeConfig(base + "audio_device = \"no_such_sink\"\n")
            for pid in try await h.daemonPids() { kill(pid, SIGHUP) }
            let said = try await ResilienceKit.awaitLog(h, "no sink \"no_such_sink\"")
            #expect(said.first?.contains("audio_device") == true, "\(said)")
            try h.writeConfig(base)
            for pid in try await h.daemonPids() { kill(pid, SIGHUP) }
            _ = try await Deadline.await("the stream back on the default sink", until: { note in
                let inputs = try await SinkInputs.list(h)
                note("\(inputs)")
                return inputs.first.map { $0.sink != other && $0.volumePercent == 100 } == true ? true : nil
            }, timeout: 5)

            // Stopped, a wrong name is said at the reload too (not only at the next episode).
            _ = try await h.control(["stop"])
            try h.writeConfig(base + "audio_device = \"still_no_sink\"\n")
            for pid in try await h.daemonPids() { kill(pid, SIGHUP) }
            _ = try await ResilienceKit.awaitLog(h, "no sink \"still_no_sink\"")
            try h.writeConfig(base)
            for pid in try await h.daemonPids() { kill(pid, SIGHUP) }
            _ = try await ResilienceKit.awaitLog(h, "audio_device \"still_no_sink\" → \"\"")
            _ = try await h.play(["1"])

            // The listener turns it down in a mixer; the next episode's stream keeps their volume.
            let now = try #require(try await SinkInputs.list(h).first)
            #expect(try await SinkInputs.pactl(h, ["set-sink-input-volume", String(now.index), "40%"]).status == 0)
            _ = try await h.play(["2"])
            let next = try await Deadline.await("the stream of #2", until: { note in
                let inputs = try await SinkInputs.list(h)
                note("\(inputs)")
                return inputs.first { $0.index != now.index }
            }, timeout: 5)
            #expect(next.volumePercent == 40, "\(next)")
        }
    }
}
