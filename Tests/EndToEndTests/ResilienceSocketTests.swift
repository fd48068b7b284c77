import Foundation
import Testing
import WDFTestSupport

/// The control socket: one daemon per socket, stale sockets replaced, only our uid, and a crowd
/// of clients (with a few that misbehave) all answered.
extension EndToEnd.Resilience {
    @Test func socketOneDaemonAndStale() async throws {
        try await DaemonHarness.run("socketOneDaemonAndStale", config: EndToEnd.baseConfig) { h in
            let first = try await h.daemonPids()
            try #require(first.count == 1, "one daemon: \(first)")

            // A second daemon on the same socket: refused, with one clear line, quickly.
            let second = try await ChildProcess.run(h.binaries.wdfplayd, ["--socket", h.socketPath],
                                                    environment: h.environment, scratch: h.directory, timeout: 10)
            #expect(second.status != 0, "\(second)")
            #expect(second.stderrLines.count == 1, "one line on stderr: \(second)")
            #expect(second.stderr.contains("Another wdfplayd is already running on \(h.socketPath)"), "\(second)")
            #expect(second.ended - second.started < 3, "the second daemon took \(second.ended - second.started) s to give up")
            // The first one is untouched: same process, still answering on its socket.
            #expect(try await h.daemonPids() == first)
            let ping = try h.connect().request("ping")
            #expect(ping.json["ok"].bool == true, "\(ping.text)")

            // SIGKILL leaves the socket file behind; nothing answers on it.
            try await h.killDaemons(signal: SIGKILL)
            #expect(ResilienceKit.mode(h.socketPath) != nil, "the killed daemon's socket file should still be there")
            #expect((try? h.connect()) == nil, "nothing should accept on the stale socket")

            // A new daemon replaces it and answers.
            try await h.startDaemon()
            let again = try await h.daemonPids()
            #expect(again.count == 1 && again != first, "\(again) vs \(first)")
            let (reply, _) = try await h.play([EndToEnd.tones, "--from", "6"])
            #expect(reply["state"].string == "playing", "\(reply)")
            let at600 = try await h.recorder.awaitTone(600, after: Deadline.now() - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 600, from: at600 + 0.05, to: at600 + 0.3, "after replacing the stale socket")
        }
    }

    @Test func peerCredentials() async throws {
        try await DaemonHarness.run("peerCredentials", startDaemon: false) { h in
            // A socket directory the daemon makes itself (so its mode is the daemon's doing).
            let socketDirectory = h.directory.appendingPathComponent("run")
            let socket = socketDirectory.appendingPathComponent("ctl.sock").path
            let root = h.server.root.path
            let rootMode = ResilienceKit.mode(root) ?? 0o700
            let directoryMode = ResilienceKit.mode(h.directory.path) ?? 0o700
            try await ResilienceKit.withDaemon(h, socket: socket) { daemon in
                #expect(ResilienceKit.mode(socketDirectory.path) == 0o700,
                        "socket directory mode \(String(ResilienceKit.mode(socketDirectory.path) ?? 0, radix: 8))")
                #expect(ResilienceKit.mode(socket) == 0o600, "socket mode \(String(ResilienceKit.mode(socket) ?? 0, radix: 8))")

                // Open the way, so that only the daemon's SO_PEERCRED check can refuse.
                defer {
                    chmod(root, rootMode)
                    chmod(h.directory.path, directoryMode)
                }
                for dir in [root, h.directory.path, socketDirectory.path] { chmod(dir, 0o755) }
                chmod(socket, 0o666)

                let socat = try SoundServer.tool("socat", package: "socat")
                let setpriv = try SoundServer.tool("setpriv", package: "util-linux")
                let script = #"printf '{"id":1,"command":"ping"}\n' | "$0" -t 3 - UNIX-CONNECT:"$1""#
                let env = ["PATH": "/usr/bin:/bin"]

                // The same client as our own user is answered (the command itself works).
                let own = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script, socat, socket],
                                                     environment: env, scratch: h.directory, timeout: 10)
                #expect(own.status == 0 && own.stdout.contains("\"pong\":true"), "\(own)")

