import Foundation
import Testing
import WDFTestSupport

/// Issue #11, point 4: a tag, a file name, a feed or a chapter title full of terminal escape
/// sequences, C0/C1 controls and bidi overrides reaches no terminal and no log raw, from any
/// program; `--json` gives the text back intact.
extension EndToEnd {
    /// Tests/Fixtures/hostile/hostile-strings.json, written by Scripts/make-hostile-fixtures.
    struct HostileStrings {
        let json: JSONValue
        subscript(_ key: String) -> String { json[key].string ?? "<\(key) missing>" }
        var chapters: [String] { json["chapters"].array?.compactMap(\.string) ?? [] }

        static func load() throws -> HostileStrings {
            let text = try String(contentsOfFile: Binaries.fixture("hostile/hostile-strings.json"), encoding: .utf8)
            guard let json = JSONValue(text: text) else { throw DaemonHarness.HarnessError("hostile-strings.json is not JSON") }
            return HostileStrings(json: json)
        }
    }

    /// What a terminal must never receive: C0 controls but newline and tab, DEL, C1 controls and
    /// the bidi controls. Each found one as `U+001B at 12`.
    static func terminalControls(in text: String, newlines: Bool = false) -> [String] {
        var found: [String] = []
        for (i, s) in text.unicodeScalars.enumerated() {
            switch s.value {
            case 0x09: continue
            case 0x0A where !newlines: continue
            case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                found.append(String(format: "U+%04X at %d", s.value, i))
            default: continue
            }
        }
        return found
    }

    /// How a text is shown once cleaned (Docs/ARCHITECTURE.md, "Text for terminals and logs"):
    /// C0 and DEL in caret notation, C1 and bidi controls as <U+XXXX>.
    static func shown(_ text: String, lines: Bool = true) -> String {
        var out = ""
        for s in text.unicodeScalars {
            switch s.value {
            case 0x09: out.unicodeScalars.append(s)
            case 0x0A where lines: out.unicodeScalars.append(s)
            case 0x00...0x1F: out += "^" + String(UnicodeScalar(UInt8(s.value + 0x40)))
            case 0x7F: out += "^?"
            case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                out += String(format: "<U+%04X>", s.value)
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// Both outputs of `result` hold no terminal control, and stdout+stderr show each of
    /// `showing` (cleaned): the hostile text was there, made visible.
    static func expectClean(_ result: ChildProcess.Result, _ what: String, showing: [String] = [],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            let controls = terminalControls(in: text)
            #expect(controls.isEmpty, "\(what): \(name) carries \(controls.prefix(8).joined(separator: ", ")):\n\(result)",
                    sourceLocation: sourceLocation)
        }
        for text in showing {
            #expect((result.stdout + result.stderr).contains(shown(text)), "\(what) does not show \(shown(text).debugDescription):\n\(result)",
                    sourceLocation: sourceLocation)
        }
    }

