import Foundation
import Testing
import WDFTestSupport

/// MPRIS signals seen on the bus (dbus-monitor): Seeked after every jump, PropertiesChanged,
/// desktop notifications (`notify`), a stale SetPosition ignored, and no wake-ups while paused
/// with the bus connected.
extension EndToEnd {
    /// Lines of `dbus-monitor` for a `Seeked` signal, with the position (µs) on the line after it.
    static func seekedPositions(_ monitor: LineStream, after from: Int) -> [Double] {
        let lines = monitor.lines
        guard lines.count > from else { return [] }
        var positions: [Double] = []
        for i in from..<lines.count where lines[i].text.contains("member=Seeked") && i + 1 < lines.count {
            let value = lines[i + 1].text.trimmingCharacters(in: .whitespaces).components(separatedBy: " ").last ?? ""
            if let us = Double(value) { positions.append(us / 1_000_000) }
        }
        return positions
    }

    static func awaitSeeked(_ monitor: LineStream, after from: Int, near seconds: Double, tolerance: Double = 1,
                            _ what: String) async throws {
        _ = try await Deadline.await("Seeked near \(seconds) s after \(what)", until: { note in
            let seen = EndToEnd.seekedPositions(monitor, after: from)
            note("Seeked at \(seen)")
            return seen.contains { abs($0 - seconds) <= tolerance } ? true : nil
        }, timeout: 5)
    }

    @Test func mprisSignalsSeekedAndPropertiesChanged() async throws {
        let config = EndToEnd.baseConfig + "skip_chapters = [\"Tone 1200\"]\n"
        try await EndToEnd.withBus("mprisSignals", config: config) { h, bus, _ in
            let monitor = try bus.monitor()
            defer { Task { await monitor.stop() } }
            _ = try await monitor.await("dbus-monitor to start", timeout: 5) { _ in true }
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "2"])
            _ = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            // Starting at a saved (here: chosen) position is a jump.
            try await EndToEnd.awaitSeeked(monitor, after: 0, near: 2, "play --from 2")

            var mark = monitor.lines.count
            _ = try await h.control(["seek", "12"])
            try await EndToEnd.awaitSeeked(monitor, after: mark, near: 12, "wdfctl seek 12")

            mark = monitor.lines.count
            _ = try await h.control(["chapter", "4"])
            try await EndToEnd.awaitSeeked(monitor, after: mark, near: 15, "wdfctl chapter 4")

            // The skip rule leaves "Tone 1200" (20–25 s) for chapter 6 at 25 s.
            mark = monitor.lines.count
            _ = try await h.control(["seek", "19"])
            let at1400 = try await h.recorder.awaitTone(1400, after: Deadline.now(), timeout: 4)
            try await EndToEnd.awaitSeeked(monitor, after: mark, near: 25, "the skip rule")
            _ = at1400

            mark = monitor.lines.count
            _ = try await h.control(["pause"])
            _ = try await monitor.await("PropertiesChanged with PlaybackStatus Paused", after: mark, timeout: 5) {
                $0.text.contains("\"Paused\"")
            }
            #expect(monitor.lines[mark...].contains { $0.text.contains("member=PropertiesChanged") })

