import Foundation
import WDFTestSupport
import Testing

/// MPRIS (issue 15): the real daemon on a private session bus, driven by the real `playerctl`,
/// `gdbus` and watched by `dbus-monitor`; every command is checked on what the null sink played.
extension EndToEnd {
    /// A harness whose daemon is on a private session bus (ended after `body`).
    static func withBus(_ name: String, config: String = EndToEnd.baseConfig,
                        _ body: (DaemonHarness, SessionBus, ChildProcess) async throws -> Void) async throws {
        try await DaemonHarness.run(name, config: config, startDaemon: false) { h in
            let bus = try await SessionBus.start(scratch: h.directory)
            defer { bus.end() }
            let daemon = try await h.startDaemon(environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address])
            _ = try await Deadline.await("wdfplay on the session bus", until: { note in
                let list = try await bus.playerctl(["-l"])
                note("\(list)")
                return list.stdoutLines.contains("wdfplay") ? true : nil
            }, timeout: 10)
            try await body(h, bus, daemon)
        }
    }

    /// `playerctl ARGS` that must succeed.
    static func playerctl(_ bus: SessionBus, _ arguments: [String]) async throws -> ChildProcess.Result {
        let result = try await bus.playerctl(arguments)
        try #require(result.status == 0, "\(result)")
        return result
    }

    /// Waits until `playerctl ARGS` prints `expected`.
    static func awaitPlayerctl(_ bus: SessionBus, _ arguments: [String], _ expected: String) async throws {
        _ = try await Deadline.await("`playerctl \(arguments.joined(separator: " "))` to print \(expected)", until: { note in
            let result = try await bus.playerctl(arguments)
            note("\(result)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected ? true : nil
        }, timeout: 5)
    }

    @Test func mprisPlayPauseNextPreviousPositionAreHeard() async throws {
        try await EndToEnd.withBus("mprisControls") { h, bus, _ in
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "6"])
            _ = try await h.recorder.awaitTone(600, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.awaitPlayerctl(bus, ["status"], "Playing")

            let pause = try await EndToEnd.playerctl(bus, ["pause"])
            try await EndToEnd.expectSilence(h, from: pause.ended + 0.15, to: pause.ended + 0.6, "after `playerctl pause`")
            try await EndToEnd.awaitPlayerctl(bus, ["status"], "Paused")
            #expect(try await h.status()["state"].string == "paused")

            let resume = try await EndToEnd.playerctl(bus, ["play"])
            let back = try await h.recorder.awaitTone(600, after: resume.started, timeout: 2)
            #expect(back - resume.ended < 0.5, "600 Hz came back \(back - resume.ended) s after `playerctl play`")

            let toggle = try await EndToEnd.playerctl(bus, ["play-pause"])
            try await EndToEnd.expectSilence(h, from: toggle.ended + 0.15, to: toggle.ended + 0.5, "after `play-pause` (pause)")
            let toggleBack = try await EndToEnd.playerctl(bus, ["play-pause"])
            _ = try await h.recorder.awaitTone(600, after: toggleBack.started, timeout: 2)

            // `position 12`: chapter 3 (800 Hz); `position 5+`: 17 s, chapter 4 (1000 Hz).
            let to12 = try await EndToEnd.playerctl(bus, ["position", "12"])
            let at800 = try await h.recorder.awaitTone(800, after: to12.started, timeout: 2)
            try await EndToEnd.expectTone(h, 800, from: at800 + 0.05, to: at800 + 0.3, "after `position 12`")
            let plus5 = try await EndToEnd.playerctl(bus, ["position", "5+"])
            let at1000 = try await h.recorder.awaitTone(1000, after: plus5.started, timeout: 2)
            try await EndToEnd.expectTone(h, 1000, from: at1000 + 0.05, to: at1000 + 0.3, "after `position 5+`")
            let heard = try #require(try await h.status()["position"].double)
            #expect(heard >= 16.5 && heard < 20, "position \(heard) after `position 12` then `5+`")

            // `next`: chapter 5 (1200 Hz); `previous` within its first 5 s: chapter 4 again.
            let next = try await EndToEnd.playerctl(bus, ["next"])
            let at1200 = try await h.recorder.awaitTone(1200, after: next.started, timeout: 2)
            try await EndToEnd.expectTone(h, 1200, from: at1200 + 0.05, to: at1200 + 0.3, "after `playerctl next`")
            let previous = try await EndToEnd.playerctl(bus, ["previous"])
            let again1000 = try await h.recorder.awaitTone(1000, after: previous.started, timeout: 2)
            try await EndToEnd.expectTone(h, 1000, from: again1000 + 0.05, to: again1000 + 0.3, "after `playerctl previous`")
            let status = try await h.status()
            #expect(status["chapter"]["number"].int == 4, "\(status)")

            // `volume 0.5`: the player's volume (the `volume` setting's mechanism, 50 %), heard quieter.
            let loud = try await h.recorder.reading(from: again1000 + 0.1, to: again1000 + 0.4)
            let quieter = try await EndToEnd.playerctl(bus, ["volume", "0.5"])
            try await EndToEnd.awaitPlayerctl(bus, ["volume"], "0.500000")
            let soft = try await h.recorder.reading(from: quieter.ended + 0.3, to: quieter.ended + 0.6)
            #expect(soft.isTone(1000) || soft.rms > 0.01, "still playing: \(soft)")
            #expect(soft.rms < loud.rms * 0.7, "volume 0.5: RMS \(soft.rms) against \(loud.rms) before")
            _ = try await EndToEnd.playerctl(bus, ["volume", "1"])
            try await EndToEnd.awaitPlayerctl(bus, ["volume"], "1.000000")

            // After a stop, play-pause plays the last episode again, where it was (less resume_rewind).
            let stop = try await h.control(["stop"])
            try await EndToEnd.expectSilence(h, from: stop.result.ended + 0.15, to: stop.result.ended + 0.4, "after `wdfctl stop`")
            try await EndToEnd.awaitPlayerctl(bus, ["status"], "Stopped")
            let restart = try await EndToEnd.playerctl(bus, ["play-pause"])
            _ = try await h.recorder.awaitSound(after: restart.started, timeout: 3)
            let resumed = try await h.status()
            #expect(resumed["state"].string == "playing", "\(resumed)")
            #expect(resumed["episode"]["path"].string == EndToEnd.tones, "\(resumed)")

            // OpenUri plays a file:// episode.
            let uri = "file://" + URL(fileURLWithPath: EndToEnd.longTones).standardizedFileURL.path
                .replacingOccurrences(of: " ", with: "%20")
            let open = try await EndToEnd.playerctl(bus, ["open", uri])
            let at500 = try await h.recorder.awaitTone(500, after: open.started, timeout: 3)
            try await EndToEnd.expectTone(h, 500, from: at500 + 0.05, to: at500 + 0.3, "after `playerctl open`")
        }
    }

    /// `fixture` with its tag replaced by one that says only `title` (ID3v2.4 TIT2).
    static func retagged(_ fixture: String, title: String, into path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture)))
        let body = bytes[6..<10].reduce(0) { $0 << 7 | Int($1) }
        func syncsafe(_ v: Int) -> [UInt8] { [UInt8(v >> 21 & 0x7F), UInt8(v >> 14 & 0x7F), UInt8(v >> 7 & 0x7F), UInt8(v & 0x7F)] }
        let text: [UInt8] = [3] + Array(title.utf8) + [0]
        let frame = Array("TIT2".utf8) + syncsafe(text.count) + [0, 0] + text
        let tag = Array("ID3".utf8) + [4, 0, 0] + syncsafe(frame.count) + frame
        try Data(tag + bytes[(10 + body)...]).write(to: URL(fileURLWithPath: path))
    }

    @Test func mprisNextAndPreviousGoByEpisodeWithoutChapters() async throws {
        // Two episodes of one series without chapters (vbr-noxing.mp3's audio: 400 Hz, then 800 Hz from 10 s).
        let folder = "series"
        try await DaemonHarness.run("mprisByEpisode", startDaemon: false) { h in
            let dir = h.directory.appendingPathComponent(folder).path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let first = dir + "/one.mp3", second = dir + "/two.mp3"
            try EndToEnd.retagged(Binaries.fixture("vbr-noxing.mp3"), title: "Tone Series #1: One", into: first)
            try EndToEnd.retagged(Binaries.fixture("vbr-noxing.mp3"), title: "Tone Series #2: Two", into: second)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(dir)\"\n")
            let bus = try await SessionBus.start(scratch: h.directory)
            defer { bus.end() }
            try await h.startDaemon(environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address])
            let (_, play) = try await h.play([first, "--from", "11"])
            _ = try await h.recorder.awaitTone(800, after: play.started - 0.5, timeout: 3)
            try await EndToEnd.awaitPlayerctl(bus, ["status"], "Playing")

            let next = try await EndToEnd.playerctl(bus, ["next"])
            let at400 = try await h.recorder.awaitTone(400, after: next.started, timeout: 3)
            try await EndToEnd.expectTone(h, 400, from: at400 + 0.05, to: at400 + 0.3, "#2 from its start after `next`")
            #expect(try await h.status()["episode"]["title"].string == "Tone Series #2: Two")

            // Within the first 5 s of #2: back to #1, where it was left (less resume_rewind).
            _ = try await EndToEnd.playerctl(bus, ["previous"])
            let back = try await h.awaitStatus("#1 again", timeout: 5) { $0["episode"]["title"].string == "Tone Series #1: One" }
            let position = try #require(back["position"].double)
            #expect(position > 6 && position < 12, "\(back)")
        }
    }

    /// An episode with a cover: tones.mp3 with an APIC frame (a small JPEG) put first in its tag.
    static func episodeWithCover(in directory: URL) throws -> (path: String, cover: [UInt8]) {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: EndToEnd.tones)))
        let cover: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x5A, count: 2000) + [0xFF, 0xD9]
        let data: [UInt8] = [0] + Array("image/jpeg".utf8) + [0, 3, 0] + cover
        func syncsafe(_ v: Int) -> [UInt8] { [UInt8(v >> 21 & 0x7F), UInt8(v >> 14 & 0x7F), UInt8(v >> 7 & 0x7F), UInt8(v & 0x7F)] }
        let frame = Array("APIC".utf8) + syncsafe(data.count) + [0, 0] + data
        let body = bytes[6..<10].reduce(0) { $0 << 7 | Int($1) }
        bytes.replaceSubrange(6..<10, with: syncsafe(body + frame.count))
        bytes.insert(contentsOf: frame, at: 10)
        let path = directory.appendingPathComponent("Covered Tones.mp3").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, cover)
    }

    @Test func mprisMetadataShowsTheEpisodeTheChapterAndTheCover() async throws {
        try await EndToEnd.withBus("mprisMetadata") { h, bus, _ in
            let (episode, cover) = try EndToEnd.episodeWithCover(in: h.directory)
            _ = try await h.play([episode, "--from", "11"])
            let format = "{{xesam:title}}|{{mpris:length}}|{{xesam:url}}|{{xesam:artist}}|{{xesam:trackNumber}}|{{mpris:artUrl}}"
            let fields = try await EndToEnd.playerctl(bus, ["metadata", "--format", format]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "|")
            try #require(fields.count == 6, "\(fields)")
            #expect(fields[0] == "Tone Test #3: Six Chapters")
            #expect(fields[1] == "30000000")
            let real = URL(fileURLWithPath: episode).resolvingSymlinksInPath().standardizedFileURL.path
            #expect(fields[2] == "file://" + real.replacingOccurrences(of: " ", with: "%20"))
            #expect(fields[3] == "Chapter 3/6 — Tone 800")
            #expect(fields[4] == "3")
            let art = fields[5]
            #expect(art.hasPrefix("file://" + h.directory.appendingPathComponent("cache/wdfplay/art/").path) && art.hasSuffix(".jpg"), "\(art)")
            let artPath = String(art.dropFirst("file://".count))
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: artPath))) == cover)

            // The next chapter is announced (PropertiesChanged with the new second line).
            _ = try await h.control(["next"])
            try await EndToEnd.awaitPlayerctl(bus, ["metadata", "xesam:artist"], "Chapter 4/6 — Tone 1000")
        }
    }

    @Test func withoutASessionBusItPlaysAndSaysSoOnce() async throws {
        try await DaemonHarness.run("mprisNoBus", config: EndToEnd.baseConfig, startDaemon: false) { h in
            try await h.startDaemon(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=" + h.directory.appendingPathComponent("no-bus").path])
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "6"])
            let heard = try await h.recorder.awaitTone(600, after: play.started - 0.5, timeout: 2)
            try await EndToEnd.expectTone(h, 600, from: heard + 0.05, to: heard + 0.5, "without a session bus")
            let pause = try await h.control(["pause"])
            try await EndToEnd.expectSilence(h, from: pause.result.ended + 0.15, to: pause.result.ended + 0.4, "pause without a bus")
            let lines = h.daemonLog.split(separator: "\n").filter { $0.contains("No session bus") }
            #expect(lines.count == 1, "\(h.daemonLog)")
        }
    }
}