    /// A feed whose channel and items carry the hostile strings raw (#8) and as numeric
    /// character references (#9: hexadecimal in the title, decimal in the description).
    static func hostileFeedXML(base: String, strings: HostileStrings, audioLength: Int) -> String {
        func xml(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        func references(_ text: String, hex: Bool) -> String {
            var out = ""
            for s in text.unicodeScalars {
                if terminalControls(in: String(s), newlines: true).isEmpty && s != "&" && s != "<" {
                    out.unicodeScalars.append(s)
                } else {
                    out += hex ? "&#x\(String(s.value, radix: 16));" : "&#\(s.value);"
                }
            }
            return out
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
            <channel>
              <title>\(xml(strings["feed_title"]))</title>
              <item>
                <title>\(xml(strings["item_title"]))</title>
                <guid isPermaLink="false">hostile-8</guid>
                <pubDate>Wed, 10 Jan 2018 05:00:00 +0000</pubDate>
                <description><![CDATA[\(strings["item_description"])]]></description>
                <enclosure url="\(base)/audio/8.mp3" length="\(audioLength)" type="audio/mpeg"/>
              </item>
              <item>
                <title>\(references(strings["entity_item_title"], hex: true))</title>
                <guid isPermaLink="false">hostile-9</guid>
                <pubDate>Wed, 17 Jan 2018 05:00:00 +0000</pubDate>
                <description>\(references(strings["entity_description"], hex: false))</description>
                <enclosure url="\(base)/audio/9.mp3" length="1000" type="audio/mpeg"/>
              </item>
            </channel>
            </rss>
            """
    }

    @Test func hostileTextNeverReachesATerminalOrTheLogRaw() async throws {
        let strings = try HostileStrings.load()
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("hostileTextNeverReachesATerminalOrTheLogRaw", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
            let path = library.appendingPathComponent(strings["file_name"]).path
            try FileManager.default.copyItem(atPath: Binaries.fixture("hostile/hostile.mp3"), toPath: path)
            let audio = [UInt8](try EpisodeFiles.audio(of: "library/a.mp3"))
            server.set("/audio/8.mp3", .bytes(audio, contentType: "audio/mpeg"))
            server.set("/audio/9.mp3", .status(404, body: "gone"))
            let xml = EndToEnd.hostileFeedXML(base: server.baseURL, strings: strings, audioLength: audio.count)
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            try await h.startDaemon()
            let (title, album) = (strings["title"], strings["album"])

            // wdfplay-feed sync as text; then what was recorded, as JSON: the feed's texts intact,
            // the numeric references decoded to the controls they name.
            let sync = try await h.ctl(["sync"])
            #expect(sync.status == 0, "\(sync)")
            let syncJSON = try await h.ctl(["sync", "--json"])
            #expect(syncJSON.json["title"].string == strings["feed_title"], "\(syncJSON)")
            let listed = try await h.control(["episodes", "--all"]).reply["episodes"].array ?? []
            let titles = listed.compactMap { $0["title"].string }
            #expect(titles.contains(title) && titles.contains(strings["item_title"]), "\(titles.map(\.debugDescription))")
            let entityTitle = listed.first { $0["number"].int == 9 }?["title"].string ?? "?"
            #expect(entityTitle.hasPrefix("Hostile Feed #9: \u{1B}]0;pwned\u{07}entities ") && entityTitle.hasSuffix("\u{202E}"),
                    "\(entityTitle.debugDescription)")
            Self.expectClean(sync, "wdfctl sync", showing: [strings["feed_title"], strings["item_title"], entityTitle])
            Self.expectClean(try await h.ctl(["episodes", "--all"]), "wdfctl episodes --all", showing: [title, strings["item_title"], entityTitle])

            // Play the file with the hostile name; follow its events as text.
            let follow = try LineStream(h.binaries.wdfctl, ["follow"], environment: h.environment, scratch: h.directory)
            let play = try await h.wdfplay([path])
            #expect(play.status == 0, "\(play)")
            _ = try await h.awaitStatus("playing", timeout: 10) { $0["state"].string == "playing" }
            #expect(try await h.ctl(["pause"]).status == 0)
            let status = try await h.awaitStatus("paused", timeout: 10) { $0["state"].string == "paused" }
            let played = status["episode"]["path"].string ?? "?"
            #expect(status["episode"]["title"].string == title && played.hasSuffix("/library/" + strings["file_name"]), "\(status)")
            // The ID3 chapter reader turns C0/C1 controls into spaces; bidi controls stay in the data.
            let chapters = try await h.control(["chapters"]).reply.array?.compactMap { $0["title"].string } ?? []
            #expect(chapters.count == 2 && chapters.last?.contains("\u{202D}") == true, "\(chapters.map(\.debugDescription))")
            Self.expectClean(play, "wdfplay FILE", showing: [title] + chapters.prefix(1))
            #expect(try await h.ctl(["seek", "12"]).status == 0)
            _ = try await follow.await("the chapter line", timeout: 10) { $0.text.hasPrefix("chapter") }
            _ = try await follow.await("the paused line", timeout: 10) { $0.text.hasPrefix("state paused") }  // follow names the event first
            await follow.stop()
            let lines = follow.lines.map(\.text).joined(separator: "\n")
            for line in follow.lines {
                #expect(Self.terminalControls(in: line.text).isEmpty, "wdfctl follow: \(line.text.debugDescription)")
            }
            #expect(lines.contains(Self.shown(title)) && lines.contains(Self.shown(chapters.last ?? "?")), "\(lines.debugDescription)")

            // status, chapters and info: text clean; JSON the same data as the tag.
            Self.expectClean(try await h.ctl(["status"]), "wdfctl status", showing: [title, chapters.last ?? "?", played])
            Self.expectClean(try await h.ctl(["chapters"]), "wdfctl chapters", showing: chapters)
            let page = try await h.control(["info"]).reply
            #expect(page["title"].string == title && page["album"].string == album && page["path"].string == played, "\(page)")
            #expect(page["chapter_list"].array?.compactMap { $0["title"].string } == chapters, "\(page)")
            #expect(page["notes"].string?.contains("\u{1B}]52;c;") == true, "the notes keep their data in JSON: \(page)")
            Self.expectClean(try await h.ctl(["info"]), "wdfctl info",
                             showing: [title, album, played] + chapters + ["Notes line one ^[]52;c;", "\n\tindented "])

            // The page of a feed item: its description, raw and from entities.
            let feedPage = try await h.control(["info", "hostile feed", "9"]).reply
            let feedNotes = feedPage["notes"].string ?? "?"
            #expect(feedNotes.contains("\u{1B}]52;c;eA==\u{07}"), "\(feedNotes.debugDescription)")
            Self.expectClean(try await h.ctl(["info", "hostile feed", "8"]), "wdfctl info (feed item)",
                             showing: [strings["item_title"], "Description ^[[2J"])
            Self.expectClean(try await h.ctl(["info", "hostile feed", "9"]), "wdfctl info (entities)", showing: [entityTitle, feedNotes])

            // Downloads: progress and "saved" lines, and the error naming the episode the server refuses.
            let download = try await h.ctl(["download", "hostile feed", "8"])
            #expect(download.status == 0, "\(download)")
            Self.expectClean(download, "wdfctl download", showing: [strings["item_title"]])
            let refused = try await h.ctl(["download", "hostile feed", "9"])
            #expect(refused.status != 0, "\(refused)")
            Self.expectClean(refused, "wdfctl download (refused)", showing: [entityTitle])

            // An error sentence from the daemon that names a hostile episode title (bookmarks
            // are numbered apart from chapters: this episode has none).
            let unmark = try await h.ctl(["unmark", "2"])
            #expect(unmark.status != 0, "\(unmark)")
            Self.expectClean(unmark, "wdfctl unmark (daemon's error)", showing: [title])

            // The daemon's log: it named the file it played; every line clean, one line each.
            let log = h.daemonLog
            #expect(Self.terminalControls(in: log).isEmpty, "the daemon log carries \(Self.terminalControls(in: log).prefix(8)):\n\(log.debugDescription)")
            #expect(log.contains("playing " + Self.shown(played, lines: false)), "\(log.debugDescription)")
        }
    }
}