                // As nobody: connect() succeeds (the file modes let it), then the daemon sends one
                // `permission_denied` line saying why, answers nothing else, and closes.
                let before = Deadline.now()
                let other = try await ChildProcess.run(
                    URL(fileURLWithPath: setpriv),
                    ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", script, socat, socket],
                    environment: env, scratch: h.directory, timeout: 10)
                #expect(!other.stderr.contains("Permission denied") && !other.stderr.contains("No such file"),
                        "the other user should reach connect(): \(other)")
                // (socat may find the connection closed before it writes the request, and then
                // exits on EPIPE without reading the line; wdfctl reads it after a failed send:
                // CLIFollowAndErrorTests: aClientOfAnotherUserIsToldWhyItIsRefused.)
                #expect(!other.stdout.contains("pong") && (other.stdout.isEmpty
                        || other.stdout.split(separator: "\n").map { $0.contains("\"code\":\"permission_denied\"") } == [true]),
                        "the other user got a reply: \(other)")
                #expect(other.ended - before < 2.5, "the refused client waited \(other.ended - before) s (socat -t 3 means the daemon never closed)")
                let warnings = try await ResilienceKit.awaitLog(h, "uid 65534")
                #expect(warnings.count == 1 && warnings[0].lowercased().contains("warning"), "\(warnings)")

                // wdfctl as nobody (when nobody may run it): refused too, with nothing on stdout.
                let wdfctl = h.binaries.wdfctl.path
                let canRun = try await ChildProcess.run(URL(fileURLWithPath: setpriv),
                                                        ["--reuid=65534", "--regid=65534", "--clear-groups", wdfctl, "--version"],
                                                        environment: env, scratch: h.directory, timeout: 10)
                if canRun.status == 0 {
                    let refused = try await ChildProcess.run(URL(fileURLWithPath: setpriv),
                                                             ["--reuid=65534", "--regid=65534", "--clear-groups", wdfctl, "status", "--socket", socket],
                                                             environment: env, scratch: h.directory, timeout: 10)
                    #expect(refused.status != 0 && refused.stdout.isEmpty, "\(refused)")
                    #expect(ResilienceKit.logLines(h, containing: "uid 65534").count == 2, "a second warning for wdfctl")
                }

                // Our own user is still served by the same daemon.
                #expect(daemon.isRunning, "the daemon died: \(h.daemonLog)")
                let reply = try ControlConnection(path: socket).request("status")
                #expect(reply.json["ok"].bool == true && reply.json["data"]["state"].string == "stopped", "\(reply.text)")
            }
        }
    }

    /// What one crowd client saw.
    private final class CrowdResults: @unchecked Sendable {
        let lock = NSLock()
        var answered = 0
        var failures: [String] = []
        var maxLatency = 0.0
        var latencies: [Double] = []
        /// (sent at, latency) of every request.
        var samples: [(Double, Double)] = []

        func add(answered: Int, failures: [String], samples: [(Double, Double)]) {
            lock.withLock {
                self.answered += answered
                self.failures.append(contentsOf: failures)
                self.latencies.append(contentsOf: samples.map(\.1))
                self.samples.append(contentsOf: samples)
                maxLatency = max(maxLatency, samples.map(\.1).max() ?? 0)
            }
        }
    }

    /// A misbehaving client's story: when its `timeout` line came, and when it was closed.
    private final class Misbehaver: @unchecked Sendable {
        let lock = NSLock()
        var connected = 0.0
        var line: String?
        var lineTime: Double?
        var closedTime: Double?
        var error: String?
        var done = false
    }

    @Test func manyClientsAndASlowOne() async throws {
        try await DaemonHarness.run("manyClientsAndASlowOne", config: EndToEnd.baseConfig) { h in
            let (_, play) = try await h.play([EndToEnd.longTones, "--from", "35"])
            let at700 = try await h.recorder.awaitTone(700, after: play.started - 0.5, timeout: 2)
            let socket = h.socketPath
            let daemonPid = try #require(try await h.daemonPids().first)

            // (a) connects and never speaks; (c) sends half a line and stops.
            func misbehave(_ name: String, _ first: [UInt8]) throws -> Misbehaver {
                let client = try LineClient(path: socket)
                let story = Misbehaver()
                story.connected = Deadline.now()
                if !first.isEmpty { try client.send(first) }
                let thread = Thread {
                    do {
                        let line = try client.readLine(timeout: 15)
                        let t = Deadline.now()
                        story.lock.withLock { story.line = line; story.lineTime = line == nil ? nil : t; story.closedTime = line == nil ? t : nil }
                        if line != nil {
                            _ = try client.readLine(timeout: 15 - (t - story.connected)).map { extra in
                                story.lock.withLock { story.error = "another line after the timeout: \(extra)" }
                            }
                            let closed = Deadline.now()
                            story.lock.withLock { story.closedTime = closed }
                        }
                    } catch {
                        story.lock.withLock { story.error = "\(error)" }
                    }
                    story.lock.withLock { story.done = true }
                }
                thread.name = name
                thread.start()
                return story
            }
            let silent = try misbehave("silent client", [])
            let half = try misbehave("half-line client", Array(#"{"id":"half","command":"sta"#.utf8))

            // (b) sends requests as fast as it can and never reads a reply: it may be disconnected
            // or left waiting, but must not hold up anyone else.
            let floodDone = Locked(false)
            let floodStory = Misbehaver()
            let flooder = try LineClient(path: socket, nonBlocking: true)
            let floodThread = Thread {
                let line = Array(#"{"id":"flood","command":"status"}"#.utf8) + [0x0A]
                let chunk = Array([[UInt8]](repeating: line, count: 64).joined())
                var sent = 0
                var offset = 0
                // At most 512 KB (about 16 000 requests: more than the socket buffers hold) and 5 s,
                // so that a daemon that falls for it cannot hold the test for minutes.
                let floodEnd = Deadline.now() + 5
                while !floodDone.get(), Deadline.now() < floodEnd, sent < 512 * 1024 {
                    let n = chunk.withUnsafeBytes { send(flooder.fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
                    if n > 0 {
                        sent += n
                        offset = (offset + n) % chunk.count
                    } else if n < 0, errno == EAGAIN || errno == EINTR {
                        var pfd = pollfd(fd: flooder.fd, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&pfd, 1, 50)
                    } else {
                        let why = String(cString: strerror(errno))
                        let t = Deadline.now()
                        floodStory.lock.withLock { floodStory.error = why; floodStory.closedTime = t }
                        break
                    }
                }
                floodStory.lock.withLock { floodStory.line = "\(sent) bytes (\(sent / line.count) requests) sent"; floodStory.done = true }
            }
            floodThread.name = "flooder"
            floodStory.connected = Deadline.now()
            floodThread.start()

            // 200 clients × 100 requests: status, ping, chapters, and a malformed line every 10th.
            let clients = 200, requests = 100
            let results = CrowdResults()
            let go = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            let connectErrors = Locked<[String]>([])
            for c in 0..<clients {
                group.enter()
                let thread = Thread {
                    defer { group.leave() }
                    let client: LineClient
                    do { client = try LineClient(path: socket) } catch {
                        connectErrors.update { $0.append("client \(c): \(error)") }
                        return
                    }
                    go.wait()
                    var failures: [String] = []
                    var latencies: [(Double, Double)] = []
                    var answered = 0
                    for i in 0..<requests {
                        let id = "c\(c)-\(i)"
                        let kind = i % 10 == 9 ? (i % 20 == 19 ? "not-json" : "no-command") : ["status", "ping", "chapters"][i % 3]
                        let line: String
                        switch kind {
                        case "not-json": line = #"{"id":"\#(id)","command":"#
                        case "no-command": line = #"{"id":"\#(id)","comand":"status"}"#
                        default: line = #"{"id":"\#(id)","command":"\#(kind)"}"#
                        }
                        let sentAt = Deadline.now()
                        let reply: String?
                        do {
                            try client.sendLine(line)
                            reply = try client.readLine(timeout: 10)
                        } catch {
                            failures.append("\(id) \(kind): \(error)")
                            break
                        }
                        latencies.append((sentAt, Deadline.now() - sentAt))
                        guard let reply else { failures.append("\(id) \(kind): connection closed"); break }
                        guard let json = JSONValue(text: reply) else { failures.append("\(id) \(kind): not JSON: \(reply.prefix(200))"); continue }
                        let good: Bool
                        switch kind {
                        case "status":
                            good = json["id"].string == id && json["ok"].bool == true && json["data"]["state"].string == "playing"
                                && json["data"]["episode"]["path"].string == EndToEnd.longTones
                        case "ping":
                            good = json["id"].string == id && json["ok"].bool == true && json["data"]["pong"].bool == true
                        case "chapters":
                            good = json["id"].string == id && json["ok"].bool == true && json["data"].array?.count == 4
                        case "no-command":
                            good = json["id"].string == id && json["ok"].bool == false && json["error"]["code"].string == "bad_request"
                        default:
                            good = json["id"].isNull && json["ok"].bool == false && json["error"]["code"].string == "bad_request"
                        }
                        if good { answered += 1 } else { failures.append("\(id) \(kind): \(reply.prefix(300))") }
                    }
                    results.add(answered: answered, failures: failures, samples: latencies)
                }
                thread.name = "crowd \(c)"
                thread.start()
            }
            let start = Deadline.now()
            for _ in 0..<clients { go.signal() }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                group.notify(queue: .global()) { continuation.resume() }
            }
            let crowdEnded = Deadline.now()
            let total = crowdEnded - start
            floodDone.update { $0 = true }

            let sorted = results.latencies.sorted()
            let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
            var hangup = pollfd(fd: flooder.fd, events: Int16(0x2000 /* POLLRDHUP */), revents: 0)
            let flooderClosed = poll(&hangup, 1, 0) > 0 && hangup.revents & Int16(Int32(POLLHUP) | 0x2000) != 0
            let flood = (flooderClosed ? "closed by the daemon; " : "still connected; ") + floodStory.lock.withLock { "\(floodStory.line ?? "still sending"); \(floodStory.error.map { "ended: \($0) after \(String(format: "%.2f", (floodStory.closedTime ?? 0) - floodStory.connected)) s" } ?? "no send error")" }
            print(String(format: "[manyClientsAndASlowOne] %d clients × %d requests: %d answered correctly in %.2f s (%.0f requests/s); latency p99 %.1f ms, max %.1f ms; flooder: %@; daemon peak RSS %@",
                         clients, requests, results.answered, total, Double(results.answered) / total, p99 * 1000, results.maxLatency * 1000, flood,
                         ResilienceKit.peakRSS(daemonPid) ?? "?"))
            #expect(connectErrors.get().isEmpty, "\(connectErrors.get().prefix(5))")
            #expect(results.failures.isEmpty, "\(results.failures.count) wrong answers, e.g. \(results.failures.prefix(5))")
            #expect(results.answered == clients * requests, "\(results.answered) of \(clients * requests) answered correctly")
            #expect(total < 60, "the crowd took \(total) s")
            // None of the misbehaving clients delays anyone else: every request is answered
            // promptly (without them the slowest takes about 0.1 s here).
            let slow = results.samples.filter { $0.1 > 1 }
            let slowBins = Dictionary(grouping: slow) { Int(($0.0 - start) * 10) }.sorted { $0.key < $1.key }
                .map { String(format: "sent at +%.1f s: %d, up to %.2f s", Double($0.key) / 10, $0.value.count, $0.value.map(\.1).max() ?? 0) }
            #expect(results.maxLatency < 1, "\(slow.count) requests waited over 1 s for their reply (flooder: \(flood)): \(slowBins)")

            // The episode played on throughout.
            let steady = try await h.recorder.everyWindow(from: max(at700 + 0.05, start), to: crowdEnded) { $0.isTone(700) || $0.isTone(900) }
            #expect(steady, "heard during the crowd: \(h.recorder.timeline(from: start, to: crowdEnded, relativeTo: start))")

            // The silent and the half-line clients: a `timeout` error line after about 10 s, then closed.
            for (name, story) in [("silent client", silent), ("half-line client", half)] {
                _ = try await Deadline.await("the \(name) to be timed out", until: { _ in story.lock.withLock { story.done } ? true : nil },
                                             timeout: max(0, story.connected + 16 - Deadline.now()), interval: 0.05)
                story.lock.withLock {
                    let json = story.line.flatMap { JSONValue(text: $0) }
                    #expect(story.error == nil, "\(name): \(story.error ?? "")")
                    #expect(json?["ok"].bool == false && json?["error"]["code"].string == "timeout", "\(name) got \(story.line ?? "no line")")
                    if let t = story.lineTime {
                        #expect(t - story.connected >= 9.5 && t - story.connected <= 15,
                                "\(name): timed out \(t - story.connected) s after connecting")
                    }
                    #expect(story.closedTime != nil && (story.closedTime ?? 99) - story.connected <= 15, "\(name) was not closed")
                    print(String(format: "[manyClientsAndASlowOne] %@: timeout line after %.2f s, closed after %.2f s", name,
                                 (story.lineTime ?? .nan) - story.connected, (story.closedTime ?? .nan) - story.connected))
                }
            }

            // Still serving, still playing.
            let status = try await h.status()
            #expect(status["state"].string == "playing", "\(status)")
            _ = flooder
        }
    }
}
