import Foundation
import Testing
import WDFTestSupport

/// Test MP3s with ID3v2.3 text frames of our choosing (TIT2, TRCK, TALB …), or none.
enum TaggedFiles {
    static func tag(_ frames: [(String, String)]) -> Data {
        var body: [UInt8] = []
        for (id, value) in frames {
            var text: [UInt8] = [0x01, 0xFF, 0xFE]
            for unit in value.utf16 { text += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            text += [0, 0]
            let size = text.count
            body += Array(id.utf8) + [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF), 0, 0] + text
        }
        let total = body.count
        let header: [UInt8] = [0x49, 0x44, 0x33, 3, 0, 0,
                               UInt8(total >> 21 & 0x7F), UInt8(total >> 14 & 0x7F), UInt8(total >> 7 & 0x7F), UInt8(total & 0x7F)]
        return Data(header + body)
    }

    /// `directory/name`: the fixture's audio with `frames` (no tag at all when empty).
    @discardableResult
    static func write(_ name: String, frames: [(String, String)], audioOf fixture: String, in directory: URL) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try ((frames.isEmpty ? Data() : tag(frames)) + EpisodeFiles.audio(of: fixture)).write(to: url)
        return url.path
    }
}

/// Issue 12: which episode the listener's words and marks name.
extension EndToEnd {
    @Test func numbersFromFileNamesAndTracksBelongToTheSeries() async throws {
        try await DaemonHarness.run("seriesMembership", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("07.mp3", title: "Korean War #7: Seven", audioOf: "library/a.mp3", in: library)
            // A number from the file name only; a TRCK with an album that is not the series name.
            try TaggedFiles.write("Korean War 08 - Untagged.mp3", frames: [], audioOf: "library/b.mp3", in: library)
            try TaggedFiles.write("track.mp3", frames: [("TIT2", "Armistice"), ("TRCK", "9"), ("TALB", "WDF Podcast")],
                                  audioOf: "library/Korean War 03 - Third.mp3", in: library)
            try EpisodeFiles.write("10.mp3", title: "Korean War #10: Ten", audioOf: "library/sub/d.mp3", in: library)
            // Another series in its own folder: its TRCK-only file belongs to it, not to Korean War.
            let other = library.appendingPathComponent("Cold War")
            try EpisodeFiles.write("1.mp3", title: "Cold War #1: Start", audioOf: "library/a.mp3", in: other)
            try TaggedFiles.write("2.mp3", frames: [("TIT2", "Berlin"), ("TRCK", "2")], audioOf: "library/b.mp3", in: other)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\ncontinue = true\n")
            try await h.startDaemon()

            let list = try await h.control(["episodes", "korean", "war"]).reply
            let numbers = (list["episodes"].array ?? []).compactMap { $0["number"].int }
            #expect(numbers == [7, 8, 9, 10], "\(list)")
            #expect(!(list["series_names"].array ?? []).contains { $0.string == "WDF Podcast" }, "\(list)")
            let cold = try await h.control(["episodes", "cold", "war"]).reply
            #expect((cold["episodes"].array ?? []).compactMap { $0["number"].int } == [1, 2], "\(cold)")

            let (eight, run8) = try await h.play(["korean", "war", "8"])
            #expect(eight["episode"]["path"].string?.hasSuffix("/Korean War 08 - Untagged.mp3") == true, "\(eight)")
            _ = try await h.recorder.awaitTone(600, after: run8.started, timeout: 3)
            // `continue`: 8 → 9 (700 Hz) → 10 (800 Hz), none skipped.
            let at700 = try await h.recorder.awaitTone(700, after: run8.started, timeout: 5)
            _ = try await h.recorder.awaitTone(800, after: at700, timeout: 5)
        }
    }

    @Test func wordsWithANumberSearchTheTitles() async throws {
        try await DaemonHarness.run("wordsWithANumber", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("5.mp3", title: "Korean War #5: Sino-Soviet Talks Part 1", audioOf: "library/a.mp3", in: library)
            try EpisodeFiles.write("6.mp3", title: "Korean War #6: Sino-Soviet Talks Part 2", audioOf: "library/b.mp3", in: library)
            try EpisodeFiles.write("12.mp3", title: "Korean War #12: Sino-Soviet Split", audioOf: "library/sub/d.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            try await h.startDaemon()
            let ambiguous = try await h.wdfplay(["sino-soviet"])
            #expect(ambiguous.status == 1 && ambiguous.stderr.contains("3 episodes match"), "\(ambiguous)")
            let (part2, run) = try await h.play(["sino-soviet", "part", "2"])
            #expect(part2["episode"]["number"].int == 6, "\(part2)")
            _ = try await h.recorder.awaitTone(600, after: run.started, timeout: 3)
            let none = try await h.wdfplay(["sino-soviet", "part", "3"])
            #expect(none.status == 1 && none.stderrLines.count == 1, "\(none)")
            #expect(none.stderr.contains("No series is called \"sino-soviet part\""), "\(none)")
        }
    }

    @Test func aConfiguredSeriesMayBeTheBeginningOfItsName() async throws {
        try await DaemonHarness.run("configSeriesPrefix", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("kw1.mp3", title: "Korean War #1: First Steps", audioOf: "library/a.mp3", in: library)
            try EpisodeFiles.write("cw1.mp3", title: "Cold War #1: Yalta", audioOf: "library/b.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nseries = \"korean\"\n")
            let check = try await ChildProcess.run(h.binaries.wdfplayConfig, ["--file", h.configFile.path],
                                                   environment: h.environment, scratch: h.directory)
            #expect(check.status == 0, "\(check)")
            try await h.startDaemon()
            let (one, run) = try await h.play(["1"])
            #expect(one["episode"]["series"].string == "Korean War", "\(one)")
            _ = try await h.recorder.awaitTone(500, after: run.started, timeout: 3)
            let list = try await h.control(["episodes"]).reply
            #expect(list["series"].string == "Korean War", "\(list)")
        }
    }

    @Test func episodesMarkedPlayedAreNotOfferedNext() async throws {
        try await DaemonHarness.run("markedPlayedNotNext", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            // #3 is long (2 min): stopped early in it, it is far from its end.
            for (n, fixture) in [(1, "library/a.mp3"), (2, "library/b.mp3"), (3, "long-tones.mp3"), (4, "library/sub/d.mp3")] {
                try EpisodeFiles.write("\(n).mp3", title: "Korean War #\(n): Part \(n)", audioOf: fixture, in: library)
            }
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            try await h.startDaemon()
            // A new listener who heard #1 and #2 elsewhere: `next` is #3.
            _ = try await h.control(["played", "1"])
            _ = try await h.control(["played", "2"])
            let (next, run) = try await h.play(["next"])
            #expect(next["episode"]["number"].int == 3, "\(next)")
            _ = try await h.recorder.awaitTone(500, after: run.started, timeout: 3)
            _ = try await h.control(["stop"])
            // #3 marked played after a few seconds of it: continuing the series goes on to #4.
            _ = try await h.control(["played", "3"])
            let (series, seriesRun) = try await h.play(["korean", "war"])
            #expect(series["episode"]["number"].int == 4, "\(series)")
            _ = try await h.recorder.awaitTone(800, after: seriesRun.started, timeout: 3)
            _ = try await h.awaitStatus("the end of #4", timeout: 5) { $0["state"].string == "stopped" }
            // Everything heard or marked: no next, said so.
            let none = try await h.wdfplay(["next"])
            #expect(none.status == 1 && none.stderr.contains("last episode"), "\(none)")
        }
    }
}
