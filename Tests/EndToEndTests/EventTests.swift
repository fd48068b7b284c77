import Foundation
import Testing
import WDFTestSupport

/// `wdfctl follow --json` sees what happens, when it happens.
extension EndToEnd {
    @Test func eventsAreDelivered() async throws {
        try await DaemonHarness.run("eventsAreDelivered") { h in
            let (_, play) = try await h.play([EndToEnd.tones, "--from", "2.5"])
            _ = try await h.recorder.awaitTone(400, after: play.started - 0.5, timeout: 2)
            _ = try await h.control(["pause"])

            // follow subscribes after it connects: seek (paused, to the same place) until it
            // reports one, so that it is known to be listening.
            let follow = try await h.follow()
            let (synced, _) = try await Deadline.await("follow to report a seek", until: { note in
                _ = try await h.control(["seek", "2.5"])
                note(follow.stderr)
                return try? await follow.await("seek", timeout: 0.2) { JSONValue(text: $0.text)?["event"].string == "seek" }
            }, timeout: 5, interval: 0)
            func event(_ name: String, after index: Int, timeout: Double = 3,
                       where match: @escaping (JSONValue) -> Bool = { _ in true }) async throws -> (Int, Double, JSONValue) {
                let (i, line) = try await follow.await("\(name) event", after: index + 1, timeout: timeout) {
                    guard let json = JSONValue(text: $0.text) else { return false }
                    return json["event"].string == name && match(json["data"])
                }
                return (i, line.time, JSONValue(text: line.text)!["data"])
            }

            // resume → state playing
            let (_, resume) = try await h.control(["resume"])
            let (i1, t1, playing) = try await event("state", after: synced) { $0["state"].string == "playing" }
            #expect(t1 - resume.ended < 0.5, "state event \(t1 - resume.ended) s after resume")
            #expect(EndToEnd.near(playing["position"].double, 2.5, 0.3), "\(playing)")

            // Crossing 5.0 s → chapter 2, when 600 Hz begins.
            let (i2, t2, crossed) = try await event("chapter", after: i1, timeout: 5)
            #expect(crossed["chapter"]["number"].int == 2, "\(crossed)")
            let at600 = try await h.recorder.awaitTone(600, after: resume.started, timeout: 5)
            #expect(EndToEnd.near(t2, at600, 0.3), "chapter event \(t2 - at600) s from the 600 Hz onset")

            // pause → state paused, silence
            let (paused, pause) = try await h.control(["pause"])
            let (i3, t3, pausedEvent) = try await event("state", after: i2) { $0["state"].string == "paused" }
            #expect(t3 - pause.ended < 0.5, "state event \(t3 - pause.ended) s after pause")
            #expect(EndToEnd.near(pausedEvent["position"].double, paused["position"].double ?? -1, 0.1), "\(pausedEvent) vs \(paused)")
            try await EndToEnd.expectSilence(h, from: pause.ended + 0.1, to: pause.ended + 0.3, "after pause")

            // seek → seek (and chapter 3)
            let (_, seek) = try await h.control(["seek", "12"])
            let (i4, t4, seeked) = try await event("seek", after: i3)
            #expect(t4 - seek.ended < 0.5, "seek event \(t4 - seek.ended) s after seek")
            #expect(EndToEnd.near(seeked["position"].double, 12, 0.1), "\(seeked)")
            #expect(seeked["chapter"]["number"].int == 3, "\(seeked)")
            let (_, _, chapter3) = try await event("chapter", after: i3)
            #expect(chapter3["chapter"]["number"].int == 3, "\(chapter3)")

            // resume → state playing, 800 Hz
            let (_, resume2) = try await h.control(["resume"])
            _ = try await event("state", after: i4) { $0["state"].string == "playing" }
            let at800 = try await h.recorder.awaitTone(800, after: resume2.started, timeout: 2)
            #expect(at800 - resume2.ended < 0.3, "800 Hz \(at800 - resume2.ended) s after resume")
            #expect(follow.status == nil, "follow exited: \(follow.stderr)")
        }
    }
}
