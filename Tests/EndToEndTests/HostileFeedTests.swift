import Foundation
import Testing
import WDFTestSupport

/// A podcast host that misbehaves (issue #11): endless, oversized, short, compressed, trickling
/// and absurdly announced bodies, `file://` where only http(s) belongs, against the real
/// `wdfplay-feed` (through `wdfctl`) with short limits from the environment. Each ends in a clear
/// sentence within a bounded time, nothing large or half-written is left in the library, and the
/// feed store keeps what it had.
extension EndToEnd {
    /// Short limits (`TransferLimits`): 4 MiB at most without a known length, 1000 B/s over 2 s.
    static let shortLimits = [
        "WDFPLAY_DOWNLOAD_MAX": "4194304", "WDFPLAY_MIN_SPEED": "1000", "WDFPLAY_MIN_SPEED_TIME": "2",
        "WDFPLAY_DOWNLOAD_TIMEOUT": "30", "WDFPLAY_FEED_TIMEOUT": "5", "WDFPLAY_LOCK_WAIT": "2",
    ]

    /// One RSS item; `extra` is more XML inside it.
    static func hostileItem(_ n: Int, title: String, guid: String, url: String, length: Int? = nil, extra: String = "") -> String {
        let size = length.map { " length=\"\($0)\"" } ?? ""
        return """
            <item><title>\(title)</title><guid>\(guid)</guid><itunes:episode>\(n)</itunes:episode>
            <pubDate>Wed, \(10 + n) Jan 2018 05:00:00 +0000</pubDate>
            <enclosure url="\(url)"\(size) type="audio/mpeg"/>\(extra)</item>
            """
    }

