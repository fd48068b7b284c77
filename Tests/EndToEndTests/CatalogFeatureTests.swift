import Foundation
import Testing
import WDFTestSupport

/// Test MP3s made from the fixtures: their audio with a new ID3v2.3 tag (TIT2 only).
enum EpisodeFiles {
    /// The audio of `fixture` (its ID3v2 tag removed).
    static func audio(of fixture: String) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: Binaries.fixture(fixture)))
        let bytes = [UInt8](data.prefix(10))
        guard bytes.count == 10, bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33 else { return data }
        let size = Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9])
        return data.dropFirst(10 + size + (bytes[5] & 0x10 != 0 ? 10 : 0))
    }

    /// A minimal ID3v2.3 tag with the title (UTF-16 with BOM).
    static func tag(title: String) -> Data {
        var text: [UInt8] = [0x01, 0xFF, 0xFE]
        for unit in title.utf16 { text += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        text += [0, 0]
        let size = text.count
        let frame: [UInt8] = Array("TIT2".utf8) + [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF), 0, 0] + text
        let total = frame.count
        let header: [UInt8] = [0x49, 0x44, 0x33, 3, 0, 0,
                               UInt8(total >> 21 & 0x7F), UInt8(total >> 14 & 0x7F), UInt8(total >> 7 & 0x7F), UInt8(total & 0x7F)]
        return Data(header + frame)
    }

    /// Writes `directory/name` as the fixture's audio titled `title`; returns its path.
    @discardableResult
    static func write(_ name: String, title: String, audioOf fixture: String, in directory: URL) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try (tag(title: title) + audio(of: fixture)).write(to: url)
        return url.path
    }
}

/// The catalog: episode lists, pages, played marks, which episode words name, and going on to
/// the next episode without a gap.
extension EndToEnd {
    @Test func catalogListsPagesAndPlayedMarks() async throws {
        let config = EndToEnd.baseConfig + "library = \"\(EndToEnd.library)\"\n"
        try await DaemonHarness.run("catalogListsPagesAndPlayedMarks", config: config) { h in
            // Every file, numbered by title, track or file name, with its length from the headers.
            let list = try await h.control(["episodes", "--all"]).reply
            let episodes = list["episodes"].array ?? []
            #expect(episodes.compactMap { $0["number"].int }.sorted() == [1, 2, 3, 4], "\(list)")
            #expect(episodes.allSatisfy { $0["progress"]["state"].string == "new" }, "\(list)")
            #expect(episodes.allSatisfy { EndToEnd.near($0["duration"].double, 1.0, 0.15) }, "\(list)")
            // The index was written to the cache, one line per file after the header.
            let index = h.directory.appendingPathComponent("cache/wdfplay/library-index.jsonl")
            let lines = try String(contentsOf: index, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 5, "\(lines)")

            // Nothing played yet: no "next".
            let noNext = try await h.wdfplay(["next"])
            #expect(noNext.status == 1 && noNext.stderr.contains("Nothing has been played yet"), "\(noNext)")

            // Play #1 to its end: played. `next` is then #2, heard as 600 Hz.
            let (_, first) = try await h.play(["1"])
            _ = try await h.recorder.awaitTone(500, after: first.started, timeout: 3)
            _ = try await h.awaitStatus("the end of #1", timeout: 5) { $0["state"].string == "stopped" }
            let afterOne = try await h.control(["episodes", "--all"]).reply
            let one = afterOne["episodes"].array?.first { $0["number"].int == 1 }
            #expect(one?["progress"]["state"].string == "played", "\(afterOne)")
            // `next` stays in the series of #1, "Korean War": #2 (a track number) is of it, as
            // its titled neighbour a.mp3 says.
            let (nextReply, nextRun) = try await h.play(["next"])
            #expect(nextReply["episode"]["number"].int == 2, "\(nextReply)")
            #expect(nextReply["episode"]["path"].string == "\(EndToEnd.library)/b.mp3", "\(nextReply)")
            _ = try await h.recorder.awaitTone(600, after: nextRun.started, timeout: 3)
            // A number the current series lacks: the one episode that has it.
            let (two, twoRun) = try await h.play(["2"])
            #expect(two["episode"]["path"].string == "\(EndToEnd.library)/b.mp3", "\(two)")
            _ = try await h.recorder.awaitTone(600, after: twoRun.started, timeout: 3)

            // "korean war" 1: the series and the number; title words; ambiguity lists both.
            let (one1, oneRun) = try await h.play(["korean", "war", "1"])
            #expect(one1["episode"]["path"].string == "\(EndToEnd.library)/a.mp3", "\(one1)")
            _ = try await h.recorder.awaitTone(500, after: oneRun.started, timeout: 3)
            let (steps, _) = try await h.play(["first", "steps"])
            #expect(steps["episode"]["number"].int == 1, "\(steps)")
            let ambiguous = try await h.wdfplay(["korean"])
            #expect(ambiguous.status == 1, "\(ambiguous)")
            #expect(ambiguous.stderr.contains("3 episodes match \"korean\""), "\(ambiguous)")
            #expect(ambiguous.stderr.contains("Korean War #1: First Steps") && ambiguous.stderr.contains("Korean War #4: Fourth"), "\(ambiguous)")
            let missing = try await h.wdfplay(["korean", "war", "9"])
            #expect(missing.status == 1 && missing.stderr.contains("Korean War has no episode 9"), "\(missing)")

            // Marks by hand.
            let marked = try await h.control(["played", "3"]).reply
            #expect(marked["progress"]["state"].string == "played", "\(marked)")
            let text = try await h.ctl(["episodes", "--all"])
            #expect(text.status == 0, "\(text)")
            let line3 = text.stdoutLines.first { $0.contains("Korean War 03 - Third") }
            #expect(line3?.hasSuffix("played") == true, "\(text.stdout)")
            let unmarked = try await h.control(["unplayed", "1"]).reply
            #expect(unmarked["progress"]["state"].string == "new", "\(unmarked)")
            let saved = try h.savedPositions()
            #expect(saved["episodes"]["\(EndToEnd.library)/a.mp3"].isNull, "\(saved)")
            #expect(saved["episodes"]["\(EndToEnd.library)/Korean War 03 - Third.mp3"]["played"].bool == true, "\(saved)")

            // The page of an episode.
            let info = try await h.ctl(["info", "korean", "war", "4"])
            #expect(info.status == 0, "\(info)")
            #expect(info.stdoutLines.first == "Korean War #4: Fourth", "\(info)")
            #expect(info.stdout.contains("\(EndToEnd.library)/sub/d.mp3"), "\(info)")
            let page = try await h.control(["info"]).reply  // the one in play (#1 via "first steps")
            #expect(page["number"].int == 1, "\(page)")
        }
    }

