import Foundation
import Testing
import WDFTestSupport

/// `wdfplay N`: starting the daemon, finding episode N, and the demo series.
extension EndToEnd {
    @Test func autoStartAndLibraryResolution() async throws {
        let config = EndToEnd.baseConfig + "library = \"\(EndToEnd.library)\"\n"
        try await DaemonHarness.run("autoStartAndLibraryResolution", config: config, startDaemon: false) { h in
            #expect(try await h.daemonPids().isEmpty)
            // No daemon: wdfplay starts one, which outlives it.
            let (two, first) = try await h.play(["2"])
            let pids = try await h.daemonPids()
            #expect(pids.count == 1, "daemons on the socket after wdfplay exited: \(pids)")
            #expect(pids.allSatisfy(DaemonHarness.isAlive), "\(pids)")
            #expect(FileManager.default.fileExists(atPath: h.autoStartedLogFile.path), "no log at \(h.autoStartedLogFile.path)")
            #expect(two["episode"]["path"].string == "\(EndToEnd.library)/b.mp3", "\(two)")
            #expect(two["episode"]["number"].int == 2, "\(two)")
            let at600 = try await h.recorder.awaitTone(600, after: first.started, timeout: 3)
            try await EndToEnd.expectTone(h, 600, from: at600 + 0.05, to: at600 + 0.5, "episode 2 (b.mp3, TRCK 2/48)")

            // The same daemon serves the next ones.
            let cases: [(number: String, file: String, tone: Double)] = [
                ("4", "sub/d.mp3", 800),                   // title "Korean War #4: Fourth", in a subfolder
                ("3", "Korean War 03 - Third.mp3", 700),   // no tag: the file name
                ("1", "a.mp3", 500),                       // title "Korean War #1: First Steps"
            ]
            for c in cases {
                let (reply, run) = try await h.play([c.number])
                #expect(reply["episode"]["path"].string == "\(EndToEnd.library)/\(c.file)", "\(reply)")
                #expect(reply["episode"]["number"].int == Int(c.number), "\(reply)")
                let at = try await h.recorder.awaitTone(c.tone, after: run.started, timeout: 2)
                #expect(at - run.ended < 0.5, "episode \(c.number): \(Int(c.tone)) Hz \(at - run.ended) s after wdfplay returned")
                try await EndToEnd.expectTone(h, c.tone, from: at + 0.05, to: at + 0.4, "episode \(c.number) (\(c.file))")
            }
            #expect(try await h.daemonPids() == pids, "the daemon changed")

            try await h.quitDaemon()
            #expect(try await h.daemonPids().isEmpty)
        }
    }

    @Test func racingAutoStart() async throws {
        let config = EndToEnd.baseConfig + "library = \"\(EndToEnd.library)\"\n"
        try await DaemonHarness.run("racingAutoStart", config: config, startDaemon: false) { h in
            // Two wdfplay at once, no daemon yet: both succeed, one daemon serves them.
            async let a = h.wdfplay(["2", "--json"])
            async let b = h.wdfplay(["4", "--json"])
            let (ra, rb) = try await (a, b)
            #expect(ra.status == 0, "\(ra)")
            #expect(rb.status == 0, "\(rb)")
            let pids = try await h.daemonPids()
            #expect(pids.count == 1, "daemons: \(pids)")
            // Whichever came second is what plays.
            let status = try await h.status()
            let path = status["episode"]["path"].string ?? ""
            let tone: Double = path.hasSuffix("/b.mp3") ? 600 : 800
            #expect(path.hasSuffix("/b.mp3") || path.hasSuffix("/sub/d.mp3"), "\(status)")
            _ = try await h.recorder.awaitTone(tone, after: min(ra.started, rb.started), timeout: 2)
        }
    }

    @Test func demoWithoutLibrary() async throws {
        // No config file; HOME has no ~/Podcasts/When Diplomacy Fails.
        try await DaemonHarness.run("demoWithoutLibrary") { h in
            let result = try await h.wdfplay(["6"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines.count == 1 && result.stdout.contains("demo"), "\(result)")
            #expect(result.stdout.contains("Korean War #6"), "\(result)")
            let status = try await h.status()
            #expect(status["episode"]["demo"].bool == true, "\(status)")
            #expect(status["episode"]["number"].int == 6, "\(status)")
            let path = status["episode"]["path"].string ?? ""
            #expect(path == Binaries.packageRoot.appendingPathComponent("Demo/Korean War 06 - Sino-Soviet Talks Part 2.mp3").path, "\(status)")
            // Speech, not silence.
            let sound = try await h.recorder.awaitSound(after: result.started, timeout: 3)
            #expect(sound - result.ended < 2, "sound began \(sound - result.ended) s after wdfplay returned")
            let loud = try await h.recorder.everyWindow(from: sound, to: sound + 1.5, step: 0.5) { $0.rms > 0.02 }
            #expect(loud, "heard \(h.recorder.timeline(from: sound, to: sound + 1.5, relativeTo: sound))")
        }
    }
}
