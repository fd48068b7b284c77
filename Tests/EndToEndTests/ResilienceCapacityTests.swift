import Foundation
import Testing

/// Issue 11, the daemon's capacity: the open-files limit, the memory held for clients that do not
/// read, and replies of many megabytes.
extension EndToEnd.Resilience {
    @Test func openFilesLimitDoesNotLockOutOrSpin() async throws {
        try await DaemonHarness.run("openFilesLimit", config: EndToEnd.baseConfig, startDaemon: false) { h in
            // soft = hard = 64 open files, set in the child before exec.
            var env = h.environment
            env["WDFPLAY_LOG"] = nil
            let daemon = try ChildProcess.spawn("/usr/bin/prlimit", ["--nofile=64:64", "--", h.binaries.wdfplayd.path, "--socket", h.socketPath],
                                                environment: env, stdout: .file(h.daemonLogFile.path), stderr: .file(h.daemonLogFile.path))
            defer { Task { await daemon.stop(grace: 2) } }
            try await ResilienceKit.awaitPing(h, socket: h.socketPath, daemon: daemon)
            _ = try await h.play([EndToEnd.tones, "--from", "6"])

            // More idle connections than the daemon has descriptors.
            var crowd: [RawClient] = []
            for _ in 0..<150 { crowd.append(try RawClient(path: h.socketPath)) }
            // Let the daemon see them all (a ping on the last one is answered after the rest were accepted).
            try? crowd.last?.sendLine(#"{"command":"ping"}"#)
            _ = try? crowd.last?.readLine(timeout: 5)

            // It does not spin: over 2 s it uses a small part of one CPU (a busy loop uses all of it).
            let cpu0 = try #require(ResilienceKit.cpuSeconds(daemon.pid))
            let t0 = Deadline.now()
            try await Task.sleep(nanoseconds: 2_000_000_000)
            let cpu = try #require(ResilienceKit.cpuSeconds(daemon.pid)) - cpu0
            let wall = Deadline.now() - t0
            #expect(cpu < wall * 0.5, "the daemon used \(cpu) s of CPU in \(wall) s with \(crowd.count) connections open")

            // wdfctl still gets in (an idle connection makes room), and a pause is saved.
            let status = try await h.ctl(["status", "--json"], timeout: 10)
            #expect(status.status == 0 && status.json["state"].string == "playing", "\(status)\n\(h.daemonLog.suffix(2000))")
            let paused = try await h.ctl(["pause", "--json"], timeout: 10)
            #expect(paused.status == 0, "\(paused)")
            let position = try #require(paused.json["position"].double, "\(paused)")
            _ = try await ResilienceKit.awaitSaved(h, EndToEnd.tones, near: position, timeout: 3)
            #expect(!h.daemonLog.contains("Cannot save positions"), "\(h.daemonLog.suffix(2000))")
            // An evicted client was told why before it was closed.
            var told = 0
            for client in crowd.prefix(20) {
                if let line = try? client.readLine(timeout: 0.2), line.contains("too_many_clients") { told += 1 }
            }
            #expect(told > 0, "no idle client was told it was closed")
            #expect(daemon.isRunning, "\(h.daemonLog)")
        }
    }

    @Test func subscribersThatNeverReadHoldBoundedMemory() async throws {
        try await DaemonHarness.run("subscribersThatNeverRead", config: EndToEnd.baseConfig) { h in
            // An episode with 5,000 chapters: every seek event lists their starts (about 30 kB).
            let episode = try EndToEnd.Resilience.untaggedTones(in: h.directory, name: "many.mp3")
            let starts = (0..<5000).map { "{\"startTime\":\(Double($0) * 0.005),\"title\":\"c\($0)\"}" }
            try "{\"chapters\":[\(starts.joined(separator: ","))]}".write(to: h.directory.appendingPathComponent("many.chapters.json"),
                                                                           atomically: true, encoding: .utf8)
            _ = try await h.play([episode.path])
            // Paused: only the seeks below make events.
            _ = try await h.control(["pause"])
            let pid = try #require(try await h.daemonPids().first)

            var subscribers: [RawClient] = []
            for _ in 0..<200 {
                let client = try RawClient(path: h.socketPath)
                try client.sendLine(#"{"command":"subscribe"}"#)
                subscribers.append(client)
            }
            let control = try h.connect()
            _ = try control.request("ping")
            let before = try #require(EndToEnd.Resilience.rssKiB(pid))
            // Each seek sends 200 subscribers ~60 kB of events. Stop early once past the bound.
            let bound = 128 * 1024
            var peak = before
            for i in 0..<150 {
                let reply = try control.request("seek", #""position":\#(Double(i % 20) + 0.5)"#, timeout: 10)
                #expect(reply.json["ok"].bool == true, "\(reply.text.prefix(300))")
                if let now = EndToEnd.Resilience.rssKiB(pid) { peak = max(peak, now) }
                if peak - before > bound { break }
            }
            #expect(peak - before < bound, "RSS grew from \(before / 1024) MiB to \(peak / 1024) MiB")
            print("subscribersThatNeverRead: RSS \(before / 1024) MiB before, \(peak / 1024) MiB at most during the seeks")
            let status = try await h.status()
            #expect(status["state"].string == "paused", "\(status)")
            #expect(!ResilienceKit.logLines(h, containing: "does not read its events").isEmpty
                    || !ResilienceKit.logLines(h, containing: "unread of").isEmpty, "no subscriber was dropped")
            _ = subscribers
        }
    }

    @Test func aReplyOfManyMegabytesArrivesWhole() async throws {
        try await DaemonHarness.run("aReplyOfManyMegabytes", startDaemon: false) { h in
            // 14,000 episodes: one small untagged MP3 under 14,000 long names (hard links: no space).
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
            let original = try EndToEnd.Resilience.untaggedTones(in: h.directory, name: "original.mp3")
            let count = 14_000
            for i in 0..<count {
                let name = "A Podcast With Quite A Long Name Episode \(i) - The Quick Brown Fox Jumps Over The Lazy Dog Again.mp3"
                guard link(original.path, library.appendingPathComponent(name).path) == 0 else {
                    throw DaemonHarness.HarnessError("link: \(String(cString: strerror(errno)))")
                }
            }
            try h.writeConfig("library = \"\(library.path)\"\n")
            try await h.startDaemon()
            let list = try await h.ctl(["episodes", "--all", "--json"], timeout: 120)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.utf8.count > 4 * 1024 * 1024, "the reply is only \(list.stdout.utf8.count) bytes")
            #expect(list.json["count"].int == count && list.json["episodes"].array?.count == count,
                    "count \(list.json["count"]) of \(list.stdout.utf8.count) bytes")
            let text = try await h.ctl(["episodes", "--all"], timeout: 120)
            #expect(text.status == 0 && text.stdoutLines.count >= count, "\(text.stdoutLines.count) lines; \(text.stderr)")
        }
    }
}