            // SetPosition for another track is ignored (the spec): the position stays.
            let before = try #require(try await h.status()["position"].double)
            let stale = try await bus.call("SetPosition", ["/org/wdfplay/track/e0000000000000000", "3000000"])
            #expect(stale.status == 0, "\(stale)")
            let after = try #require(try await h.status()["position"].double)
            #expect(abs(after - before) < 0.01, "SetPosition with a stale id moved \(before) → \(after)")
        }
    }

    /// The string arguments of the `Notify` calls `monitor` saw after line `from`, one list a call.
    static func notifications(_ monitor: LineStream, after from: Int) -> [[String]] {
        let lines = monitor.lines
        var calls: [[String]] = []
        var i = from
        while i < lines.count {
            defer { i += 1 }
            guard lines[i].text.contains("member=Notify") else { continue }
            var strings: [String] = []
            var j = i + 1
            while j < lines.count, lines[j].text.hasPrefix("   ") {
                let text = lines[j].text.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("string \""), text.hasSuffix("\"") { strings.append(String(text.dropFirst(8).dropLast())) }
                j += 1
            }
            calls.append(strings)
        }
        return calls
    }

    @Test func notifyShowsTheEpisodeAndTheChapter() async throws {
        let rule = "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
        try await EndToEnd.withBus("mprisNotify", config: EndToEnd.baseConfig + "notify = true\n") { h, bus, _ in
            let monitor = try bus.monitor(also: [rule])
            defer { Task { await monitor.stop() } }
            _ = try await monitor.await("dbus-monitor to start", timeout: 5) { _ in true }
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "3"])
            _ = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            _ = try await Deadline.await("a notification of the episode", until: { note in
                let calls = EndToEnd.notifications(monitor, after: 0)
                note("\(calls)")
                return calls.contains { $0.contains("Tone Test #3: Six Chapters") && $0.contains("Chapter 1/6 — Tone 400") } ? true : nil
            }, timeout: 5)
            // Chapter 2 begins at 5 s: a notification of it.
            _ = try await Deadline.await("a notification of chapter 2", until: { note in
                let calls = EndToEnd.notifications(monitor, after: 0)
                note("\(calls)")
                return calls.contains { $0.contains("Chapter 2/6 — Tone 600") } ? true : nil
            }, timeout: 6)
        }
    }

    @Test func noNotificationWhenNotifyIsOff() async throws {
        let rule = "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
        try await EndToEnd.withBus("mprisNoNotify") { h, bus, _ in
            let monitor = try bus.monitor(also: [rule])
            defer { Task { await monitor.stop() } }
            _ = try await monitor.await("dbus-monitor to start", timeout: 5) { _ in true }
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "4"])
            _ = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            // Past the chapter change at 5 s, and a seek to chapter 4, on the bus as Seeked …
            _ = try await h.recorder.awaitTone(600, after: play.started, timeout: 3)
            let mark = monitor.lines.count
            _ = try await h.control(["chapter", "4"])
            try await EndToEnd.awaitSeeked(monitor, after: mark, near: 15, "wdfctl chapter 4")
            // … and no Notify among everything the monitor saw.
            #expect(EndToEnd.notifications(monitor, after: 0).isEmpty, "\(monitor.lines.map(\.text))")
        }
    }

    @Test func mprisRateIsTheSpeed() async throws {
        try await EndToEnd.withBus("mprisRate") { h, bus, _ in
            let monitor = try bus.monitor()
            defer { Task { await monitor.stop() } }
            _ = try await monitor.await("dbus-monitor to start", timeout: 5) { _ in true }
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "1"])
            _ = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            let range = try await bus.call("org.freedesktop.DBus.Properties.Get", ["org.mpris.MediaPlayer2.Player", "MaximumRate"])
            #expect(range.stdout.contains("3.0"), "\(range)")

            // Rate set over the bus is the speed (wdfctl status shows it), and a jump for clients.
            var mark = monitor.lines.count
            let set = try await bus.call("org.freedesktop.DBus.Properties.Set", ["org.mpris.MediaPlayer2.Player", "Rate", "<1.5>"])
            #expect(set.status == 0, "\(set)")
            _ = try await h.awaitStatus("speed 1.5", timeout: 5) { $0["speed"].double == 1.5 }
            _ = try await monitor.await("Seeked after Rate 1.5", after: mark, timeout: 5) { $0.text.contains("member=Seeked") }

            // `wdfctl speed 2` shows on the bus: Rate in PropertiesChanged, and Seeked.
            mark = monitor.lines.count
            _ = try await h.control(["speed", "2"])
            _ = try await monitor.await("PropertiesChanged with Rate 2", after: mark, timeout: 5) { $0.text.contains("double 2") }
            _ = try await monitor.await("Seeked after wdfctl speed 2", after: mark, timeout: 5) { $0.text.contains("member=Seeked") }
            let rate = try await bus.call("org.freedesktop.DBus.Properties.Get", ["org.mpris.MediaPlayer2.Player", "Rate"])
            #expect(rate.stdout.contains("2.0"), "\(rate)")
        }
    }

    /// Voluntary and involuntary context switches of each thread of `pid`, by "tid name".
    static func contextSwitches(_ pid: Int32) throws -> [String: Int] {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        var counts: [String: Int] = [:]
        for task in tasks {
            let status = try String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)
            let lines = status.split(separator: "\n")
            let name = lines.first { $0.hasPrefix("Name:") }.map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces) } ?? "?"
            counts["\(task) \(name)"] = lines.filter { $0.contains("ctxt_switches") }
                .compactMap { Int($0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") }.reduce(0, +)
        }
        return counts
    }

    @Test func aPausedDaemonOnTheBusWakesUpZeroTimes() async throws {
        try await EndToEnd.withBus("mprisPausedWakeups") { h, bus, daemon in
            let (_, play) = try await h.play([EndToEnd.tones])
            _ = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            _ = try await EndToEnd.playerctl(bus, ["pause"])
            try await EndToEnd.awaitPlayerctl(bus, ["status"], "Paused")
            try await Task.sleep(nanoseconds: 3_000_000_000)  // let the pause's own work finish (the bench waits 2 s)
            let before = try EndToEnd.contextSwitches(daemon.pid)
            try await Task.sleep(nanoseconds: 30_000_000_000)
            let after = try EndToEnd.contextSwitches(daemon.pid)
            let woke = after.filter { $0.value != before[$0.key] }.map { "\($0.key): \($0.value - (before[$0.key] ?? 0))" }
            #expect(woke.isEmpty, "context switches in 30 s paused with the bus connected: \(woke)")
        }
    }
}
