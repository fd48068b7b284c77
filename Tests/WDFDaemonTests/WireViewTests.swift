import Testing
import WDFAudio
import WDFCore
import WDFProtocol
@testable import WDFDaemon
import WDFLibrary

/// The engine's state and events through `WireView` into WDFProtocol's types: what the daemon
/// writes, its own reader reads back the same, and it says what the engine knows.
@Suite("WireView", .serialized)
struct WireViewTests {
    @Test func everyEventReadsBackAsWritten() throws {
        let rig = EngineRig(config: EngineRig.config { $0.skipChapters = ["Tone 600"] })
        let views = WireView(engine: rig.engine)
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        _ = try rig.engine.mark(title: "here")
        rig.engine.setSleep(.listening(14))
        var written: [Event] = []
        rig.engine.observe { event in if let line = views.event(for: event) { written.append(line) } }
        #expect(rig.run(upTo: 20) { rig.events.contains { if case .slept = $0 { true } else { false } } })
        let names = Set(written.map(\.name))
        #expect(names.isSuperset(of: ["chapter", "skip", "sleep", "state"]), "\(names)")
        // Read back and written again: the same bytes (numbers go on the wire to the millisecond).
        for event in written {
            let bytes = event.json.serializedBytes
            #expect(try Event(json: JSONParser.parse(bytes)).json.serializedBytes == bytes)
        }
        guard case let .skip(chapter, to)? = written.first(where: { $0.name == "skip" }) else {
            Issue.record("no skip event")
            return
        }
        #expect(chapter == ChapterInfo(number: 2, title: "Tone 600", start: 5, end: 10))
        #expect(to == 10)
        guard case let .sleep(slept)? = written.last, let pausedAt = slept.pausedAt else {
            Issue.record("the last event is not the sleep timer's pause: \(String(describing: written.last))")
            return
        }
        #expect(slept.mode == .off && slept.remaining == nil && !slept.fading)
        #expect(abs(pausedAt - rig.engine.heardStatus().position) < 0.001)
    }

    @Test func theStatusSaysWhatTheEngineKnows() throws {
        let rig = EngineRig(config: EngineRig.config { $0.skipChapters = ["Tone 600"] })
        let views = WireView(engine: rig.engine)
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: true, from: 0, restart: false)
        #expect(rig.run(upTo: 20) { rig.engine.lastSkipped != nil })
        rig.engine.setSleep(.chapterEnd)
        let status = views.status(try rig.engine.setPaused(true))
        let bytes = status.json.serializedBytes
        #expect(try PlaybackStatus(json: JSONParser.parse(bytes)).json.serializedBytes == bytes)
        #expect(status.state == .paused)
        #expect(status.episode?.path == EngineRig.tones && status.episode?.demo == true)
        #expect(status.chapter?.number == 3 && status.chaptersCount == 6)
        #expect(status.chapterStarts == [0, 5, 10, 15, 20, 25])
        #expect(status.skipped == WDFProtocol.SkippedChapter(number: 2, title: "Tone 600", at: 5))
        #expect(status.sleep?.mode == .chapter && status.sleep?.fading == false)
        // Chapter 3 ends at 15 s: the timer's pause is about that far from where it was heard.
        let remaining = try #require(status.sleep?.remaining)
        #expect(remaining > 0 && abs(remaining - (15 - status.position)) < 1, "\(remaining) s left at \(status.position)")
        // Stopped: no episode, chapter or skip is shown, whatever the engine remembers.
        let stopped = views.status(rig.engine.stop())
        #expect(stopped.state == .stopped && stopped.episode == nil && stopped.chapter == nil && stopped.skipped == nil)
        #expect(stopped.chaptersCount == 0 && stopped.chapterStarts.isEmpty)
    }
}