    static func hostileFeed(_ items: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
        <channel><title>Hostile</title>
        \(items.joined(separator: "\n"))
        </channel></rss>
        """
    }

    /// Names in `folder` (hidden ones too) with their sizes.
    static func listing(_ folder: URL) -> [String: Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var sizes: [String: Int] = [:]
        for name in names {
            let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? -1
            sizes[name] = size ?? -1
        }
        return sizes
    }

    static func gzipped(zeros count: Int, scratch: URL) throws -> [UInt8] {
        let raw = scratch.appendingPathComponent("zeros")
        try Data(count: count).write(to: raw)
        defer { try? FileManager.default.removeItem(at: raw) }
        let out = scratch.appendingPathComponent("zeros.gz")
        let result = try ChildProcess.runBlocking("/bin/sh", ["-c", "gzip -9 -c '\(raw.path)' > '\(out.path)'"],
                                                  environment: ProcessInfo.processInfo.environment, scratch: scratch, timeout: 60)
        guard result.status == 0 else { throw DaemonHarness.HarnessError("gzip failed: \(result.stdout)") }
        return [UInt8](try Data(contentsOf: out))
    }

    @Test func hostileDownloadsEndWithinLimits() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("hostileDownloads", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let episode = [UInt8](EpisodeFiles.tag(title: "Hostile") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            let local = h.directory.appendingPathComponent("local.mp3")
            try Data(episode).write(to: local)
            let bomb = try EndToEnd.gzipped(zeros: 64 << 20, scratch: h.directory)
            let base = server.baseURL
            let items = [
                EndToEnd.hostileItem(1, title: "Endless", guid: "endless", url: "\(base)/endless"),
                EndToEnd.hostileItem(2, title: "Longer Than Declared", guid: "longer", url: "\(base)/longer", length: 10_000),
                EndToEnd.hostileItem(3, title: "Gzip Bomb", guid: "bomb", url: "\(base)/bomb"),
                EndToEnd.hostileItem(4, title: "Trickle", guid: "trickle", url: "\(base)/trickle"),
                EndToEnd.hostileItem(5, title: "Nine Exabytes", guid: "huge", url: "\(base)/huge"),
                EndToEnd.hostileItem(6, title: "Local File", guid: "file", url: "file://\(local.path)"),
                EndToEnd.hostileItem(7, title: "Redirect To A File", guid: "redirect", url: "\(base)/to-file"),
                EndToEnd.hostileItem(8, title: "Short Body", guid: "short", url: "\(base)/short"),
                EndToEnd.hostileItem(9, title: "Local Chapters", guid: "chapters", url: "\(base)/good",
                                     extra: "<podcast:chapters url=\"file:///etc/passwd\" type=\"application/json+chapters\"/>"),
            ]
            server.set("/feed.xml", .bytes(Array(EndToEnd.hostileFeed(items).utf8), contentType: "application/rss+xml"))
            let mpeg = [("Content-Type", "audio/mpeg")]
            server.set("/endless", .raw(status: 200, headers: mpeg, body: episode, total: 64 << 20, bytesPerSecond: nil))
            server.set("/longer", .raw(status: 200, headers: mpeg, body: episode, total: 64 << 20, bytesPerSecond: nil))
            server.set("/bomb", .raw(status: 200, headers: mpeg + [("Content-Encoding", "gzip"), ("Content-Length", "\(bomb.count)")],
                                     body: bomb, total: nil, bytesPerSecond: nil))
            server.set("/trickle", .raw(status: 200, headers: mpeg + [("Content-Length", "100000")], body: episode, total: 100_000,
                                        bytesPerSecond: 2))
            server.set("/huge", .raw(status: 200, headers: mpeg + [("Content-Length", "9000000000000000000")], body: episode,
                                     total: 64 << 20, bytesPerSecond: nil))
            server.set("/to-file", .redirect(to: "file://\(local.path)", status: 302))
            server.set("/short", .raw(status: 200, headers: mpeg + [("Content-Length", "\(episode.count * 2)")], body: episode,
                                      total: episode.count, bytesPerSecond: nil))
            server.set("/good", .bytes(episode, contentType: "audio/mpeg"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(base)/feed.xml\"\n")
            let env = h.environment.merging(EndToEnd.shortLimits) { _, new in new }
            func download(_ n: Int, environment: [String: String]? = nil) async throws -> ChildProcess.Result {
                try await ChildProcess.run(h.binaries.wdfctl, ["download", "\(n)"], environment: environment ?? env,
                                           scratch: h.directory, timeout: 60)
            }
            let sync = try await ChildProcess.run(h.binaries.wdfctl, ["sync"], environment: env, scratch: h.directory)
            #expect(sync.status == 0, "\(sync)")
            let store = h.stateHome.appendingPathComponent("wdfplay/feed.json")
            let storeBefore = try Data(contentsOf: store)
            /// Nothing in the library but finished episodes, and nothing large.
            func expectClean(_ what: String, keeping: Set<String> = []) {
                let files = EndToEnd.listing(library)
                #expect(files.keys.allSatisfy { keeping.contains($0) }, "\(what): \(files)")
                #expect(files.values.reduce(0, +) < 8 << 20, "\(what): \(files)")
            }

            // An endless body with no length anywhere: stopped at $WDFPLAY_DOWNLOAD_MAX, nothing kept.
            let endless = try await download(1)
            #expect(endless.status == 1 && endless.stderr.contains("sent more than 4.2 MB") &&
                    endless.stderr.contains("no length was declared or announced"), "\(endless)")
            expectClean("endless")
            // More than the feed declares (10 kB, no Content-Length): stopped 8 MiB past it.
            let longer = try await download(2, environment: env.merging(["WDFPLAY_DOWNLOAD_MAX": "\(64 << 20)"]) { _, new in new })
            #expect(longer.status == 1 && longer.stderr.contains("sent more than 8.4 MB") && longer.stderr.contains("the feed declares 10.0 kB"),
                    "\(longer)")
            expectClean("longer")
            // Audio compressed although not asked for: refused, not inflated to 64 MiB.
            let gzip = try await download(3)
            #expect(gzip.status == 1 && gzip.stderr.contains("Content-Encoding: gzip"), "\(gzip)")
            expectClean("gzip")
            // 2 bytes a second: given up after $WDFPLAY_MIN_SPEED_TIME, the few bytes kept for a later run.
            let trickle = try await download(4)
            #expect(trickle.status == 1 && trickle.stderr.contains("slower than 1.0 kB/s for 2 s"), "\(trickle)")
            #expect(trickle.ended - trickle.started < 30, "\(trickle)")
            // Announcing 9 EB: refused at once.
            let huge = try await download(5)
            #expect(huge.status == 1 && huge.stderr.contains("announces 9000000000.0 GB") && huge.stderr.contains("refusing it"), "\(huge)")
            // A remote feed's item may not copy a local file into the library, directly or by a redirect.
            let file = try await download(6)
            #expect(file.status == 1 && file.stderr.contains("is a local file") && file.stderr.contains("refused"), "\(file)")
            let redirect = try await download(7)
            #expect(redirect.status == 1, "\(redirect)")
            let trickleParts = EndToEnd.listing(library).keys.filter { $0.hasSuffix(".part") }
            expectClean("refused schemes", keeping: Set(trickleParts))
            #expect(trickleParts.count <= 1, "\(trickleParts)")
            // A body shorter than its Content-Length is not complete: tried again, then the part is kept.
            let short = try await download(8)
            #expect(short.status == 1 && short.stderr.contains("Short Body\" failed"), "\(short)")
            #expect(!FileManager.default.fileExists(atPath: library.appendingPathComponent("Short Body.mp3").path))
            // A chapters file on the local disk is not fetched for a remote feed; the episode is.
            let chapters = try await download(9)
            #expect(chapters.status == 0 && chapters.stderr.contains("Cannot fetch the chapters") && chapters.stderr.contains("is a local file"),
                    "\(chapters)")
            let cached = (try? FileManager.default.contentsOfDirectory(atPath: h.directory.appendingPathComponent("cache/wdfplay/chapters").path)) ?? []
            #expect(cached.isEmpty, "\(cached)")
            #expect(try Data(contentsOf: library.appendingPathComponent("Local Chapters.mp3")) == Data(episode))

            // The feed store lost nothing: every item is still there (one more file recorded).
            let storeAfter = try String(contentsOf: store, encoding: .utf8)
            let guidsBefore = String(decoding: storeBefore, as: UTF8.self).components(separatedBy: "\"guid\":").count
            #expect(storeAfter.components(separatedBy: "\"guid\":").count == guidsBefore, "\(storeAfter)")

            // A feed trickling 2 bytes a second: the sync gives up at $WDFPLAY_FEED_TIMEOUT (5 s).
            server.set("/feed.xml", .raw(status: 200, headers: [("Content-Type", "text/xml"), ("Content-Length", "100000")],
                                         body: Array(EndToEnd.hostileFeed(items).utf8), total: 100_000, bytesPerSecond: 2))
            let slowFeed = try await ChildProcess.run(h.binaries.wdfctl, ["sync"],
                                                      environment: env.merging(["WDFPLAY_MIN_SPEED": "1"]) { _, new in new },
                                                      scratch: h.directory, timeout: 60)
            #expect(slowFeed.status == 1 && slowFeed.stderr.contains("took longer than the 0:05 allowed"), "\(slowFeed)")
            #expect(slowFeed.ended - slowFeed.started < 30, "\(slowFeed)")

            // Another run stuck on the same episode: waited for at most $WDFPLAY_LOCK_WAIT, then a sentence.
            let patient = env.merging(["WDFPLAY_MIN_SPEED": "1", "WDFPLAY_MIN_SPEED_TIME": "60"]) { _, new in new }
            let tool = h.binaries.wdfctl.deletingLastPathComponent().appendingPathComponent("wdfplay-feed").path
            let asked = server.requests().filter { $0.path == "/trickle" }.count
            let stuck = try ChildProcess.spawn(tool, ["download", "--guid", "trickle"], environment: patient)
            // Its transfer has begun, so it holds the episode's lock.
            _ = try await Deadline.await("the first run's transfer", until: { _ in
                server.requests().filter { $0.path == "/trickle" }.count > asked ? true : nil
            }, timeout: 10)
            let waiting = try await download(4)
            await stuck.stop()
            #expect(waiting.status == 1 && waiting.stderr.contains("waiting for it (at most 0:02)") &&
                    waiting.stderr.contains("Gave up waiting for another wdfplay-feed"), "\(waiting)")
        }
    }

    /// The progress line on a terminal with a server announcing 9 EB and sending under a byte a
    /// second (with the size limit raised so that it is not refused at once): no overflow trap.
    @Test func progressLineSurvivesAbsurdLengths() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("absurdProgress", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let episode = [UInt8](EpisodeFiles.tag(title: "Hostile") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            let items = [EndToEnd.hostileItem(1, title: "Nine Exabytes", guid: "huge", url: "\(server.baseURL)/huge")]
            server.set("/feed.xml", .bytes(Array(EndToEnd.hostileFeed(items).utf8), contentType: "application/rss+xml"))
            server.set("/huge", .raw(status: 200, headers: [("Content-Type", "audio/mpeg"), ("Content-Length", "9000000000000000000")],
                                     body: episode, total: 100, bytesPerSecond: 0.25))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            let env = h.environment.merging(EndToEnd.shortLimits.merging(["WDFPLAY_DOWNLOAD_MAX": "\(Int.max)",
                                                                          "WDFPLAY_MIN_SPEED_TIME": "3"]) { _, new in new }) { _, new in new }
            #expect(try await ChildProcess.run(h.binaries.wdfctl, ["sync"], environment: env, scratch: h.directory).status == 0)
            let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/script"),
                                                 ["-qec", "\(h.binaries.wdfctl.path) download 1", "/dev/null"],
                                                 environment: env, scratch: h.directory, timeout: 60)
            #expect(run.status == 1 && run.stdout.contains("slower than 1.0 kB/s for 3 s"), "\(run)")
            #expect(run.stdout.contains("9000000000.0 GB"), "\(run)")
        }
    }
}
