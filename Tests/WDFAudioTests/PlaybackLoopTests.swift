import Synchronization
import Testing
@testable import WDFAudio

/// The playback loop driven by hand (no thread): a null sink on a simulated clock, and
/// `service` called as the sink's wake-ups would call it.
@Suite("Playback loop")
struct PlaybackLoopTests {
    static let fixtures: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Tests/Fixtures"
    }()
    static let tones = fixtures + "/tones.mp3"
    static let tonesAgain = fixtures + "/tones-ffmpeg.mp3"

    final class EventLog: Sendable {
        private let items = Mutex<[PlayerEvent]>([])
        func append(_ event: PlayerEvent) { items.withLock { $0.append(event) } }
        var all: [PlayerEvent] { items.withLock { $0 } }
        var ends: [String] { all.compactMap { if case let .ended(path, _) = $0 { path } else { nil } } }
    }

    static func loop(_ clock: SimulatedClock, _ log: EventLog) -> (PlaybackLoop, NullSink) {
        let sink = NullSink(clock: clock)
        let loop = PlaybackLoop(sink: sink, decoderFactory: { path throws(AudioError) in try MP3Decoder(path: path) },
                                events: { log.append($0) })
        return (loop, sink)
    }

    @Test func theEndWaitsUntilEverythingWrittenIsHeard() throws {
        let clock = SimulatedClock()
        let log = EventLog()
        let (loop, sink) = Self.loop(clock, log)
        _ = try loop.handle(.load(path: Self.tones, position: 28, paused: false, title: "t", refusePastEnd: false)).get()
        // The last 2 s are written at once (they fit the sink's buffer); the drain starts.
        loop.service()
        #expect(sink.writtenSeconds > 1.9)
        var elapsed = 0.0
        while log.ends.isEmpty, elapsed < 5 {
            clock.advance(by: 0.1)
            elapsed += 0.1
            loop.service()
        }
        #expect(log.ends == [Self.tones])
        #expect(elapsed > 1.95 && elapsed < 2.15, "ended after \(elapsed) s")
        #expect(loop.status().state == .stopped)
    }

    @Test func theNextFileBecomesTheOneInPlayThroughServiceNotThroughAReading() throws {
        let clock = SimulatedClock()
        let log = EventLog()
        let (loop, sink) = Self.loop(clock, log)
        _ = try loop.handle(.load(path: Self.tones, position: 28, paused: false, title: "first", refusePastEnd: false)).get()
        _ = try loop.handle(.queue(path: Self.tonesAgain, position: 0, title: "second")).get()
        for _ in 0..<10 {
            clock.advance(by: 0.1)
            loop.service()
        }
        // 1 s heard: the second file is being written after the first, in the same stream.
        #expect(sink.writtenSeconds > 2.5)
        #expect(loop.status().path == Self.tones)
        // Past the end of the first file; readings show the first file at its end and change nothing.
        clock.advance(by: 1.5)
        for _ in 0..<5 {
            let status = loop.status()
            #expect(status.path == Self.tones)
            #expect(abs(status.position - 30) < 0.001)
        }
        #expect(log.ends.isEmpty)
        // The loop's own turn switches files, with the events that say so.
        loop.service()
        #expect(log.ends == [Self.tones])
        guard case let .continued(status)? = log.all.last else {
            Issue.record("expected .continued last, got \(log.all)")
            return
        }
        #expect(status.path == Self.tonesAgain)
        #expect(abs(status.position - 0.5) < 0.05)
        #expect(sink.title == "second")
        #expect(loop.status().path == Self.tonesAgain)
    }
}
