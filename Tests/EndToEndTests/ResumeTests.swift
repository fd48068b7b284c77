import Foundation
import Testing
import WDFTestSupport

/// Positions survive the daemon: quit, SIGKILL, and the end of an episode.
extension EndToEnd {
    /// The saved position of `path` in positions.json.
    static func savedPosition(_ h: DaemonHarness, _ path: String) throws -> Double? {
        try h.savedPositions()["episodes"][path]["position"].double
    }

    @Test(arguments: SoundServer.Kind.allCases)
    func resumesAfterDaemonRestart(on kind: SoundServer.Kind) async throws {
        try await DaemonHarness.run("resumesAfterDaemonRestart", server: kind, config: EndToEnd.baseConfig) { h in
            let (first, play) = try await h.play([EndToEnd.longTones, "--from", "1:02"])
            #expect(first["resumed"].bool == false, "\(first)")
            #expect(EndToEnd.near(first["started_at"].double, 62, 0.05), "\(first)")
            #expect(first["chapter"]["number"].int == 3, "\(first)")
            let at900 = try await h.recorder.awaitTone(900, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 900, from: at900 + 0.05, to: at900 + 1.0, "chapter 3 before quitting")

            let (last, asked) = try await h.control(["status"])
            let position = try #require(last["position"].double)
            try await h.quitDaemon()
            let quitAt = Deadline.now()
            try await EndToEnd.expectSilence(h, from: quitAt + 0.1, to: quitAt + 0.4, "after `wdfctl quit`")
            // Saved: where it was at the quit, so no earlier than the status before it and no later
            // than the tone was heard (on a loaded machine finding the daemon and asking it to quit,
            // and its closing the stream, can each take most of a second).
            let quiet = try await h.recorder.awaitSilence(after: asked.ended, timeout: 5)
            let heard = position + (quiet - asked.ended)
            let saved = try #require(try EndToEnd.savedPosition(h, EndToEnd.longTones))
            #expect(saved >= position - 0.05 && saved <= heard + 0.3,
                    "saved \(saved); \(position) at the status, the tone heard up to \(heard)")

            try await h.startDaemon()
            let (again, replay) = try await h.play([EndToEnd.longTones])
            #expect(again["resumed"].bool == true, "\(again)")
            #expect(EndToEnd.near(again["started_at"].double, saved - 3, 0.5), "\(again); saved \(saved)")
            #expect(again["chapter"]["number"].int == 3, "\(again)")
            #expect(again["state"].string == "playing", "\(again)")
            let back = try await h.recorder.awaitTone(900, after: replay.started, timeout: 2)
            #expect(back - replay.ended < 0.5, "900 Hz came back \(back - replay.ended) s after wdfplay returned")
            try await EndToEnd.expectTone(h, 900, from: back + 0.05, to: back + 0.5, "after resuming")

            // The human line says so.
            let line = try await h.wdfplay([EndToEnd.longTones])
            #expect(line.status == 0 && line.stdout.contains("Tone Test #9: Long Parts"), "\(line)")
        }
    }

    @Test func resumesAfterKill() async throws {
        try await DaemonHarness.run("resumesAfterKill", config: EndToEnd.baseConfig) { h in
            let (_, play) = try await h.play([EndToEnd.longTones, "--from", "1:02"])
            _ = try await h.recorder.awaitTone(900, after: play.started - 0.5, timeout: 2)
            _ = try await h.awaitStatus("position ≥ 65", timeout: 6) { ($0["position"].double ?? 0) >= 65 }
            let last = try await h.status()
            let heard = try #require(last["position"].double)
            let killedAt = Deadline.now()
            try await h.killDaemons(signal: SIGKILL)
            try await EndToEnd.expectTone(h, 900, from: killedAt - 1.0, to: killedAt - 0.05, "before the kill")
            try await EndToEnd.expectSilence(h, from: Deadline.now() + 0.2, to: Deadline.now() + 0.5, "after SIGKILL")

            // Checkpoints every second: at most about a second lost, never ahead of what was heard.
            let saved = try #require(try EndToEnd.savedPosition(h, EndToEnd.longTones))
            #expect(saved <= heard + 0.1 && saved >= heard - 1.5, "saved \(saved), heard \(heard) when killed")

            try await h.startDaemon()
            let (again, replay) = try await h.play([EndToEnd.longTones])
            #expect(again["resumed"].bool == true, "\(again)")
            let startedAt = try #require(again["started_at"].double)
            #expect(EndToEnd.near(startedAt + 3, heard, 1.5) && startedAt + 3 <= heard + 0.1,
                    "resumed at \(startedAt) (+3 s rewind), heard \(heard) when killed")
            let back = try await h.recorder.awaitTone(900, after: replay.started, timeout: 2)
            try await EndToEnd.expectTone(h, 900, from: back + 0.05, to: back + 0.5, "after resuming")
        }
    }

    @Test func sigtermSavesPosition() async throws {
        // A long checkpoint interval, so that only the save on SIGTERM can be this close.
        try await DaemonHarness.run("sigtermSavesPosition", config: "checkpoint_interval = 60\n") { h in
            let (_, play) = try await h.play([EndToEnd.longTones, "--from", "1:02"])
            let at900 = try await h.recorder.awaitTone(900, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 900, from: at900 + 0.05, to: at900 + 0.8, "chapter 3")
            let heard = try #require(try await h.status()["position"].double)
            let pids = try await h.daemonPids()
            try #require(pids.count == 1)
            kill(pids[0], SIGTERM)
            try await h.awaitExit(pids[0], timeout: 5)
            let gone = Deadline.now()
            try await EndToEnd.expectSilence(h, from: gone + 0.1, to: gone + 0.3, "after SIGTERM")
            let saved = try EndToEnd.savedPosition(h, EndToEnd.longTones)
            #expect(EndToEnd.near(saved, heard, 0.3), "saved \(String(describing: saved)), heard \(heard) at SIGTERM")
        }
    }

    @Test func endOfEpisodeRestartsNextTime() async throws {
        try await DaemonHarness.run("endOfEpisodeRestartsNextTime", config: EndToEnd.baseConfig) { h in
            let events = try h.connect()
            _ = try events.request("subscribe")
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "0:28"])
            let at1400 = try await h.recorder.awaitTone(1400, after: play.started - 0.5, timeout: 2)
            let (_, end) = try await events.awaitEvent("end", timeout: 5)
            #expect(end.json["data"]["episode"]["path"].string == EndToEnd.tones, "\(end.text)")
            // The whole last 2 s were heard, and the end came when the sound stopped.
            let quiet = try await h.recorder.awaitSilence(after: at1400, timeout: 4)
            #expect(EndToEnd.near(quiet - at1400, 2, 0.15), "1400 Hz lasted \(quiet - at1400) s from 0:28; expected 2 s")
            #expect(EndToEnd.near(end.time, quiet, 0.3), "`end` arrived \(end.time - quiet) s after the sound stopped")
            try await EndToEnd.expectTone(h, 1400, from: at1400 + 0.05, to: quiet - 0.05, "the last 2 s")
            try await EndToEnd.expectSilence(h, from: quiet + 0.05, to: quiet + 0.6, "after the end")
            let status = try await h.status()
            #expect(status["state"].string == "stopped", "\(status)")
            // Docs/protocol.md: `state` is pushed when playback stops at the end of the episode.
            let stopped = try? await events.awaitEvent("state", timeout: 1) { $0.json["data"]["state"].string == "stopped" }
            #expect(stopped != nil, "no `state` event with \"stopped\" at the end; events: \(events.events.map(\.text))")

            // Next time: from the beginning.
            let (again, replay) = try await h.play([EndToEnd.tones])
            #expect(again["resumed"].bool == false, "\(again)")
            #expect(EndToEnd.near(again["started_at"].double, 0, 0.01), "\(again)")
            let at400 = try await h.recorder.awaitTone(400, after: replay.started, timeout: 2)
            try await EndToEnd.expectTone(h, 400, from: at400 + 0.05, to: at400 + 0.4, "replaying from the start")
        }
    }
}
