import Foundation
import Testing
import WDFTestSupport

/// The podcast feed against a real HTTP server on loopback: sync, downloads (cut, resumed,
/// refused), `wdfplay N` downloading first, and bad feeds that change nothing.
extension EndToEnd {
    /// A small feed in the style of When Diplomacy Fails' own, its enclosures on `base`.
    static func feedXML(base: String, lengths: [Int: Int]) -> String {
        func enclosure(_ n: Int) -> String {
            "<enclosure url=\"\(base)/audio/\(n).mp3\" length=\"\(lengths[n] ?? 0)\" type=\"audio/mpeg\"/>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
                 xmlns:psc="http://podlove.org/simple-chapters" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel>
              <title>When Diplomacy Fails Podcast</title>
              <link>https://example.org/wdf</link>
              <item>
                <title>Korean War #1: First Steps</title>
                <guid isPermaLink="false">wdf-kw-1</guid>
                <pubDate>Wed, 10 Jan 2018 05:00:00 +0000</pubDate>
                <content:encoded><![CDATA[<p>Episode one &amp; its <a href="https://example.org/one">sources</a>.</p>]]></content:encoded>
                \(enclosure(1))
                <itunes:duration>0:01</itunes:duration>
                <psc:chapters version="1.2">
                  <psc:chapter start="00:00:00" title="Opening"/>
                  <psc:chapter start="00:00:00.500" title="Closing" href="https://example.org/closing"/>
                </psc:chapters>
              </item>
              <item>
                <title>Korean War #2: Second Thoughts</title>
                <guid>wdf-kw-2</guid>
                <pubDate>Wed, 17 Jan 2018 05:00:00 +0000</pubDate>
                <description>Episode two.</description>
                \(enclosure(2))
              </item>
              <item>
                <title>Korean War #3: Not Yet Recorded</title>
                <guid>wdf-kw-3</guid>
                <description>No audio in this item.</description>
              </item>
              <item><title>Korean War #4: Gone</title><guid>wdf-kw-4</guid>\(enclosure(4))</item>
              <item><title>Korean War #5: A Web Page</title><guid>wdf-kw-5</guid>\(enclosure(5))</item>
            </channel>
            </rss>
            """
    }

    @Test func feedSyncDownloadAndPlay() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("feedSyncDownloadAndPlay", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let one = [UInt8](EpisodeFiles.tag(title: "Korean War #1: First Steps") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            let two = [UInt8](EpisodeFiles.tag(title: "Korean War #2: Second Thoughts") + (try EpisodeFiles.audio(of: "library/sub/d.mp3")))
            let html = Array("<html><body>Sorry, moved.</body></html>".utf8)
            server.set("/audio/1.mp3", .bytes(one, contentType: "audio/mpeg"))
            server.set("/audio/2.mp3", .dropAfter(two, contentType: "audio/mpeg", cut: 2000, times: 1))
            server.set("/audio/4.mp3", .status(404, body: "not here"))
            server.set("/audio/5.mp3", .bytes(html, contentType: "text/html"))
            let xml = EndToEnd.feedXML(base: server.baseURL, lengths: [1: one.count, 2: two.count, 4: 1000, 5: 99_000])
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            server.set("/old-feed", .redirect(to: "/feed.xml", status: 301))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/old-feed\"\n")
            try await h.startDaemon()

            // Sync: every item recorded, the redirect followed, the item without audio named.
            let sync = try await h.ctl(["sync"])
            #expect(sync.status == 0, "\(sync)")
            #expect(sync.stdout.contains("When Diplomacy Fails Podcast: 5 episodes in the feed, 5 new"), "\(sync)")
            #expect(sync.stdout.contains("no audio file in the feed item: \"Korean War #3: Not Yet Recorded\""), "\(sync)")
            #expect(sync.stdout.contains("moved to \(server.baseURL)/feed.xml"), "\(sync)")
            let listed = try await h.control(["episodes"]).reply
            let episodes = listed["episodes"].array ?? []
            #expect(episodes.compactMap { $0["number"].int } == [1, 2, 3, 4, 5], "\(listed)")
            #expect(episodes.allSatisfy { $0["downloaded"].bool == false && $0["in_feed"].bool == true }, "\(listed)")
            #expect(episodes.first?["date"].string == "2018-01-10", "\(listed)")

            // The page of an episode not downloaded: the feed's notes as text, its chapters.
            let page = try await h.control(["info", "1"]).reply
            #expect(page["notes"].string?.contains("Episode one & its sources (https://example.org/one).") == true, "\(page)")
            #expect(page["chapter_list"].array?.map { $0["title"].string ?? "" } == ["Opening", "Closing"], "\(page)")

            // wdfplay 2: downloaded first (the connection drops after 2000 bytes and the download
            // resumes from there), then played: 800 Hz is heard.
            let (reply, run) = try await h.play(["2"])
            let file = library.appendingPathComponent("Korean War #2 - Second Thoughts.mp3").path
            #expect(reply["episode"]["number"].int == 2, "\(reply)")
            #expect(reply["episode"]["path"].string?.hasSuffix("/Korean War #2 - Second Thoughts.mp3") == true, "\(reply)")
            _ = try await h.recorder.awaitTone(800, after: run.started, timeout: 4)
            #expect(run.stderr.contains("connection broke off"), "\(run)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(two))
            #expect(try FileManager.default.contentsOfDirectory(atPath: library.path).allSatisfy { !$0.hasSuffix(".part") })
            let gets = server.requests().filter { $0.path == "/audio/2.mp3" }
            #expect(gets.count == 2 && gets[1].range == "bytes=2000-", "\(gets)")

            // wdfctl download 1: then its chapters come from the feed (the file has none).
            let download = try await h.ctl(["download", "1"])
            #expect(download.status == 0, "\(download)")
            let downloaded = try await h.control(["info", "1"]).reply
            #expect(downloaded["downloaded"].bool == true, "\(downloaded)")
            #expect(downloaded["chapter_list"].array?.map { $0["source"].string ?? "" } == ["feed", "feed"], "\(downloaded)")

            // Refusals: nothing half-written under any name.
            let gone = try await h.ctl(["download", "4"])
            #expect(gone.status == 1 && gone.stderr.contains("HTTP 404"), "\(gone)")
            let page5 = try await h.ctl(["download", "5"])
            #expect(page5.status == 1 && page5.stderr.contains("is not MP3 audio") && page5.stderr.contains("text/html"), "\(page5)")
            let noAudio = try await h.wdfplay(["3"])
            #expect(noAudio.status == 1 && noAudio.stderr.contains("no audio file to download"), "\(noAudio)")
            let names = try FileManager.default.contentsOfDirectory(atPath: library.path).sorted()
            #expect(names == ["Korean War #1 - First Steps.mp3", "Korean War #2 - Second Thoughts.mp3"], "\(names)")
        }
    }

    @Test func feedCutDownloadsResumeAndBadFeedsChangeNothing() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("feedCutDownloadsAndBadFeeds", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let two = [UInt8](EpisodeFiles.tag(title: "Korean War #2: Second Thoughts") + (try EpisodeFiles.audio(of: "library/sub/d.mp3")))
            let xml = EndToEnd.feedXML(base: server.baseURL, lengths: [2: two.count])
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            // Every transfer is cut after 500 bytes: the run's few automatic resumptions do not
            // get the whole 4.4 kB.
            server.set("/audio/2.mp3", .dropAfter(two, contentType: "audio/mpeg", cut: 500, times: 100))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            try await h.startDaemon()
            #expect(try await h.ctl(["sync"]).status == 0)
            let final = library.appendingPathComponent("Korean War #2 - Second Thoughts.mp3").path

            let cut = try await h.ctl(["download", "korean", "war", "2"])
            #expect(cut.status == 1, "\(cut)")
            #expect(cut.stderr.contains("run the same command again to resume"), "\(cut)")
            #expect(!FileManager.default.fileExists(atPath: final), "a half file under the final name")
            let parts = try FileManager.default.contentsOfDirectory(atPath: library.path).filter { $0.hasSuffix(".part") }
            #expect(parts.count == 1 && parts[0].hasPrefix(".wdfplay-download-"), "\(parts)")
            let part = try Data(contentsOf: library.appendingPathComponent(parts.first ?? "none"))
            #expect(part.count > 0 && part.count < two.count && part == Data(two.prefix(part.count)), "part of \(part.count) bytes")

            // The server recovers: the next run asks only for the rest.
            server.set("/audio/2.mp3", .bytes(two, contentType: "audio/mpeg"))
            let resumed = try await h.ctl(["download", "2", "--json"])
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.json["path"].string?.hasSuffix("Korean War #2 - Second Thoughts.mp3") == true, "\(resumed)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: final)) == Data(two))
            #expect(server.requests().last?.range == "bytes=\(part.count)-", "\(server.requests())")

            // Bad feeds: a clear sentence, and the feed store is left exactly as it was.
            let store = h.stateHome.appendingPathComponent("wdfplay/feed.json")
            let before = try Data(contentsOf: store)
            server.set("/feed.xml", .bytes(Array("<rss><channel><item><title>x</channel></rss>".utf8), contentType: "text/xml"))
            let malformed = try await h.ctl(["sync"])
            #expect(malformed.status == 1 && malformed.stderr.contains("not well-formed XML: line 1"), "\(malformed)")
            server.set("/feed.xml", .status(500, body: "oops"))
            let failing = try await h.ctl(["sync"])
            #expect(failing.status == 1 && failing.stderr.contains("HTTP 500"), "\(failing)")
            server.set("/feed.xml", .dropAfter(Array(xml.utf8), contentType: "text/xml", cut: 300, times: 100))
            let dropped = try await h.ctl(["sync"])
            #expect(dropped.status == 1 && dropped.stderr.contains("Nothing changed"), "\(dropped)")
            #expect(try Data(contentsOf: store) == before)
            // What was known is still known.
            let listed = try await h.control(["episodes"]).reply
            #expect(listed["count"].int == 5, "\(listed)")

            // An episode already in the library under another name is recorded, not fetched again.
            let copy = try EpisodeFiles.write("my copy of one.mp3", title: "Korean War #1: First Steps", audioOf: "library/a.mp3",
                                              in: library)
            let requestsBefore = server.requests().count
            let known = try await h.ctl(["download", "1"])
            #expect(known.status == 0 && known.stderr.contains("already in the library"), "\(known)")
            #expect(server.requests().count == requestsBefore, "\(server.requests().suffix(2))")
            let page = try await h.control(["info", "1"]).reply
            #expect(page["path"].string?.hasSuffix("/my copy of one.mp3") == true && page["in_feed"].bool == true, "\(page) \(copy)")
        }
    }

    /// `sync --download new` as a timer runs it: the first sync takes only the newest episode (with
    /// a progress bar on a terminal); a new episode whose download fails is tried again by the next
    /// sync, and then not again.
    @Test func feedSyncDownloadsNewEpisodesAndRetriesFailures() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("feedSyncDownloadsNew", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let two = [UInt8](EpisodeFiles.tag(title: "Korean War #2: Second Thoughts") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            let six = [UInt8](EpisodeFiles.tag(title: "Korean War #6: Sino-Soviet Talks Part 2") + (try EpisodeFiles.audio(of: "library/sub/d.mp3")))
            // Slow enough for the bar to be drawn a few times (about 2 s).
            server.set("/audio/2.mp3", .slow(two, contentType: "audio/mpeg", bytesPerSecond: 2200))
            let xml = EndToEnd.feedXML(base: server.baseURL, lengths: [2: two.count])
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")

            // The first sync, on a terminal (script(1) gives it one), as a listener would run it:
            // every item is recorded, only the newest (#2, by date) is downloaded.
            let first = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/script"),
                                                   ["-qec", "\(h.binaries.wdfctl.path) sync --download new", "/dev/null"],
                                                   environment: h.environment, scratch: h.directory, timeout: 30)
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout.contains("new: #1 Korean War #1: First Steps (2018-01-10)"), "\(first)")
            #expect(first.stdout.contains("First sync of this feed: only the newest episode is downloaded"), "\(first)")
            #expect(first.stdout.contains("kB/s") && first.stdout.contains("left") && first.stdout.contains("%"), "\(first)")
            // The bar's last redraw, once the file is complete, says 100% (issue 12: it stopped at 99%).
            let lastDraw = first.stdout.components(separatedBy: "\r\u{1B}[K").last?.components(separatedBy: "\n").first ?? ""
            #expect(lastDraw.contains(" 100%"), "last progress line: \(lastDraw)")
            #expect(first.stdout.contains("Saved \(library.path)/Korean War #2 - Second Thoughts.mp3"), "\(first)")
            #expect(try Data(contentsOf: library.appendingPathComponent("Korean War #2 - Second Thoughts.mp3")) == Data(two))
            let fetched = server.requests().map(\.path).filter { $0.hasPrefix("/audio/") }
            #expect(Set(fetched) == ["/audio/2.mp3"], "\(fetched)")

            // Episode 6 appears while its server is failing (503: try later), and episode 8 whose
            // file is gone for good (404): the sync says so and exits 1.
            let withSix = xml.replacingOccurrences(of: "</channel>", with: """
                <item><title>Korean War #6: Sino-Soviet Talks Part 2</title><guid>wdf-kw-6</guid>
                <pubDate>Wed, 31 Jan 2018 05:00:00 +0000</pubDate>
                <enclosure url="\(server.baseURL)/audio/6.mp3" length="\(six.count)" type="audio/mpeg"/></item>
                <item><title>Korean War #8: Gone Missing</title><guid>wdf-kw-8</guid>
                <pubDate>Wed, 07 Feb 2018 05:00:00 +0000</pubDate>
                <enclosure url="\(server.baseURL)/audio/8.mp3" length="1000" type="audio/mpeg"/></item>
                </channel>
                """)
            server.set("/feed.xml", .bytes(Array(withSix.utf8), contentType: "application/rss+xml"))
            server.set("/audio/6.mp3", .status(503, body: "busy"))
            server.set("/audio/8.mp3", .status(404, body: "not here"))
            let failing = try await h.ctl(["sync", "--download", "new"])
            #expect(failing.status == 1, "\(failing)")
            #expect(failing.stdout.contains("new: #6 Korean War #6: Sino-Soviet Talks Part 2 (2018-01-31)"), "\(failing)")
            #expect(failing.stderr.contains("503") && failing.stderr.contains("Sino-Soviet"), "\(failing)")
            #expect(failing.stderr.contains("404") && failing.stderr.contains("#8 Korean War #8: Gone Missing (2018-02-07): not tried again"),
                    "\(failing)")
            #expect(!failing.stderr.contains("Sino-Soviet Talks Part 2 (2018-01-31): not tried again"), "\(failing)")
            let eightFetches = server.requests().filter { $0.path == "/audio/8.mp3" }.count
            let sixPath = library.appendingPathComponent("Korean War #6 - Sino-Soviet Talks Part 2.mp3").path
            #expect(!FileManager.default.fileExists(atPath: sixPath))

            // The server is back: the next sync has nothing new but fetches episode 6 after all.
            server.set("/audio/6.mp3", .bytes(six, contentType: "audio/mpeg"))
            let again = try await h.ctl(["sync", "--download", "new"])
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout.contains("0 new") && again.stdout.contains("again: #6 Korean War #6: Sino-Soviet Talks Part 2"), "\(again)")
            #expect(!again.stdout.contains("#8"), "\(again)")
            #expect(server.requests().filter { $0.path == "/audio/8.mp3" }.count == eightFetches)
            #expect(try Data(contentsOf: URL(fileURLWithPath: sixPath)) == Data(six))
            let listed = try await h.control(["episodes"]).reply
            let downloaded = (listed["episodes"].array ?? []).filter { $0["downloaded"].bool == true }.compactMap { $0["number"].int }
            #expect(downloaded.sorted() == [2, 6], "\(listed)")

            // Done is done: a further sync fetches no audio at all.
            let before = server.requests().count
            let quiet = try await h.ctl(["sync", "--download", "new"])
            #expect(quiet.status == 0 && !quiet.stdout.contains("again:"), "\(quiet)")
            #expect(server.requests().dropFirst(before).allSatisfy { !$0.path.hasPrefix("/audio/") }, "\(server.requests().dropFirst(before))")
        }
    }

    /// Two runs downloading one episode at once (the sync timer and a listener's `wdfctl download`):
    /// the second waits for the first and then finds the file; one transfer, a whole file, and the
    /// feed store records it.
    @Test func twoDownloadsOfOneEpisodeTakeTurns() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("twoDownloads", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let one = [UInt8](EpisodeFiles.tag(title: "Korean War #1: First Steps") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            // About two seconds for the whole file.
            server.set("/audio/1.mp3", .slow(one, contentType: "audio/mpeg", bytesPerSecond: one.count / 2))
            let xml = EndToEnd.feedXML(base: server.baseURL, lengths: [1: one.count])
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            let sync = try await h.ctl(["sync"])
            #expect(sync.status == 0, "\(sync)")

            async let first = h.ctl(["download", "1"])
            try await Deadline.sleep(until: Deadline.now() + 0.5)
            async let second = h.ctl(["download", "1"])
            let (a, b) = try await (first, second)
            #expect(a.status == 0 && a.stderr.contains("Saved"), "\(a)")
            #expect(b.status == 0, "\(b)")
            #expect(b.stderr.contains("is being downloaded by another wdfplay-feed; waiting"), "\(b)")
            #expect(b.stderr.contains("already downloaded") && !b.stderr.contains("Saved"), "\(b)")
            let transfers = server.requests().filter { $0.path == "/audio/1.mp3" }
            #expect(transfers.count == 1, "\(transfers)")
            let file = library.appendingPathComponent("Korean War #1 - First Steps.mp3").path
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(one))
            #expect(try FileManager.default.contentsOfDirectory(atPath: library.path).allSatisfy { !$0.hasSuffix(".part") })
            let store = try String(contentsOf: h.stateHome.appendingPathComponent("wdfplay/feed.json"), encoding: .utf8)
            #expect(store.contains("\"file\":\"\(library.path)/Korean War #1 - First Steps.mp3\""), "\(store)")
        }
    }

    /// A damaged feed store: what can be read from it is kept through a download and a sync (the
    /// damaged file set aside), not only by the first reader.
    @Test func aDamagedFeedStoreKeepsWhatCouldBeRecovered() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("damagedFeedStore", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let one = [UInt8](EpisodeFiles.tag(title: "Korean War #1: First Steps") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            server.set("/audio/1.mp3", .bytes(one, contentType: "audio/mpeg"))
            let xml = EndToEnd.feedXML(base: server.baseURL, lengths: [1: one.count])
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            #expect(try await h.ctl(["sync"]).status == 0)
            let store = h.stateHome.appendingPathComponent("wdfplay/feed.json")
            func damageItem(_ guid: String) throws {
                var lines = try String(contentsOf: store, encoding: .utf8).components(separatedBy: "\n")
                let index = try #require(lines.firstIndex { $0.contains("\"\(guid)\"") })
                lines[index] = String(lines[index].prefix(30)) + "\u{1}" + String(lines[index].dropFirst(30))
                try lines.joined(separator: "\n").write(to: store, atomically: true, encoding: .utf8)
            }
            func guids() throws -> [String] {
                let text = try String(contentsOf: store, encoding: .utf8)
                return ["wdf-kw-1", "wdf-kw-2", "wdf-kw-3", "wdf-kw-4", "wdf-kw-5"].filter { text.contains("\"guid\":\"\($0)\"") }
            }

            // Item 4's line is damaged: a download keeps the other four and records its file.
            try damageItem("wdf-kw-4")
            let download = try await h.ctl(["download", "1"])
            #expect(download.status == 0 && download.stderr.contains("Recovered 4 episode(s)"), "\(download)")
            #expect(try guids() == ["wdf-kw-1", "wdf-kw-2", "wdf-kw-3", "wdf-kw-5"])
            #expect(try String(contentsOf: store, encoding: .utf8).contains("First Steps.mp3"))

            // Now item 5's line, and the feed lists only episode 2: a sync keeps 1 and 3 as well.
            try damageItem("wdf-kw-5")
            let onlyTwo = """
                <?xml version="1.0"?><rss version="2.0"><channel><title>When Diplomacy Fails Podcast</title>
                <item><title>Korean War #2: Second Thoughts</title><guid>wdf-kw-2</guid>
                <pubDate>Wed, 17 Jan 2018 05:00:00 +0000</pubDate></item></channel></rss>
                """
            server.set("/feed.xml", .bytes(Array(onlyTwo.utf8), contentType: "application/rss+xml"))
            let sync = try await h.ctl(["sync"])
            #expect(sync.status == 0 && sync.stderr.contains("Recovered 3 episode(s)"), "\(sync)")
            #expect(try guids() == ["wdf-kw-1", "wdf-kw-2", "wdf-kw-3"])
            let setAside = FileManager.default.subpaths(atPath: store.deletingLastPathComponent().path)?
                .filter { $0.hasPrefix("feed.json.damaged-") } ?? []
            #expect(setAside.count == 2, "\(setAside)")
        }
    }

    /// An https:// feed, from a loopback server with a self-signed certificate (Python's
    /// http.server behind ssl): refused until the certificate is trusted through $SSL_CERT_FILE,
    /// then synced and downloaded.
    @Test func feedOverHTTPSVerifiesTheCertificate() async throws {
        try await DaemonHarness.run("feedOverHTTPS", startDaemon: false) { h in
            let served = h.directory.appendingPathComponent("served")
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: served.appendingPathComponent("audio"), withIntermediateDirectories: true)
            let cert = h.directory.appendingPathComponent("cert.pem").path
            let key = h.directory.appendingPathComponent("key.pem").path
            let openssl = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/openssl"), [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ], environment: h.environment, scratch: h.directory, timeout: 30)
            #expect(openssl.status == 0, "\(openssl)")
            let script = """
                import functools, http.server, ssl, sys
                handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
                handler.log_message = lambda *args: None
                httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(sys.argv[2], sys.argv[3])
                httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
                print(httpd.server_address[1], flush=True)
                httpd.serve_forever()
                """
            let portFile = h.directory.appendingPathComponent("https-port").path
            let server = try ChildProcess.spawn("/usr/bin/env", ["python3", "-c", script, served.path, cert, key],
                                                environment: h.environment, stdout: .file(portFile))
            defer { server.signal(SIGKILL) }
            let port = try await Deadline.await("the HTTPS server's port", until: { note in
                let text = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
                note(text)
                return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }, timeout: 10)
            let base = "https://127.0.0.1:\(port)"
            let one = EpisodeFiles.tag(title: "Korean War #1: First Steps") + (try EpisodeFiles.audio(of: "library/a.mp3"))
            try one.write(to: served.appendingPathComponent("audio/1.mp3"))
            try EndToEnd.feedXML(base: base, lengths: [1: one.count]).write(to: served.appendingPathComponent("feed.xml"),
                                                                              atomically: true, encoding: .utf8)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(base)/feed.xml\"\n")

            // Not trusted: refused, and nothing recorded.
            let refused = try await h.ctl(["sync"])
            #expect(refused.status == 1 && refused.stderr.contains("certificate"), "\(refused)")
            #expect(!FileManager.default.fileExists(atPath: h.stateHome.appendingPathComponent("wdfplay/feed.json").path))

            // Trusted: synced and downloaded over TLS.
            var trusting = h.environment
            trusting["SSL_CERT_FILE"] = cert
            let sync = try await ChildProcess.run(h.binaries.wdfctl, ["sync"], environment: trusting, scratch: h.directory)
            #expect(sync.status == 0 && sync.stdout.contains("5 episodes in the feed, 5 new"), "\(sync)")
            let download = try await ChildProcess.run(h.binaries.wdfctl, ["download", "1"], environment: trusting,
                                                      scratch: h.directory)
            #expect(download.status == 0, "\(download)")
            let file = library.appendingPathComponent("Korean War #1 - First Steps.mp3")
            #expect(try Data(contentsOf: file) == one)
        }
    }
}
