import Foundation
import Testing
import WDFTestSupport

/// Items that share a title, a guid that looks like an option, and a feed store too large for
/// the old reader (issue #11), against the real binaries.
extension EndToEnd {
    /// Two items titled "Bonus": each gets its own `.part` and its own file, and the first one's
    /// cut download is not resumed by the second; a guid starting with "-" reaches `wdfplay-feed`
    /// from `wdfplay N` intact.
    @Test func sameTitleItemsGetAFileEach() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("sameTitleItems", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let first = [UInt8](EpisodeFiles.tag(title: "Bonus") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            let second = [UInt8](EpisodeFiles.tag(title: "Bonus") + (try EpisodeFiles.audio(of: "library/sub/d.mp3")))
            let three = [UInt8](EpisodeFiles.tag(title: "Korean War #3: Dashes") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            let base = server.baseURL
            let items = [
                EndToEnd.hostileItem(1, title: "Bonus", guid: "bonus-1", url: "\(base)/b1", length: first.count),
                EndToEnd.hostileItem(2, title: "Bonus", guid: "bonus-2", url: "\(base)/b2", length: second.count),
                "<item><title>&#x2E;&#x2D;Red&#x1B;]0;owned&#x7; Alert&#x202E;3pm.exe&#x85;/..\\x\(String(repeating: "é", count: 200))</title><guid>evil</guid><enclosure url=\"\(base)/b2\" type=\"audio/mpeg\"/></item>",
                "<item><title>Korean War #3: Dashes</title><guid>--rf -x</guid><enclosure url=\"\(base)/three\" length=\"\(three.count)\" type=\"audio/mpeg\"/></item>",
            ]
            server.set("/feed.xml", .bytes(Array(EndToEnd.hostileFeed(items).utf8), contentType: "application/rss+xml"))
            server.set("/b1", .dropAfter(first, contentType: "audio/mpeg", cut: 1000, times: 100))
            server.set("/b2", .bytes(second, contentType: "audio/mpeg"))
            server.set("/three", .bytes(three, contentType: "audio/mpeg"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(base)/feed.xml\"\nseries = \"Korean War\"\n")
            #expect(try await h.ctl(["sync"]).status == 0)
            let tool = h.binaries.wdfctl.deletingLastPathComponent().appendingPathComponent("wdfplay-feed")
            func download(_ guid: String) async throws -> ChildProcess.Result {
                try await ChildProcess.run(tool, ["download", "--guid", guid], environment: h.environment, scratch: h.directory)
            }

            // The first one's transfers are all cut: its part is kept, under a name of its own.
            let cut = try await download("bonus-1")
            #expect(cut.status == 1 && cut.stderr.contains("run the same command again to resume"), "\(cut)")
            // The second one starts from nothing (no Range) and is saved whole.
            let saved = try await download("bonus-2")
            #expect(saved.status == 0, "\(saved)")
            #expect(server.requests().filter { $0.path == "/b2" }.allSatisfy { $0.range == nil }, "\(server.requests())")
            #expect(try Data(contentsOf: library.appendingPathComponent("Bonus.mp3")) == Data(second))
            // The first one resumes its own part and gets a name of its own.
            server.set("/b1", .bytes(first, contentType: "audio/mpeg"))
            let resumed = try await download("bonus-1")
            #expect(resumed.status == 0 && resumed.stderr.contains("Saved"), "\(resumed)")
            #expect(server.requests().last?.range?.hasPrefix("bytes=") == true, "\(server.requests())")
            #expect(try Data(contentsOf: library.appendingPathComponent("Bonus (2).mp3")) == Data(first))
            let store = try String(contentsOf: h.stateHome.appendingPathComponent("wdfplay/feed.json"), encoding: .utf8)
            let lines = store.split(separator: "\n")
            #expect(lines.contains { $0.contains("\"bonus-1\"") && $0.contains("Bonus (2).mp3") }, "\(store)")
            #expect(lines.contains { $0.contains("\"bonus-2\"") && $0.contains("Bonus.mp3\"") }, "\(store)")
            #expect(EndToEnd.listing(library).keys.allSatisfy { !$0.hasSuffix(".part") }, "\(EndToEnd.listing(library))")

            // A title full of controls, bidi overrides, slashes and length: a plain, short name.
            let evil = try await download("evil")
            #expect(evil.status == 0, "\(evil)")
            let names = EndToEnd.listing(library).keys.filter { $0 != "Bonus.mp3" && $0 != "Bonus (2).mp3" }
            #expect(names.count == 1, "\(names)")
            for name in names {
                #expect(name.hasPrefix("Red ]0;owned Alert 3pm.exe") && name.contains("-..-x") && name.hasSuffix(".mp3") && name.utf8.count <= 184, "\(name)")
                #expect(!name.unicodeScalars.contains { [.control, .format].contains($0.properties.generalCategory) }, "\(name.debugDescription)")
            }

            // `wdfplay 3`: its guid "--rf -x" is handed on as one value, the episode fetched and played.
            try await h.startDaemon()
            let (reply, run) = try await h.play(["3"])
            #expect(reply["title"].string == "Korean War #3: Dashes" || run.stdout.contains("Dashes"), "\(run)")
            #expect(try Data(contentsOf: library.appendingPathComponent("Korean War #3 - Dashes.mp3")) == Data(three))
        }
    }

    /// `wdfplay 1` names one episode before the download (the feed's #1); the downloaded file,
    /// whose name holds a 1 as another file's does, would make the same words name two. It plays
    /// what was chosen and fetched.
    @Test func wdfplayPlaysTheEpisodeItDownloaded() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("playsWhatItDownloaded", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
            try EpisodeFiles.audio(of: "library/a.mp3").write(to: library.appendingPathComponent("Intro 1.mp3"))
            let bonus = [UInt8](try EpisodeFiles.audio(of: "library/sub/d.mp3"))
            let items = ["<item><title>Bonus #1</title><guid>bonus</guid>"
                         + "<enclosure url=\"\(server.baseURL)/bonus\" length=\"\(bonus.count)\" type=\"audio/mpeg\"/></item>"]
            server.set("/feed.xml", .bytes(Array(EndToEnd.hostileFeed(items).utf8), contentType: "application/rss+xml"))
            server.set("/bonus", .bytes(bonus, contentType: "audio/mpeg"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            #expect(try await h.ctl(["sync"]).status == 0)
            try await h.startDaemon()
            let run = try await h.wdfplay(["1", "--json"])
            #expect(run.status == 0 && run.json["episode"]["path"].string?.hasSuffix("/Bonus #1.mp3") == true, "\(run)")
        }
    }

    /// A feed whose store is over the old 16 MiB read limit (1,500 items with long notes): the
    /// next sync reads it back (no "first sync", the recorded download kept); a store that cannot
    /// be read at all is left alone and the sync refuses.
    @Test func aLargeFeedStoreIsReadBackAndAnUnreadableOneKept() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("largeFeedStore", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            let episode = [UInt8](EpisodeFiles.tag(title: "Episode 1500") + (try EpisodeFiles.audio(of: "library/a.mp3")))
            let notes = String(repeating: "Long show notes, said twice. ", count: 400)
            var items: [String] = []
            for n in (1...1500).reversed() {
                items.append("<item><title>Episode \(n)</title><guid>g\(n)</guid><itunes:episode>\(n)</itunes:episode>"
                             + "<description>\(notes)</description><enclosure url=\"\(server.baseURL)/e\(n)\" length=\"\(episode.count)\" type=\"audio/mpeg\"/></item>")
            }
            let feed = Array(EndToEnd.hostileFeed(items).utf8)
            #expect(feed.count > 17_000_000, "\(feed.count)")
            server.set("/feed.xml", .bytes(feed, contentType: "application/rss+xml"))
            server.set("/e1500", .bytes(episode, contentType: "audio/mpeg"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            let first = try await h.ctl(["sync", "--download", "new"], timeout: 300)
            #expect(first.status == 0 && first.stdout.contains("1500 new"), "\(first.status) \(first.stderr)")
            let storeFile = h.stateHome.appendingPathComponent("wdfplay/feed.json")
            let size = (try FileManager.default.attributesOfItem(atPath: storeFile.path)[.size] as? Int) ?? 0
            #expect(size > 16 << 20, "\(size)")

            let second = try await h.ctl(["sync"], timeout: 300)
            #expect(second.status == 0 && second.stdout.contains(", 0 new") && second.stderr.isEmpty, "\(second.status) \(second.stderr)")
            let store = try String(contentsOf: storeFile, encoding: .utf8)
            #expect(store.split(separator: "\n").contains { $0.contains("\"g1500\"") && $0.contains("\"file\":") }, "the download is no longer recorded")

            // Too large to read (over 64 MiB): refused, kept byte for byte.
            let header = "{\"version\":1,\"feedURL\":\"\(server.baseURL)/feed.xml\",\"items\":[\n"
            let huge = Data((header + String(repeating: " ", count: 65 << 20) + "\n]}\n").utf8)
            try huge.write(to: storeFile)
            let refused = try await h.ctl(["sync"], timeout: 300)
            #expect(refused.status == 1 && refused.stderr.contains("Cannot read the feed store") && refused.stderr.contains("left as it is"),
                    "\(refused.status) \(refused.stderr)")
            #expect(try Data(contentsOf: storeFile) == huge)
        }
    }
}
