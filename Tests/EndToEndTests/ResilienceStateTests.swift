import Foundation
import Testing
import WDFTestSupport

/// The saved positions survive damage and failures; signals end or reload the daemon cleanly.
extension EndToEnd.Resilience {
    @Test func stateFileDamage() async throws {
        try await DaemonHarness.run("stateFileDamage", config: EndToEnd.baseConfig, startDaemon: false) { h in
            let stateDirectory = ResilienceKit.stateDirectory(h)
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
            let garbage: [UInt8] = Array("\u{1}\u{2}{{ this is not JSON ]] \"position\": ".utf8) + [0xFF, 0xFE, 0x00, 0x7F] + Array("garbage\n".utf8)
            try Data(garbage).write(to: h.positionsFile)

            // Garbage: the daemon starts anyway, sets the file aside and says so.
            try await h.startDaemon()
            let aside = ResilienceKit.stateFiles(h, prefix: "positions.json.damaged-")
            #expect(aside.count == 1, "\(ResilienceKit.stateFiles(h, prefix: "positions.json"))")
            if let first = aside.first {
                let kept = try Data(contentsOf: stateDirectory.appendingPathComponent(first))
                #expect(Array(kept) == garbage, "the damaged file should hold the garbage as it was: \(kept as NSData)")
            }
            #expect(!ResilienceKit.logLines(h, containing: "positions.json").isEmpty, "no warning in the log:\n\(h.daemonLog)")

            let (_, play) = try await h.play([EndToEnd.longTones, "--from", "40"])
            let at700 = try await h.recorder.awaitTone(700, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 700, from: at700 + 0.05, to: at700 + 0.5, "long-tones from 0:40")
            let (paused, _) = try await h.control(["pause"])
            let position = try #require(paused["position"].double)
            // Saved on pause (the save follows the reply by a moment).
            let saved = try await ResilienceKit.awaitSaved(h, EndToEnd.longTones, near: position)
            #expect(saved["version"].int == 1, "\(saved)")

            // Two entries, saved by the daemon itself; then the file is cut in the middle of the second.
            let (_, play2) = try await h.play([EndToEnd.tones, "--from", "12"])
            _ = try await h.recorder.awaitTone(800, after: play2.started - 0.2, timeout: 2)
            _ = try await h.control(["pause"])
            try await h.quitDaemon()
            let text = try String(contentsOf: h.positionsFile, encoding: .utf8)
            let full = try #require(JSONValue(text: text), "positions.json is not JSON: \(text)")
            #expect(EndToEnd.near(full["episodes"][EndToEnd.longTones]["position"].double, position, 0.1), "\(text)")
            #expect(full["episodes"][EndToEnd.tones]["position"].double != nil, "\(text)")
            let firstKey = try #require(text.range(of: "\"\(EndToEnd.longTones)\":{"), "\(text)")
            let secondKey = try #require(text.range(of: "\"\(EndToEnd.tones)\":{"), "\(text)")
            try #require(firstKey.lowerBound < secondKey.lowerBound, "long-tones.mp3 should come first (sorted paths): \(text)")
            let secondEntry = text[secondKey.lowerBound...]
            let cut = secondEntry.index(secondEntry.startIndex, offsetBy: secondEntry.count / 2)
            let truncated = String(text[..<cut])
            try truncated.write(to: h.positionsFile, atomically: false, encoding: .utf8)

            try await h.startDaemon()
            #expect(ResilienceKit.stateFiles(h, prefix: "positions.json.damaged-").count >= 1)
            let (again, replay) = try await h.play([EndToEnd.longTones])
            #expect(again["resumed"].bool == true, "after truncating to \(truncated): \(again)")
            #expect(EndToEnd.near(again["started_at"].double, position - 3, 0.2), "paused at \(position): \(again)")
            _ = try await h.recorder.awaitTone(700, after: replay.started - 0.2, timeout: 2)
            let (pausedAgain, _) = try await h.control(["pause"])
            _ = try await ResilienceKit.awaitSaved(h, EndToEnd.longTones, near: pausedAgain["position"].double ?? -1)
        }
    }

