import Foundation
import Testing
import WDFTestSupport

/// The sound server killed and started again under a playing daemon (a server of the test's own),
/// on PulseAudio and on PipeWire: there the first time pipewire-pulse alone, the second time the
/// whole stack (pipewire, wireplumber, pipewire-pulse); the null sink comes back from the config.
extension EndToEnd.Resilience {
    @Test(arguments: SoundServer.Kind.allCases)
    func outputLostAndBack(on kind: SoundServer.Kind) async throws {
        try await DaemonHarness.run("outputLostAndBack", server: kind, config: EndToEnd.baseConfig, startDaemon: false) { h in
            let server = try SoundServer(kind: kind, directory: h.directory.appendingPathComponent("sound2"))
            do {
                try await server.start()
                try await ResilienceKit.withDaemon(h, overrides: ["PULSE_SERVER": server.address]) { daemon in
                    try await runOutputLostAndBack(h, server, daemon)
                }
            } catch {
                FileHandle.standardError.write(Data("--- second \(kind.rawValue) log ---\n\(server.log)\n".utf8))
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    private func runOutputLostAndBack(_ h: DaemonHarness, _ pulse: SoundServer, _ daemon: ChildProcess) async throws {
        let events = try h.connect()
        _ = try events.request("subscribe")
        var recorder = try await pulse.recorder()
        let (_, play) = try await h.play([EndToEnd.longTones, "--from", "35"])
        let at700 = try await recorder.awaitTone(700, after: play.started - 0.5, timeout: 3)
        try await Deadline.sleep(until: at700 + 1)
        let steady = try await recorder.everyWindow(from: at700 + 0.05, to: at700 + 1) { $0.isTone(700) }
        #expect(steady, "before the kill: \(recorder.timeline(from: at700, to: at700 + 1))")

        // 1. The server dies while playing: output_lost, paused where it was heard.
        let killed = Deadline.now()
        try await pulse.kill()
        let heardAtKill = 35 + (killed - at700)
        let (lostIndex, lost) = try await events.awaitEvent("output_lost", timeout: 5)
        print(String(format: "[outputLostAndBack] output_lost %.3f s after the kill", lost.time - killed))
        let gone = try await h.status()
        #expect(gone["state"].string == "paused", "\(gone)")
        #expect(!gone["output_error"].isNull, "\(gone)")
        let lostPosition = try #require(gone["position"].double)
        #expect(EndToEnd.near(lostPosition, heardAtKill, 1.5), "position \(lostPosition); heard up to \(heardAtKill)")
        #expect(EndToEnd.near(lost.json["data"]["position"].double, lostPosition, 0.1), "\(lost.text)")

        // While it is away the daemon retries with backoff, not in a busy loop.
        let cpu0 = ResilienceKit.cpuSeconds(daemon.pid)
        try await Deadline.sleep(until: Deadline.now() + 2)
        let cpu1 = ResilienceKit.cpuSeconds(daemon.pid)
        if let cpu0, let cpu1 { #expect(cpu1 - cpu0 < 0.2, "the daemon used \(cpu1 - cpu0) s of CPU in 2 s without a server") }
        let waiting = try await h.status()
        #expect(waiting["state"].string == "paused" && !waiting["output_error"].isNull, "\(waiting)")

        // 2. It returns: playing again within 3 s, from the same place, heard on the new server.
        let back = try await pulse.start()
        recorder = try await pulse.recorder()
        let playing = try await h.awaitStatus("playing after the server's return", timeout: 5) { $0["state"].string == "playing" }
        let playingAt = Deadline.now()
        #expect(playingAt - back <= 3, "playing \(playingAt - back) s after the server returned")
        #expect(playing["output_error"].isNull, "\(playing)")
        let resumedAt = try #require(playing["position"].double)
        #expect(resumedAt >= lostPosition - 0.5 && resumedAt <= lostPosition + (playingAt - back) + 0.5,
                "resumed at \(resumedAt); lost at \(lostPosition)")
        let heardAgain = try await recorder.awaitTone(700, after: back, timeout: 5)
        print(String(format: "[outputLostAndBack] server back → status playing %.2f s, 700 Hz heard %.2f s", playingAt - back, heardAgain - back))
        #expect(heardAgain - back <= 3, "700 Hz heard \(heardAgain - back) s after the server returned")
        let onAgain = try await recorder.everyWindow(from: heardAgain + 0.05, to: heardAgain + 0.8) { $0.isTone(700) }
        #expect(onAgain, "after the return: \(recorder.timeline(from: heardAgain, to: heardAgain + 0.8))")

        // 3. Lost again (on PipeWire the whole stack this time), and this time the listener pauses
        // while it is away: it stays paused. A lost stream keeps the position of the daemon's
        // last reading (a status request, or the checkpoint each second): take one once the new
        // stream has moved on — right after it starts the server has not consumed anything yet
        // (on PipeWire for ~0.4 s), and the kill would come before the first checkpoint.
        let seen = try await h.awaitStatus("the position past \(lostPosition)", timeout: 5) {
            ($0["position"].double ?? 0) > lostPosition + 0.3
        }
        let seenPosition = try #require(seen["position"].double)
        try await pulse.kill(.wholeStack)
        _ = try await events.awaitEvent("output_lost", after: lostIndex + 1, timeout: 5)
        let lost2 = try await h.status()
        #expect(lost2["state"].string == "paused" && !lost2["output_error"].isNull, "\(lost2)")
        let lostPosition2 = try #require(lost2["position"].double)
        #expect(lostPosition2 >= seenPosition - 0.05 && lostPosition2 > lostPosition,
                "lost at \(lostPosition2) after the status said \(seenPosition) (first loss at \(lostPosition))")
        let pause = try await h.ctl(["pause"])
        #expect(pause.status == 0, "\(pause)")
        let back2 = try await pulse.start()
        recorder = try await pulse.recorder()
        try await Deadline.sleep(until: back2 + 4)
        let stillPaused = try await h.status()
        #expect(stillPaused["state"].string == "paused", "4 s after the server's return: \(stillPaused)")
        #expect(EndToEnd.near(stillPaused["position"].double, lostPosition2, 0.3), "\(stillPaused)")
        let quiet = try await recorder.everyWindow(from: back2 + 1, to: back2 + 4) { $0.isSilent }
        #expect(quiet, "while paused: \(recorder.timeline(from: back2, to: back2 + 4, relativeTo: back2))")

        // `wdfctl resume` plays, from the same place.
        let (resumed, resume) = try await h.control(["resume"])
        #expect(resumed["state"].string == "playing", "\(resumed)")
        #expect(EndToEnd.near(resumed["position"].double, lostPosition2, 0.3), "\(resumed)")
        let heard3 = try await recorder.awaitTone(700, after: resume.started, timeout: 3)
        #expect(heard3 - resume.ended < 1, "700 Hz \(heard3 - resume.ended) s after resume")
        let after = try await h.status()
        #expect(after["output_error"].isNull && after["state"].string == "playing", "\(after)")
    }
}

/// A sound server that accepts and then never answers (stopped with SIGSTOP): `wdfplay` is told
/// so within the 10 s answer limit instead of waiting for good, and the daemon answers again.
extension EndToEnd.Resilience {
    @Test func aServerThatStopsAnsweringIsGivenUpOn() async throws {
        try await DaemonHarness.run("serverStopsAnswering", config: EndToEnd.baseConfig, startDaemon: false) { h in
            let server = try SoundServer(kind: .pulseaudio, directory: h.directory.appendingPathComponent("sound2"))
            do {
                try await server.start()
                try await ResilienceKit.withDaemon(h, overrides: ["PULSE_SERVER": server.address]) { daemon in
                    // Connected first (a played and stopped episode), then the server freezes.
                    _ = try await h.play([EndToEnd.tones])
                    _ = try await h.control(["stop"])
                    let pid = try #require(server.pid)
                    #expect(kill(pid, SIGSTOP) == 0)
                    defer { kill(pid, SIGCONT) }
                    let started = Deadline.now()
                    let refused = try await h.wdfplay([EndToEnd.tones], timeout: 40)
                    let waited = Deadline.now() - started
                    #expect(refused.status != 0 && refused.stderr.contains("did not answer within 10 s"), "\(refused)")
                    #expect(waited < 25, "wdfplay waited \(waited) s")
                    print("serverStopsAnswering: refused after \(waited) s")
                    let ping = try h.connect().request("ping", timeout: 15)
                    #expect(ping.json["ok"].bool == true, "\(ping.text)")
                    kill(pid, SIGCONT)
                    #expect(daemon.isRunning, "the daemon died: \(h.daemonLog)")
                }
            } catch {
                FileHandle.standardError.write(Data("--- second pulseaudio log ---\n\(server.log)\n".utf8))
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }
}