    /// `arrivesDuringPlayback`: episode 2 is not in the library when episode 1 starts; it is
    /// moved in while 1 plays, as a download finishes, and still follows without a gap.
    @Test(arguments: [false, true])
    func continueGoesOnToTheNextEpisodeWithoutAGap(arrivesDuringPlayback: Bool) async throws {
        try await DaemonHarness.run("continueWithoutAGap-\(arrivesDuringPlayback)", startDaemon: false) { h in
            // Two gapless 30 s episodes of six tones each (400 … 1400 Hz): the end of #1 is
            // 1400 Hz, the start of #2 400 Hz.
            let library = h.directory.appendingPathComponent("library")
            let elsewhere = h.directory.appendingPathComponent("downloading")
            try EpisodeFiles.write("one.mp3", title: "Tones #1: First", audioOf: "tones.mp3", in: library)
            let written = try EpisodeFiles.write("two.mp3", title: "Tones #2: Second", audioOf: "tones.mp3",
                                                 in: arrivesDuringPlayback ? elsewhere : library)
            let second = library.resolvingSymlinksInPath().appendingPathComponent("two.mp3").path
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\ncontinue = true\n")
            try await h.startDaemon()
            let events = try await h.follow()
            let from = arrivesDuringPlayback ? 26.0 : 28.0
            let (_, run) = try await h.play(["1", "--from", "\(Int(from))"])
            if arrivesDuringPlayback {
                let alone = try await h.status()
                #expect(alone["episode"]["path"].string?.hasSuffix("/one.mp3") == true, "\(alone)")
                try FileManager.default.moveItem(atPath: written, toPath: library.appendingPathComponent("two.mp3").path)
            }
            let high = try await h.recorder.awaitTone(1400, after: run.started, timeout: 3)
            let low = try await h.recorder.awaitTone(400, after: high, timeout: 30 - from + 2)
            // Straight from one tone to the other: no silence between the episodes.
            let sounding = try await h.recorder.everyWindow(from: high + 0.1, to: low + 0.4, step: 0.02) { !$0.isSilent }
            #expect(sounding, "heard \(h.recorder.timeline(from: high, to: low + 0.5, relativeTo: low))")
            #expect(low - high < 30 - from + 0.3, "1400 Hz began \(low - high) s before 400 Hz")
            try await EndToEnd.expectTone(h, 400, from: low + 0.05, to: low + 0.8, "the start of episode 2")
            let status = try await h.awaitStatus("episode 2 (\(second)) in play", timeout: 3) { $0["episode"]["path"].string == second }
            #expect(status["state"].string == "playing", "\(status)")
            #expect((status["position"].double ?? 99) < 3, "\(status)")
            _ = try await events.await("the end event of episode 1", timeout: 3) {
                $0.text.contains("\"end\"") && $0.text.contains("one.mp3")
            }
            let saved = try h.savedPositions()
            #expect(saved["episodes"][library.appendingPathComponent("one.mp3").resolvingSymlinksInPath().path]["played"].bool == true, "\(saved)")
        }
    }

    @Test func catalogNoticesChangesInTheLibrary() async throws {
        try await DaemonHarness.run("catalogNoticesChanges", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Korean War #1: First Steps", audioOf: "library/a.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            try await h.startDaemon()
            func titles() async throws -> [String] {
                let reply = try await h.control(["episodes", "--all"]).reply
                return (reply["episodes"].array ?? []).compactMap { $0["title"].string }
            }
            #expect(try await titles() == ["Korean War #1: First Steps"])
            #expect(try await titles() == ["Korean War #1: First Steps"])
            // A new folder with a new episode, a retitled file, a removed one: each seen at once.
            let season = library.appendingPathComponent("season 2")
            try EpisodeFiles.write("two.mp3", title: "Korean War #2: Second", audioOf: "library/b.mp3", in: season)
            #expect(try await titles() == ["Korean War #1: First Steps", "Korean War #2: Second"])
            try EpisodeFiles.write("three.mp3", title: "Korean War #3: Third", audioOf: "library/b.mp3", in: season)
            #expect(try await titles().count == 3)
            try EpisodeFiles.write("one.mp3", title: "Korean War #1: First Steps (remastered)", audioOf: "library/a.mp3", in: library)
            #expect(try await titles().first == "Korean War #1: First Steps (remastered)")
            try FileManager.default.removeItem(at: season.appendingPathComponent("two.mp3"))
            #expect(try await titles() == ["Korean War #1: First Steps (remastered)", "Korean War #3: Third"])
            let (three, run) = try await h.play(["3"])
            #expect(three["episode"]["path"].string?.hasSuffix("/season 2/three.mp3") == true, "\(three)")
            _ = try await h.recorder.awaitTone(600, after: run.started, timeout: 3)
        }
    }
}
