import Foundation
import Testing
import WDFTestSupport

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
            // Paused, an idle daemon uses no CPU at all: a busy loop cannot hide in the noise.
            _ = try await h.control(["pause"])

            // More connections than the daemon has descriptors, each idle after one ping (so none
            // times out as silent): the old daemon accepted what it could and then no one else.
            // (A daemon that stops accepting fills its listen queue: then connecting would block,
            // so the crowd connects without blocking and stops at a full queue.)
            var crowd: [LineClient] = []
            var refused = 0
            for _ in 0..<150 {
                // A full queue is retried for a while: the daemon accepts between two turns of its loop.
                var connected: LineClient?
                let giveUp = Deadline.now() + 3
                while connected == nil, Deadline.now() < giveUp {
                    connected = LineClient.connectWithoutWaiting(h.socketPath)
                    if connected == nil { usleep(5_000) }
                }
                guard let client = connected else { refused += 1; break }
                try client.sendLine(#"{"command":"ping"}"#)
                crowd.append(client)
            }
            #expect(refused == 0, "\(refused) connections found the daemon's listen queue full")
            // The last one answered: the daemon has seen them all.
            _ = try? crowd.last?.readLine(timeout: 5)

            // It does not spin: over 3 s it uses next to no CPU (a busy loop gets a large share
            // of a core even on a loaded machine).
            let cpu0 = try #require(ResilienceKit.cpuSeconds(daemon.pid))
            let t0 = Deadline.now()
            try await Task.sleep(nanoseconds: 3_000_000_000)
            let cpu = try #require(ResilienceKit.cpuSeconds(daemon.pid)) - cpu0
            let wall = Deadline.now() - t0
            print("openFilesLimit: \(cpu) s of CPU in \(wall) s with \(crowd.count) connections open")
            #expect(cpu < 0.15, "the daemon used \(cpu) s of CPU in \(wall) s with \(crowd.count) connections open")

            // wdfctl still gets in (an idle connection makes room), and a pause is saved.
            let status = try await h.ctl(["status", "--json"], timeout: 20)
            #expect(status.status == 0 && status.json["state"].string == "paused", "\(status)\n\(h.daemonLog.suffix(2000))")
            let resumed = try await h.ctl(["resume", "--json"], timeout: 20)
            #expect(resumed.status == 0, "\(resumed)")
            let paused = try await h.ctl(["pause", "--json"], timeout: 20)
            #expect(paused.status == 0, "\(paused)")
            let position = try #require(paused.json["position"].double, "\(paused)")
            _ = try await ResilienceKit.awaitSaved(h, EndToEnd.tones, near: position, timeout: 3)
            #expect(!h.daemonLog.contains("Cannot save positions"), "\(h.daemonLog.suffix(2000))")
            // An evicted client was told why before it was closed (after its pong).
            var told = 0
            for client in crowd.prefix(20) {
                while let line = try? client.readLine(timeout: 0.2) {
                    if line.contains("too_many_clients") { told += 1 }
                }
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

            var subscribers: [LineClient] = []
            for _ in 0..<200 {
                let client = try LineClient(path: h.socketPath)
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

    /// One write can hold hundreds of requests for long lists: they are answered as the client
    /// reads, not all at once (before, 200 requests for a 1,000-episode list queued ~90 MB for a
    /// client that did not read, and no cap applied to a single client's replies).
    @Test func manyListRequestsInOneWriteWaitForTheClientToRead() async throws {
        try await DaemonHarness.run("manyListRequests", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
            let original = try EndToEnd.Resilience.untaggedTones(in: h.directory, name: "original.mp3")
            let head = try Data(contentsOf: original).prefix(2048)
            for i in 0..<1_000 {
                try head.write(to: library.appendingPathComponent("A Podcast With A Long Name Episode \(i) - The Quick Brown Fox Jumps.mp3"))
            }
            try h.writeConfig("library = \"\(library.path)\"\n")
            try await h.startDaemon()
            let pid = try #require(try await h.daemonPids().first)
            let control = try h.connect()
            _ = try control.request("episodes", #""all":true"#, timeout: 60)  // the catalog is built
            let before = try #require(EndToEnd.Resilience.rssKiB(pid))

            let requests = 200
            let flood = try LineClient(path: h.socketPath)
            let lines = (1...requests).map { #"{"id":\#($0),"command":"episodes","all":true}"# + "\n" }.joined()
            #expect(lines.utf8.count < 16 * 1024, "the requests must arrive in one read")
            try flood.send(Array(lines.utf8))
            // Not reading: the daemon answers others and holds little for this one.
            var peak = before
            for _ in 0..<10 {
                #expect(try control.request("ping").json["ok"].bool == true)
                if let now = EndToEnd.Resilience.rssKiB(pid) { peak = max(peak, now) }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            #expect(peak - before < 40 * 1024, "RSS grew from \(before / 1024) MiB to \(peak / 1024) MiB for a client that does not read")
            print("manyListRequests: RSS \(before / 1024) MiB before, \(peak / 1024) MiB at most while the client did not read")

            // Reading now: every request is answered, in order.
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var answered = 0, lineStart: [UInt8] = [], atLineStart = true, bytes = 0
            var firstIDs: [Int] = []
            let deadline = Deadline.now() + 120
            while answered < requests, Deadline.now() < deadline {
                let n = buffer.withUnsafeMutableBytes { recv(flood.fd, $0.baseAddress, $0.count, 0) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                bytes += n
                for byte in buffer[0..<n] {
                    if atLineStart || lineStart.count < 24 {
                        if atLineStart { lineStart = []; atLineStart = false }
                        lineStart.append(byte)
                    }
                    if byte == 0x0A {
                        answered += 1
                        let text = String(decoding: lineStart, as: UTF8.self)
                        if let id = text.split(separator: ",").first?.split(separator: ":").last.flatMap({ Int($0) }) { firstIDs.append(id) }
                        #expect(text.hasPrefix(#"{"id":"#) && text.contains(#""ok":true"#), "\(text)")
                        atLineStart = true
                    }
                }
            }
            #expect(answered == requests, "\(answered) of \(requests) answered (\(bytes) bytes)")
            #expect(firstIDs == Array(1...requests), "replies out of order or missing: \(firstIDs.prefix(20))")
        }
    }

    @Test func aReplyOfManyMegabytesArrivesWhole() async throws {
        try await DaemonHarness.run("aReplyOfManyMegabytes", startDaemon: false) { h in
            // 14,000 episodes: the first 2 kB of untagged tones.mp3 (its Info frame gives the
            // length; the catalog decodes nothing) under 14,000 long names. Copies, not hard
            // links: the library walk counts a file once however many names it has.
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
            let original = try EndToEnd.Resilience.untaggedTones(in: h.directory, name: "original.mp3")
            let head = try Data(contentsOf: original).prefix(2048)
            let count = 14_000
            for i in 0..<count {
                let name = "A Podcast With Quite A Long Name Episode \(i) - The Quick Brown Fox Jumps Over The Lazy Dog Again.mp3"
                try head.write(to: library.appendingPathComponent(name))
            }
            try h.writeConfig("library = \"\(library.path)\"\n")
            try await h.startDaemon()
            let list = try await h.ctl(["episodes", "--all", "--json"], timeout: 120)
            #expect(list.status == 0, "\(list.stderr)")
            print("aReplyOfManyMegabytes: \(list.stdout.utf8.count) bytes in \(list.ended - list.started) s")
            #expect(list.stdout.utf8.count > 4 * 1024 * 1024, "the reply is only \(list.stdout.utf8.count) bytes")
            #expect(list.json["count"].int == count && list.json["episodes"].array?.count == count,
                    "count \(list.json["count"]) of \(list.stdout.utf8.count) bytes")
            let text = try await h.ctl(["episodes", "--all"], timeout: 120)
            #expect(text.status == 0 && text.stdoutLines.count >= count, "\(text.stdoutLines.count) lines; \(text.stderr)")
        }
    }
}
