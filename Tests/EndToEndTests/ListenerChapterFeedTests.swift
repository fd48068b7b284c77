import Foundation
import Testing
import WDFTestSupport

/// Issue 12: bookmarks beside the chapters, and the feed as the truth for its downloads.
extension EndToEnd {
    @Test func bookmarksKeepTheChapterNumbersAndHaveTheirOwnLengths() async throws {
        try await DaemonHarness.run("bookmarksApart", config: EndToEnd.baseConfig) { h in
            // In chapter 2 (600 Hz, 5–10 s) of tones.mp3.
            _ = try await h.play([EndToEnd.tones, "--from", "7"])
            let (marked, _) = try await h.control(["mark", "Here"])
            #expect(marked["chapter"]["number"].int == 1 && marked["chapters_count"].int == 6, "\(marked)")
            #expect(marked["bookmarks_count"].int == 1, "\(marked)")
            // `chapter 3` is still the episode's chapter 3 (800 Hz at 10 s).
            let (three, run) = try await h.control(["chapter", "3"])
            #expect(EndToEnd.near(three["position"].double, 10, 0.1), "\(three)")
            let at800 = try await h.recorder.awaitTone(800, after: run.started, timeout: 2)
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.05, to: at800 + 0.4, "chapter 3 after a bookmark")

            // Three bookmarks at 0:00 (paused there): each lasts until chapter 2 begins.
            _ = try await h.control(["pause"])
            _ = try await h.control(["seek", "0"])
            for _ in 0..<3 { _ = try await h.control(["mark"]) }
            let list = try await h.control(["chapters"]).reply.array ?? []
            #expect(list.count == 10, "\(list)")
            let chapters = list.filter { $0["bookmark"].bool == false }
            let marks = list.filter { $0["bookmark"].bool == true }
            #expect(chapters.compactMap { $0["number"].int } == [1, 2, 3, 4, 5, 6], "\(list)")
            #expect(chapters.allSatisfy { EndToEnd.near($0["length"].double, 5, 0.01) }, "\(list)")
            #expect(marks.compactMap { $0["number"].int } == [1, 2, 3, 4], "\(list)")
            #expect(marks.prefix(3).allSatisfy { $0["start"].double == 0 && EndToEnd.near($0["length"].double, 5, 0.01) }, "\(list)")
            // The one at about 7 s lasts until chapter 3 (10 s).
            #expect(EndToEnd.near(marks.last?["end"].double, 10, 0.01), "\(list)")
            // A bookmark is reached by its own number; unmark takes that number too.
            let connection = try h.connect()
            let jump = try connection.request("chapter", "\"bookmark\":4")
            #expect(jump.json["ok"].bool == true && EndToEnd.near(jump.json["data"]["position"].double, 7, 1), "\(jump.text)")
            let (removed, _) = try await h.control(["unmark", "4"])
            #expect(removed["removed"]["title"].string == "Here" && removed["bookmarks_count"].int == 3, "\(removed)")
            let none = try await h.ctl(["unmark", "9"])
            #expect(none.status == 1 && none.stderr.contains("no bookmark 9"), "\(none)")
            #expect(try await h.control(["chapters"]).reply.array?.count == 9)
            // The episode's page numbers them the same way: six chapters, and ★1…★3.
            let page = try await h.ctl(["info"])
            #expect(page.stdout.contains("Chapters (6, ") && page.stdout.contains("and 3 bookmarks"), "\(page)")
            let numbers = page.stdoutLines.map { $0.trimmingCharacters(in: .whitespaces) }.compactMap { $0.split(separator: " ").first }
            #expect(numbers.filter { $0.hasPrefix("★") } == ["★1", "★2", "★3"], "\(page)")
        }
    }

    /// A stored bookmark past the end of the audio (the file came again, shorter) or at its very
    /// end is not listed; the listed ones are ★1…★n, and `unmark N`/`chapter {bookmark: N}` act on
    /// the ★N listed. The refusal names the numbers there are.
    @Test func bookmarksPastTheEndLeaveTheShownNumbersTrue() async throws {
        try await DaemonHarness.run("bookmarksPastTheEnd", config: EndToEnd.baseConfig, startDaemon: false) { h in
            let state = h.stateHome.appendingPathComponent("wdfplay")
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            // tones.mp3 lasts 30 s; entries out of time order, as a hand-edited file may be.
            let marks = [("A", 2.0), ("past the end", 999.0), ("at the end", 30.0), ("B", 12.0), ("C", 22.0)]
                .map { "{\"title\":\"\($0.0)\",\"position\":\($0.1),\"created\":1}" }
            let file = "{\"version\":1,\"episodes\":{\"\(EndToEnd.tones)\":[\(marks.joined(separator: ","))]}}\n"
            try file.write(to: state.appendingPathComponent("bookmarks.json"), atomically: true, encoding: .utf8)
            try await h.startDaemon()
            _ = try await h.play([EndToEnd.tones, "--from", "7"])
            _ = try await h.control(["pause"])
            let shown = (try await h.control(["chapters"]).reply.array ?? []).filter { $0["bookmark"].bool == true }
            #expect(shown.compactMap { $0["number"].int } == [1, 2, 3], "\(shown)")
            #expect(shown.compactMap { $0["title"].string } == ["A", "B", "C"], "\(shown)")
            // ★3 as listed is C (22 s): `chapter {bookmark: 3}` goes there and `unmark 3` removes it.
            let connection = try h.connect()
            let jump = try connection.request("chapter", "\"bookmark\":3")
            #expect(jump.json["ok"].bool == true && EndToEnd.near(jump.json["data"]["position"].double, 22, 0.5), "\(jump.text)")
            let (removed, _) = try await h.control(["unmark", "3"])
            #expect(removed["removed"]["title"].string == "C" && removed["bookmarks_count"].int == 2, "\(removed)")
            let left = (try await h.control(["chapters"]).reply.array ?? []).filter { $0["bookmark"].bool == true }
            #expect(left.compactMap { $0["title"].string } == ["A", "B"], "\(left)")
            // The store keeps the ones not shown; only C is gone.
            let saved = try String(contentsOf: state.appendingPathComponent("bookmarks.json"), encoding: .utf8)
            let titles = JSONValue(text: saved)?["episodes"][EndToEnd.tones].array?.compactMap { $0["title"].string }
            #expect(titles == ["A", "B", "at the end", "past the end"], "\(saved)")
            // ★3 is no more: refused, naming the numbers there are, by `unmark` and by `chapter`.
            let none = try await h.ctl(["unmark", "3"])
            #expect(none.status == 1 && none.stderr.contains("no bookmark 3") && none.stderr.contains("1 and 2"), "\(none)")
            let noJump = try connection.request("chapter", "\"bookmark\":3")
            #expect(noJump.json["error"]["code"].string == "no_such_bookmark" && noJump.text.contains("1 and 2"), "\(noJump.text)")
        }
    }

    /// A file downloaded for a feed item is that item, whatever its tag says; a second item with
    /// the same enclosure URL gets a file of its own.
    @Test func theFeedIsTheTruthForAFileDownloadedFromIt() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("feedOverStaleTag", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            // The real #13 in the library; the feed's #20 served with a stale "#13" tag, and an
            // item #21 that (by mistake) has the same enclosure URL as #20.
            try EpisodeFiles.write("13.mp3", title: "Korean War #13: Thirteen", audioOf: "library/a.mp3", in: library)
            let stale = [UInt8](EpisodeFiles.tag(title: "Korean War #13: Thirteen") + (try EpisodeFiles.audio(of: "library/b.mp3")))
            server.set("/audio/20.mp3", .bytes(stale, contentType: "audio/mpeg"))
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <rss version="2.0"><channel><title>When Diplomacy Fails Podcast</title>
                <item><title>Korean War #20: Twenty</title><guid>kw-20</guid><pubDate>Wed, 10 Jan 2018 05:00:00 +0000</pubDate>
                  <enclosure url="\(server.baseURL)/audio/20.mp3" length="\(stale.count)" type="audio/mpeg"/></item>
                <item><title>Korean War #21: Twenty-One</title><guid>kw-21</guid><pubDate>Wed, 17 Jan 2018 05:00:00 +0000</pubDate>
                  <enclosure url="\(server.baseURL)/audio/20.mp3" length="\(stale.count)" type="audio/mpeg"/></item>
                </channel></rss>
                """
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            try await h.startDaemon()
            let sync = try await h.ctl(["sync"])
            #expect(sync.status == 0, "\(sync)")
            let download = try await h.ctl(["download", "20"])
            #expect(download.status == 0, "\(download)")
            let (twenty, run) = try await h.play(["korean", "war", "20"])
            #expect(twenty["episode"]["path"].string?.hasSuffix("/13.mp3") == false, "\(twenty)")
            #expect(twenty["episode"]["number"].int == 20 && twenty["episode"]["title"].string == "Korean War #20: Twenty", "\(twenty)")
            _ = try await h.recorder.awaitTone(600, after: run.started, timeout: 3)
            let (thirteen, _) = try await h.play(["korean", "war", "13"])
            #expect(thirteen["episode"]["path"].string?.hasSuffix("/13.mp3") == true, "\(thirteen)")
            let list = try await h.control(["episodes"]).reply
            let episodes = list["episodes"].array ?? []
            #expect(episodes.compactMap { $0["number"].int } == [13, 20, 21], "\(list)")
            #expect(episodes.first { $0["number"].int == 20 }?["title"].string == "Korean War #20: Twenty", "\(list)")
            // #21 shares #20's URL: downloading it gives it a file of its own, not #20's.
            let second = try await h.ctl(["download", "21"])
            #expect(second.status == 0 && !second.stderr.contains("already in the library"), "\(second)")
            let after = try await h.control(["episodes"]).reply
            let paths = (after["episodes"].array ?? []).filter { [20, 21].contains($0["number"].int ?? 0) }.compactMap { $0["path"].string }
            #expect(paths.count == 2 && Set(paths).count == 2, "\(after)")
        }
    }
}

extension EndToEnd {
    /// A listener who downloaded by hand syncs the feed for the first time: what they have is not
    /// listed as new, and what they played says so.
    @Test func theFirstSyncDoesNotCallTheLibraryNew() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("firstSyncKnowsTheLibrary", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Korean War #1: First Steps", audioOf: "library/a.mp3", in: library)
            try EpisodeFiles.write("two.mp3", title: "Korean War #2: Second Thoughts", audioOf: "library/b.mp3", in: library)
            let xml = EndToEnd.feedXML(base: server.baseURL, lengths: [:])
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            try await h.startDaemon()
            _ = try await h.control(["played", "1"])
            let sync = try await h.ctl(["sync"])
            #expect(sync.status == 0, "\(sync)")
            #expect(sync.stdout.contains("5 episodes in the feed, 3 new, 2 already in the library"), "\(sync)")
            #expect(sync.stdout.contains("in the library, played: #1 Korean War #1: First Steps"), "\(sync)")
            #expect(sync.stdout.contains("in the library: #2 Korean War #2: Second Thoughts"), "\(sync)")
            #expect(!sync.stdout.contains("new: #1") && !sync.stdout.contains("new: #2"), "\(sync)")
            #expect(sync.stdout.contains("new: #4 Korean War #4: Gone"), "\(sync)")
            // `next` after the played #1 is the downloaded #2.
            let (next, _) = try await h.play(["next"])
            #expect(next["episode"]["number"].int == 2 && next["episode"]["path"].string?.hasSuffix("/two.mp3") == true, "\(next)")
        }
    }
}