    @Test func savingFailsThenRecovers() async throws {
        try await DaemonHarness.run("savingFailsThenRecovers", config: EndToEnd.baseConfig) { h in
            let (_, play) = try await h.play([EndToEnd.longTones, "--from", "35"])
            let at700 = try await h.recorder.awaitTone(700, after: play.started - 0.5, timeout: 2)
            let savedPosition = { ResilienceKit.savedPosition(h, EndToEnd.longTones) }
            // A checkpoint past the start has been written.
            _ = try await Deadline.await("a checkpoint past 0:35.5", until: { note in
                let p = savedPosition()
                note(String(describing: p))
                return (p ?? 0) > 35.5 ? true : nil
            }, timeout: 3)

            // The daemon writes positions.json.tmp-<pid> and renames it: a folder of that name makes saving fail.
            let pids = try await h.daemonPids()
            try #require(pids.count == 1)
            let blocker = ResilienceKit.stateDirectory(h).appendingPathComponent("positions.json.tmp-\(pids[0])")
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
            let broken = Deadline.now()
            let failing = try await h.awaitStatus("store_error set", timeout: 2.5) { !$0["store_error"].isNull }
            let problem = failing["store_error"].string ?? ""
            #expect(problem.contains("positions.json"), "store_error should name the file: \(failing["store_error"])")
            #expect(problem.lowercased().contains("directory"), "store_error should say what is wrong: \(problem)")
            print(String(format: "[savingFailsThenRecovers] store_error after %.2f s: %@", Deadline.now() - broken, problem))
            #expect(failing["state"].string == "playing", "\(failing)")

            // Nothing already saved is damaged, and the episode plays on.
            let good = try String(contentsOf: h.positionsFile, encoding: .utf8)
            #expect(JSONValue(text: good) != nil, "positions.json: \(good)")
            let listenFrom = Deadline.now()
            try await Deadline.sleep(until: listenFrom + 1.6)
            try await EndToEnd.expectTone(h, 700, from: max(at700 + 0.05, broken), to: listenFrom + 1.6, "while saving fails")
            let unchanged = try String(contentsOf: h.positionsFile, encoding: .utf8)
            #expect(unchanged == good, "positions.json changed while saving failed: \(good) → \(unchanged)")
            let still = try await h.status()
            #expect(!still["store_error"].isNull && still["state"].string == "playing", "\(still)")
            let goodPosition = try #require(JSONValue(text: good)?["episodes"][EndToEnd.longTones]["position"].double)

            // The way is clear again: saving resumes by itself.
            try FileManager.default.removeItem(at: blocker)
            let fixed = Deadline.now()
            let recovered = try await h.awaitStatus("store_error cleared", timeout: 2.5) { $0["store_error"].isNull }
            print(String(format: "[savingFailsThenRecovers] store_error cleared after %.2f s", Deadline.now() - fixed))
            _ = try await Deadline.await("positions.json to advance past \(goodPosition)", until: { note in
                let p = savedPosition()
                note(String(describing: p))
                return (p ?? 0) > goodPosition + 1 ? true : nil
            }, timeout: 2.5)
            let current = try #require(recovered["position"].double)
            #expect(EndToEnd.near(savedPosition(), current, 1.5), "saved \(String(describing: savedPosition())) while at \(current)")
            #expect(h.daemonLog.contains("Cannot save positions"), "the failure should be logged:\n\(h.daemonLog)")
        }
    }

    @Test func sigtermIsQuick() async throws {
        // A long checkpoint interval: only the save at SIGTERM can be this close.
        try await DaemonHarness.run("sigtermIsQuick", config: "checkpoint_interval = 60\n", startDaemon: false) { h in
            try await ResilienceKit.withDaemon(h) { daemon in
                let (_, play) = try await h.play([EndToEnd.longTones, "--from", "35"])
                let at700 = try await h.recorder.awaitTone(700, after: play.started - 0.5, timeout: 2)
                try await Deadline.sleep(until: at700 + 1.3)
                let signalled = Deadline.now()
                kill(daemon.pid, SIGTERM)
                let status = try await daemon.awaitExit(timeout: 5)
                let exited = Deadline.now()
                let heard = 35 + (signalled - at700)
                #expect(status == 0, "exit status \(String(describing: status)); log:\n\(h.daemonLog)")
                #expect(exited - signalled < 1, "exited \(exited - signalled) s after SIGTERM")
                #expect(!FileManager.default.fileExists(atPath: h.socketPath), "the socket file is still there")
                try await EndToEnd.expectTone(h, 700, from: at700 + 0.05, to: signalled - 0.05, "before SIGTERM")
                try await EndToEnd.expectSilence(h, from: exited + 0.1, to: exited + 0.3, "after the exit")
                let saved = try EndToEnd.savedPosition(h, EndToEnd.longTones)
                #expect(EndToEnd.near(saved, heard, 1), "saved \(String(describing: saved)); heard up to \(heard) at SIGTERM")
                print(String(format: "[sigtermIsQuick] exit %d after %.3f s; saved %.3f, heard %.3f", status ?? -1, exited - signalled, saved ?? .nan, heard))
            }
        }
    }

    @Test func sighupReloads() async throws {
        let config = "checkpoint_interval = 1\nresume_rewind = 3\n"
        try await DaemonHarness.run("sighupReloads", config: config) { h in
            let pids = try await h.daemonPids()
            try #require(pids.count == 1)
            let pid = pids[0]

            // A good change: reloaded.
            try h.writeConfig("checkpoint_interval = 1\nresume_rewind = 10\n")
            kill(pid, SIGHUP)
            let reloaded = try await ResilienceKit.awaitLog(h, "reloaded")
            #expect(reloaded.count == 1 && reloaded[0].contains("config.toml"), "\(reloaded)")

            // A bad one: one error line, the daemon keeps running with rewind 10 (not 1, not the default 3).
            try h.writeConfig("checkpoint_interval = 1\nresume_rewind = 1\nresume_rewnd = 2\n")
            kill(pid, SIGHUP)
            let errors = try await ResilienceKit.awaitLog(h, "resume_rewnd")
            #expect(errors.count == 1, "\(errors)")
            #expect(errors.first?.contains("config.toml") == true, "\(errors)")
            #expect(ResilienceKit.logLines(h, containing: "reloaded").count == 1, "the bad config was reported as reloaded:\n\(h.daemonLog)")
            #expect(DaemonHarness.isAlive(pid), "the daemon died:\n\(h.daemonLog)")

            let (_, play) = try await h.play([EndToEnd.longTones, "--from", "40"])
            let at700 = try await h.recorder.awaitTone(700, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 700, from: at700 + 0.05, to: at700 + 0.5, "long-tones from 0:40")
            let (paused, _) = try await h.control(["pause"])
            let position = try #require(paused["position"].double)
            _ = try await h.control(["stop"])
            let (again, _) = try await h.play([EndToEnd.longTones])
            #expect(again["resumed"].bool == true, "\(again)")
            #expect(EndToEnd.near(again["started_at"].double, position - 10, 0.2),
                    "paused at \(position); resumed at \(again["started_at"]) (rewind 10 expected)")
            #expect(try await h.daemonPids() == [pid])
        }
    }
}
