import Foundation
import Testing
import WDFTestSupport

/// Issue 11, numbers and keys from outside: times too large to be times (on the socket, in
/// positions.json, in the feed store), duplicate keys, and a file emptied while it plays.
extension EndToEnd.Resilience {
    /// tones.mp3 without its ID3 tag (so that a sidecar's chapters count): 30 s, six tones.
    static func untaggedTones(in directory: URL, name: String) throws -> URL {
        let data = try Data(contentsOf: URL(fileURLWithPath: EndToEnd.tones))
        let bytes = [UInt8](data)
        let size = Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9])
        let url = directory.appendingPathComponent(name)
        try Data(bytes[(10 + size)...]).write(to: url)
        return url
    }

    /// VmRSS of `pid` in KiB.
    static func rssKiB(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") }
    }

    @Test func hugeNumbersAndDuplicateKeysOnTheSocket() async throws {
        try await DaemonHarness.run("hugeNumbersAndDuplicateKeysOnTheSocket", config: EndToEnd.baseConfig) { h in
            _ = try await h.play([EndToEnd.tones, "--from", "6"])
            let client = try LineClient(path: h.socketPath)
            let requests = [
                #"{"id":1,"command":"seek","offset":1e19}"#,
                #"{"id":2,"command":"seek","position":1e19}"#,
                #"{"id":3,"command":"seek","offset":-1e300}"#,
                #"{"id":4,"command":"seek","position":99999999999999999999}"#,
                #"{"id":5,"command":"play","from":1e300}"#,
                #"{"id":6,"command":"sleep","seconds":1e308}"#,
                #"{"id":7,"command":"seek","offset":1e400}"#,
            ]
            for request in requests {
                try client.sendLine(request)
                let line = try #require(try client.readLine(timeout: 5), "the daemon closed the connection after \(request)")
                let reply = try #require(JSONValue(text: line), "\(line)")
                #expect(reply["ok"].bool == false, "\(request) → \(line)")
                let code = reply["error"]["code"].string
                #expect(code == "bad_argument" || code == "bad_request", "\(request) → \(line)")
                #expect(!(reply["error"]["message"].string ?? "").isEmpty, "\(line)")
            }
            // Duplicate keys: refused, whichever would have counted.
            try client.sendLine(#"{"command":"ping","command":"quit"}"#)
            let duplicate = try #require(try client.readLine(timeout: 5))
            #expect(duplicate.contains(#""code":"bad_request""#) && duplicate.contains("appears twice"), "\(duplicate)")

            // wdfctl refuses the time itself, in one line.
            let seek = try await h.ctl(["seek", "99999999999999999999"])
            #expect(seek.status != 0 && seek.stderrLines.first?.contains("is too far") == true, "\(seek)")
            let sleep = try await h.ctl(["sleep", "1e300"])
            #expect(sleep.status != 0, "\(sleep)")

            // Still playing, where it was.
            let status = try await h.status()
            #expect(status["state"].string == "playing", "\(status)")
            #expect((status["position"].double ?? 99) < 20, "\(status)")
            #expect(try await h.daemonPids().count == 1)
        }
    }

    @Test func positionsWithAnImpossibleTimeLoseOnlyThatRecord() async throws {
        try await DaemonHarness.run("positionsWithAnImpossibleTime", config: EndToEnd.baseConfig, startDaemon: false) { h in
            try FileManager.default.createDirectory(at: h.positionsFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Saved a minute ago: the rewind is the base 3 s (it grows with the time away, 20 s after a day).
            let minuteAgo = Int(Date().timeIntervalSince1970) - 60
            let text = """
                {"version":1,"last":"\(EndToEnd.tones)","episodes":{
                "/nowhere/huge.mp3":{"position":1e300,"duration":60,"finished":false,"played":false,"updated":1},
                "\(EndToEnd.tones)":{"position":17.5,"duration":30,"finished":false,"played":false,"updated":\(minuteAgo)}}}
                """
            try text.write(to: h.positionsFile, atomically: true, encoding: .utf8)
            try await h.startDaemon()
            let lines = try await ResilienceKit.awaitLog(h, "Dropped the saved position")
            #expect(lines.count == 1 && lines[0].contains("/nowhere/huge.mp3") && !lines[0].contains("tones.mp3"), "\(lines)")
            // The other record is kept: wdfplay continues tones.mp3 where it was (17.5 − 3 s rewind).
            let (reply, _) = try await h.play([])
            #expect(reply["resumed"].bool == true, "\(reply)")
            #expect(EndToEnd.near(reply["started_at"].double, 14.5, 0.3), "\(reply)")
            let at1000 = try await h.recorder.awaitTone(1000, after: Deadline.now() - 0.5, timeout: 3)
            _ = at1000
            _ = try await h.control(["pause"])
            let saved = try h.savedPositions()
            #expect(saved["episodes"]["/nowhere/huge.mp3"].isNull, "\(saved)")
        }
    }

    @Test func hugeTimesInTheFeedStore() async throws {
        try await DaemonHarness.run("hugeTimesInTheFeedStore", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
            _ = try EndToEnd.Resilience.untaggedTones(in: library, name: "Ordinary Episode.mp3")
            try h.writeConfig("library = \"\(library.path)\"\n")
            let store = h.stateHome.appendingPathComponent("wdfplay/feed.json")
            try FileManager.default.createDirectory(at: store.deletingLastPathComponent(), withIntermediateDirectories: true)
            try """
                {"version":1,"feedURL":"https://example.com/feed.xml","podcastTitle":"P","lastSync":1,"items":[
                {"guid":"huge","title":"Huge Numbers Here","duration":1e300,"number":1e19,"published":1e300,"enclosureLength":1e19,"firstSeen":1e308,"chapters":[{"start":1e300,"title":"far"},{"start":5,"title":"near"}]}
                ]}
                """.write(to: store, atomically: true, encoding: .utf8)
            // Modified in the year 2446 (as far as ext4 goes): in nanoseconds that overflowed Int.
            var times = [timespec(tv_sec: 20_000_000_000, tv_nsec: 0), timespec(tv_sec: 20_000_000_000, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, store.path, &times, 0) == 0)
            #expect(utimensat(AT_FDCWD, library.appendingPathComponent("Ordinary Episode.mp3").path, &times, 0) == 0)
            try await h.startDaemon()
            let list = try await h.ctl(["episodes", "--all"])
            #expect(list.status == 0 && list.stdout.contains("Huge Numbers Here"), "\(list)")
            let json = try await h.control(["episodes", "--all"]).reply
            #expect(json["count"].int == 2, "\(json)")
            let info = try await h.ctl(["info", "Huge", "Numbers", "Here"])
            #expect(info.status == 0 && info.stdout.contains("Huge Numbers Here"), "\(info)")
            #expect(try await h.daemonPids().count == 1)
        }
    }

    @Test func aFileEmptiedWhilePlayingIsNotPlayed() async throws {
        try await DaemonHarness.run("aFileEmptiedWhilePlaying", config: EndToEnd.baseConfig) { h in
            let copy = h.directory.appendingPathComponent("emptied.mp3")
            try FileManager.default.copyItem(at: URL(fileURLWithPath: EndToEnd.tones), to: copy)
            let events = try h.connect()
            _ = try events.request("subscribe")
            let (_, play) = try await h.play([copy.path, "--from", "6"])
            _ = try await h.recorder.awaitTone(600, after: play.started - 0.5, timeout: 3)
            guard truncate(copy.path, 0) == 0 else { throw DaemonHarness.HarnessError("truncate: \(String(cString: strerror(errno)))") }

            // The player stops where the audio ran out: an error, not the end of the episode.
            let status = try await h.awaitStatus("stopped after the file was emptied", timeout: 15) { $0["state"].string == "stopped" }
            _ = status
            let lines = try await ResilienceKit.awaitLog(h, "was cut to 0 bytes while playing")
            #expect(lines.count == 1, "\(lines)")
            #expect((try? await events.awaitEvent("end", timeout: 0.5)) == nil, "an `end` event for an emptied file")
            let real = try #require(realpath(copy.path, nil).map { pointer in defer { free(pointer) }; return String(cString: pointer) })
            let saved = try h.savedPositions()["episodes"][real]
            #expect(saved["played"].bool == false && saved["finished"].bool == false, "\(saved)")
            let position = try #require(saved["position"].double, "\(saved)")
            #expect(position > 6 && position < 15, "saved at \(position) s")
            // The daemon is fine.
            let again = try await h.play([EndToEnd.tones, "--restart"])
            #expect(again.reply["state"].string == "playing", "\(again.reply)")
        }
    }
}
