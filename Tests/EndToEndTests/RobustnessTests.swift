import Foundation
import Testing
import WDFTestSupport

/// Bad files, bad requests, no daemon, a bad config: clear one-line errors, and what plays keeps playing.
extension EndToEnd {
    @Test func badInputKeepsPlaying() async throws {
        let config = EndToEnd.baseConfig + "library = \"\(EndToEnd.library)\"\n"
        try await DaemonHarness.run("badInputKeepsPlaying", config: config) { h in
            let (_, play) = try await h.play([EndToEnd.tones])
            let at400 = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            let from = Deadline.now()
            // Each is refused with one line on stderr naming what was asked for.
            let cases: [(argument: String, names: String)] = [
                (Binaries.fixture("bad/not-mp3.mp3"), "not-mp3.mp3"),
                (Binaries.fixture("bad/empty.mp3"), "empty.mp3"),
                (Binaries.fixture("bad/garbage.mp3"), "garbage.mp3"),
                ("/nonexistent.mp3", "/nonexistent.mp3"),
                ("999", "999"),
            ]
            for (argument, names) in cases {
                let result = try await h.wdfplay([argument])
                #expect(result.status != 0, "\(result)")
                #expect(result.stderrLines.count == 1, "one line on stderr: \(result)")
                #expect(result.stderr.contains(names), "stderr names \(names): \(result)")
                #expect(result.stdout.isEmpty, "\(result)")
            }
            let until = Deadline.now()
            // The tone never stopped: chapter 1 (400 Hz), then chapter 2 (600 Hz) if it got there.
            let unbroken = try await h.recorder.everyWindow(from: at400 + 0.05, to: until + 0.3) { $0.isTone(400) || $0.isTone(600) }
            #expect(unbroken, "heard \(h.recorder.timeline(from: from, to: until + 0.3, relativeTo: from))")
            let status = try await h.status()
            #expect(status["state"].string == "playing", "\(status)")
            #expect(status["episode"]["path"].string == EndToEnd.tones, "\(status)")
            #expect(EndToEnd.near(status["position"].double, Deadline.now() - at400, 0.3),
                    "position \(status["position"]) after \(Deadline.now() - at400) s of sound")
        }
    }

    @Test func truncatedFilePlaysAndEnds() async throws {
        try await DaemonHarness.run("truncatedFilePlaysAndEnds") { h in
            let events = try h.connect()
            _ = try events.request("subscribe")
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "10"])
            let at800 = try await h.recorder.awaitTone(800, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.05, to: at800 + 0.3, "tones.mp3 chapter 3")

            // The first 3000 bytes of tones.mp3: its tag and about 0.1 s of 400 Hz.
            let truncated = Binaries.fixture("bad/truncated.mp3")
            let (reply, switched) = try await h.play([truncated])
            #expect(reply["episode"]["path"].string == truncated, "\(reply)")
            let (_, end) = try await events.awaitEvent("end", timeout: 5)
            #expect(end.json["data"]["episode"]["path"].string == truncated, "\(end.text)")
            // What it has is played: a little 400 Hz after the switch, then silence.
            let heard = try await h.recorder.firstTime("a little 400 Hz", after: switched.started, timeout: 1, window: 0.03) { $0.isTone(400) }
            let quiet = try await h.recorder.awaitSilence(after: heard, timeout: 3)
            #expect(quiet - switched.ended < 0.5, "silence \(quiet - switched.ended) s after the switch; heard: \(h.recorder.timeline(from: switched.started, to: quiet + 0.2, step: 0.01))")
            #expect(EndToEnd.near(end.time, quiet, 0.5), "`end` \(end.time - quiet) s from the silence")
            try await EndToEnd.expectSilence(h, from: max(quiet, end.time) + 0.05, to: max(quiet, end.time) + 0.5, "after the end")

            // The daemon is fine.
            let status = try await h.status()
            #expect(status["state"].string == "stopped", "\(status)")
            let (_, again) = try await h.play([EndToEnd.tones, "--restart"])
            _ = try await h.recorder.awaitTone(400, after: again.started, timeout: 2)
        }
    }

    @Test func malformedRequests() async throws {
        try await DaemonHarness.run("malformedRequests") { h in
            let (_, play) = try await h.play([EndToEnd.tones])
            let at400 = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            let c = try h.connect()
            /// The next reply must be ok:false with `code` (and echo `id` when given), and a
            /// `status` right after it on the same connection must work.
            func expectRefusal(_ what: String, code: String, id: Int? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
                let reply = try c.nextReply()
                let refused = reply.json["ok"].bool == false && reply.json["error"]["code"].string == code
                    && !(reply.json["error"]["message"].string ?? "").isEmpty
                    && (id == nil || reply.json["id"].int == id)
                #expect(refused, "\(what): expected ok:false, code \(code)\(id.map { ", id \($0)" } ?? ""); got \(reply.text.prefix(300))",
                        sourceLocation: sourceLocation)
                let after = try c.request("status")
                #expect(after.json["ok"].bool == true && after.json["data"]["state"].string == "playing",
                        "status after \(what): \(after.text)", sourceLocation: sourceLocation)
            }
            let lines: [(what: String, bytes: [UInt8], code: String, id: Int?)] = [
                ("invalid JSON", Array("{\"id\":1,\"command\":".utf8), "bad_request", nil),
                ("not JSON at all", Array("hello".utf8), "bad_request", nil),
                ("an array", Array("[1,2]".utf8), "bad_request", nil),
                ("a string", Array("\"status\"".utf8), "bad_request", nil),
                ("null", Array("null".utf8), "bad_request", nil),
                ("no command", Array("{\"id\":5}".utf8), "bad_request", nil),
                ("a number as command", Array("{\"id\":6,\"command\":5}".utf8), "bad_request", nil),
                ("unknown command", Array("{\"id\":3,\"command\":\"warp\"}".utf8), "unknown_command", 3),
                ("seek position as text", Array("{\"id\":7,\"command\":\"seek\",\"position\":\"12:00\"}".utf8), "bad_argument", 7),
                ("seek offset as bool", Array("{\"id\":8,\"command\":\"seek\",\"offset\":true}".utf8), "bad_argument", 8),
                ("chapter number as text", Array("{\"id\":9,\"command\":\"chapter\",\"number\":\"3\"}".utf8), "bad_argument", 9),
                ("chapter number fractional", Array("{\"id\":10,\"command\":\"chapter\",\"number\":2.5}".utf8), "bad_argument", 10),
                ("play episode as bool", Array("{\"id\":11,\"command\":\"play\",\"episode\":true}".utf8), "bad_argument", 11),
                ("play from as text", Array("{\"id\":12,\"command\":\"play\",\"episode\":\"\(EndToEnd.tones)\",\"from\":\"soon\"}".utf8), "bad_argument", 12),
                ("play restart as text", Array("{\"id\":13,\"command\":\"play\",\"restart\":\"yes\"}".utf8), "bad_argument", 13),
                ("invalid UTF-8 in a string", Array("{\"id\":14,\"command\":\"st".utf8) + [0xFF, 0xFE] + Array("atus\"}".utf8), "bad_request", nil),
                ("invalid UTF-8 (truncated sequence)", Array("{\"id\":\"".utf8) + [0xC3, 0x28] + Array("\",\"command\":\"ping\"}".utf8), "bad_request", nil),
                ("a 200 KB line", Array("{\"command\":\"status\",\"pad\":\"".utf8) + Array(repeating: 0x61, count: 200_000) + Array("\"}".utf8), "bad_request", nil),
            ]
            for line in lines {
                try c.sendLine(line.bytes)
                try expectRefusal(line.what, code: line.code, id: line.id)
            }

            // A 70 KB line (over the 64 KiB limit) that is otherwise a valid request: refused
            // whether it arrives at once or in two parts (the second part carrying the newline).
            let long = Array("{\"command\":\"status\",\"pad\":\"".utf8) + Array(repeating: 0x61, count: 70_000) + Array("\"}".utf8)
            try c.sendLine(long)
            try expectRefusal("a 70 KB line sent at once", code: "bad_request")
            try c.sendRaw(Array(long[0..<60_000]))
            // Let the daemon read the first part before the rest arrives (this only shapes the
            // reads; nothing is awaited here).
            try await Task.sleep(nanoseconds: 100_000_000)
            try c.sendLine(Array(long[60_000...]))
            try expectRefusal("a 70 KB line sent in two parts", code: "bad_request")

            // Whatever it was sent, the daemon kept playing.
            let unbroken = try await h.recorder.everyWindow(from: at400 + 0.05, to: Deadline.now()) { $0.isTone(400) || $0.isTone(600) }
            #expect(unbroken, "heard \(h.recorder.timeline(from: at400, to: Deadline.now(), relativeTo: at400))")
            let still = try await h.status()
            #expect(still["episode"]["path"].string == EndToEnd.tones && still["state"].string == "playing", "\(still)")
        }
    }

    @Test func noDaemon() async throws {
        try await DaemonHarness.run("noDaemon", startDaemon: false) { h in
            let from = Deadline.now()
            for arguments in [["status"], ["status", "--json"], ["pause"], ["chapters"], ["seek", "10"]] {
                let result = try await h.ctl(arguments)
                #expect(result.status == 69, "\(result)")
                #expect(result.stderrLines.count == 1 && result.stderr.contains(h.socketPath), "\(result)")
                #expect(result.stdout.isEmpty, "\(result)")
            }
            let other = h.directory.appendingPathComponent("elsewhere.sock").path
            let explicit = try await h.ctl(["status", "--socket", other])
            #expect(explicit.status == 69 && explicit.stderrLines.count == 1 && explicit.stderr.contains(other), "\(explicit)")
            // wdfctl never starts a daemon, and nothing was played.
            #expect(try await h.daemonPids().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: h.socketPath))
            try await EndToEnd.expectSilence(h, from: from, to: Deadline.now(), "with no daemon")
        }
    }

    @Test func configErrorIsOneLine() async throws {
        try await DaemonHarness.run("configErrorIsOneLine", config: "libary = \"/x\"\n", startDaemon: false) { h in
            let from = Deadline.now()
            let result = try await h.wdfplay(["6"])
            #expect(result.status != 0, "\(result)")
            #expect(result.stderrLines.count == 1, "one line: \(result)")
            #expect(result.stderr.contains("config.toml:1"), "\(result)")
            #expect(result.stderr.contains("libary"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(try await h.daemonPids().isEmpty, "a daemon was left running")
            try await EndToEnd.expectSilence(h, from: from, to: Deadline.now(), "with a broken config")
            // wdfplay-config says the same.
            let check = try await ChildProcess.run(h.binaries.wdfplayConfig, [], environment: h.environment, scratch: h.directory)
            #expect(check.status != 0 && check.stderrLines.count == 1 && check.stderr.contains("config.toml:1")
                    && check.stderr.contains("libary"), "\(check)")
        }
    }
}
