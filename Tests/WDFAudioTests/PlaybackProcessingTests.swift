import Synchronization
import Testing
import WDFCore
@testable import WDFAudio

/// Speed and skip silence in the playback loop, driven by hand (no thread): a null sink on a
/// simulated clock (it plays written audio at the clock's pace, like a sound server), `service`
/// called as the sink's wake-ups would call it. Every position asserted is episode time.
@Suite("Playback processing")
struct PlaybackProcessingTests {
    static let fixtures: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Tests/Fixtures"
    }()
    static let tones = fixtures + "/tones.mp3"
    static let tonesAgain = fixtures + "/tones-ffmpeg.mp3"
    /// 2 s tones every 5 s, 3 s of −65 dBFS noise between them, 27 s.
    static let tonesSilences = fixtures + "/dsp/tones-silences.mp3"

    final class EventLog: Sendable {
        private let items = Mutex<[PlayerEvent]>([])
        func append(_ event: PlayerEvent) { items.withLock { $0.append(event) } }
        var all: [PlayerEvent] { items.withLock { $0 } }
        var ends: [String] { all.compactMap { if case let .ended(path, _) = $0 { path } else { nil } } }
        var crossings: [(boundary: Double, status: PlayerStatus)] {
            all.compactMap { if case let .crossed(boundary, status) = $0 { (boundary, status) } else { nil } }
        }
        var continued: PlayerStatus? {
            all.lazy.compactMap { if case let .continued(status) = $0 { status } else { nil } }.first
        }
    }

    struct Rig {
        let clock = SimulatedClock()
        let log = EventLog()
        let sink: NullSink
        let loop: PlaybackLoop

        init() {
            sink = NullSink(clock: clock)
            loop = PlaybackLoop(sink: sink, decoderFactory: { path throws(AudioError) in try MP3Decoder(path: path) },
                                events: { [log] in log.append($0) })
        }

        func load(_ path: String, at position: Double, _ processing: PlaybackProcessing) throws {
            _ = try loop.handle(.processNextLoad(processing)).get()
            _ = try loop.handle(.load(path: path, position: position, paused: false, title: "t", refusePastEnd: false)).get()
        }

        /// Listens for `seconds` of clock time in steps of `step`, the loop serviced after each.
        /// Returns the clock time listened when `until` first held (nil: it never did).
        @discardableResult
        func listen(_ seconds: Double, step: Double = 0.02, until: () -> Bool = { false }) -> Double? {
            var elapsed = 0.0
            while elapsed < seconds - 1e-9 {
                clock.advance(by: step)
                elapsed += step
                loop.service()
                if until() { return elapsed }
            }
            return nil
        }

        var position: Double { loop.status().position }
    }

    @Test func atTwiceTheSpeedTenSecondsOfEpisodePassInFiveOfListening() throws {
        let rig = Rig()
        try rig.load(Self.tones, at: 3, PlaybackProcessing(speed: 2))
        rig.listen(5)
        #expect(abs(rig.position - 13) < 0.1, "at \(rig.position) s after 5 s at 2×")
        // The same at 1×: 5 s.
        let plain = Rig()
        try plain.load(Self.tones, at: 3, PlaybackProcessing())
        plain.listen(5)
        #expect(abs(plain.position - 8) < 0.05, "at \(plain.position) s after 5 s at 1×")
    }

    @Test func aChapterBoundaryIsCrossedAtItsEpisodeTimeAtOneAndAHalf() throws {
        let rig = Rig()
        _ = try rig.loop.handle(.watch([10, 15])).get()
        try rig.load(Self.tones, at: 4, PlaybackProcessing(speed: 1.5))
        let first = rig.listen(8) { !rig.log.crossings.isEmpty }
        // 6 s of episode at 1.5× are 4 s of listening.
        let elapsed = try #require(first)
        #expect(abs(elapsed - 4) < 0.1, "crossed 10 s after \(elapsed) s of listening")
        let crossing = try #require(rig.log.crossings.first)
        #expect(crossing.boundary == 10)
        #expect(crossing.status.position >= 10 && crossing.status.position < 10.1, "\(crossing.status.position)")
        let second = rig.listen(8) { rig.log.crossings.count == 2 }
        #expect(second.map { abs($0 - 10 / 3) < 0.1 } == true, "15 s crossed \(String(describing: second)) s later")
    }

    @Test func aSeekAtSpeedLandsExactlyAndGoesOnAtThatSpeed() throws {
        let rig = Rig()
        try rig.load(Self.tones, at: 0, PlaybackProcessing(speed: 1.5))
        rig.listen(1)
        let landed = try rig.loop.handle(.seek(17.25)).get()
        #expect(abs(landed.position - 17.25) < 1e-6, "\(landed.position)")
        #expect(abs(rig.position - 17.25) < 1e-6)
        rig.listen(2)
        #expect(abs(rig.position - 20.25) < 0.1, "\(rig.position)")
    }

    @Test func aNewSpeedIsHeardAtOnceFromThePositionHeard() throws {
        let rig = Rig()
        try rig.load(Self.tones, at: 0, PlaybackProcessing())
        rig.listen(2)
        let before = rig.position
        let after = try rig.loop.handle(.process(PlaybackProcessing(speed: 2))).get()
        // No jump: the position is the one heard; what the sink held at 1× (2 s) is gone.
        #expect(abs(after.position - before) < 0.03, "\(before) → \(after.position)")
        rig.listen(2)
        #expect(abs(rig.position - (before + 4)) < 0.1, "\(rig.position) after 2 s at 2× from \(before)")
        // Back to 1×, everything neutral: the chain passes the decoder's buffer around.
        _ = try rig.loop.handle(.process(PlaybackProcessing())).get()
        #expect(rig.loop.chain?.isBypassing == true)
        let back = rig.position
        rig.listen(1)
        #expect(abs(rig.position - (back + 1)) < 0.05)
    }

    @Test func pausedAtSpeedThePositionStaysAndGoesOnAtSpeed() throws {
        let rig = Rig()
        try rig.load(Self.tones, at: 0, PlaybackProcessing(speed: 2))
        rig.listen(2)
        let paused = try rig.loop.handle(.pause(true)).get().position
        rig.listen(3)
        #expect(rig.position == paused)
        _ = try rig.loop.handle(.pause(false)).get()
        rig.listen(1)
        #expect(abs(rig.position - (paused + 2)) < 0.1, "\(paused) → \(rig.position)")
    }

    @Test func aSettingOutOfRangeIsRefusedAndNothingChanges() throws {
        let rig = Rig()
        try rig.load(Self.tones, at: 0, PlaybackProcessing(speed: 1.5))
        for bad in [PlaybackProcessing(speed: 3.5), PlaybackProcessing(speed: .nan), PlaybackProcessing(speed: 0.25),
                    PlaybackProcessing(volume: 1.6), PlaybackProcessing(levellingGainDB: .infinity)] {
            let result = rig.loop.handle(.process(bad))
            guard case let .failure(error) = result else {
                Issue.record("\(bad) was accepted")
                continue
            }
            #expect(error.code == .badArgument)
            #expect(error.message.hasPrefix("The "), "\(error.message)")
        }
        #expect(rig.loop.processing == PlaybackProcessing(speed: 1.5))
        #expect(rig.loop.handle(.processNextLoad(PlaybackProcessing(speed: 4))).isFailure)
    }

    @Test func theNextFileFollowsAtSpeedInEpisodeTime() throws {
        let rig = Rig()
        // 6 s before the end: more than the sink holds at 2× (2 s), so the queue comes first.
        try rig.load(Self.tones, at: 24, PlaybackProcessing(speed: 2))
        _ = try rig.loop.handle(.queue(path: Self.tonesAgain, position: 0, title: "second")).get()
        let switched = rig.listen(5) { rig.log.continued != nil }
        // 6 s of the first file at 2×: 3 s of listening.
        let elapsed = try #require(switched)
        #expect(abs(elapsed - 3) < 0.1, "continued after \(elapsed) s")
        #expect(rig.log.ends == [Self.tones])
        rig.listen(1)
        let status = rig.loop.status()
        #expect(status.path == Self.tonesAgain)
        #expect(abs(status.position - 2 * (1 + elapsed - 3)) < 0.1, "\(status.position)")
    }

    @Test func skippingSilencePlaysTheEpisodeFasterInEpisodeTime() throws {
        let rig = Rig()
        try rig.load(Self.tonesSilences, at: 0, PlaybackProcessing(silence: .strong))
        // Half-way through the third tone (at 11 s of the episode), two silences are behind.
        let third = rig.listen(30) { rig.position >= 11 }
        let atThird = try #require(third)
        let saved = rig.loop.status().timeSaved
        #expect(saved > 5 && saved < 6, "saved \(saved) s over two 3 s silences")
        #expect(abs(atThird + saved - 11) < 0.15, "episode 11 s after \(atThird) s listened, \(saved) s saved")
        let end = rig.listen(30) { !rig.log.ends.isEmpty }
        let total = atThird + (try #require(end))
        // 12 s of tones kept whole, five silences down to about 0.2 s each.
        #expect(total > 12.5 && total < 14.5, "27 s episode heard in \(total) s")
        guard case let .ended(_, duration)? = rig.log.all.first(where: { if case .ended = $0 { true } else { false } }) else {
            Issue.record("no end")
            return
        }
        #expect(abs(duration - 27) < 0.01)
    }

    @Test func skipSilenceOffPlaysEverySecond() throws {
        let rig = Rig()
        try rig.load(Self.tonesSilences, at: 20, PlaybackProcessing())
        let end = try #require(rig.listen(30) { !rig.log.ends.isEmpty })
        #expect(abs(end - 7) < 0.1, "7 s heard in \(end) s")
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
