import Testing
import WDFAudio
import WDFCore
import WDFLibrary
import WDFStore
@testable import WDFDaemon

/// Speed and skip silence in the engine: the real playback thread and decoder on a null sink and
/// a simulated clock. `tones.mp3` is 6 chapters of 5 s ("Tone 400" … "Tone 1400"). Every
/// position is episode time; the clock is listening time.
@Suite("Engine: speed and skip silence", .serialized)
struct EngineSpeedTests {
    static let tonesSilences = EngineRig.fixtures + "/dsp/tones-silences.mp3"

    /// The clock time (since `start`) at which `event` first happened, by polling the rig.
    func listen(_ rig: EngineRig, upTo limit: Double, until condition: () -> Bool) -> Double? {
        let start = rig.clock.now()
        return rig.run(upTo: limit, step: 0.02, until: condition) ? rig.clock.now() - start : nil
    }

    @Test func atTwiceTheSpeedTenSecondsOfEpisodePassInFive() throws {
        let rig = EngineRig(config: EngineRig.config { $0.speed = 2 })
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 3, restart: false)
        #expect(rig.engine.listening.speed == 2)
        rig.run(5, step: 0.02)
        let heard = rig.engine.heardStatus().position
        #expect(abs(heard - 13) < 0.1, "at \(heard) after 5 s at 2×")
        // The store keeps episode time too.
        rig.engine.remember(rig.engine.heardStatus(), durable: false)
        #expect(abs((rig.engine.store.record(for: EngineRig.tones)?.position ?? 0) - 13) < 0.15)
    }

    @Test func chaptersAreCrossedAtTheirEpisodeTimeAtOneAndAHalf() throws {
        let rig = EngineRig()
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        try rig.engine.listening.setSpeed(1.5, by: nil, config: rig.engine.config)
        let changes = { rig.statuses { if case let .chapterChanged(s) = $0 { s } else { nil } } }
        let first = try #require(listen(rig, upTo: 10) { changes().count >= 1 })
        #expect(abs(first - 5 / 1.5) < 0.15, "chapter 2 after \(first) s")
        let second = try #require(listen(rig, upTo: 10) { changes().count >= 2 })
        #expect(abs(second - 5 / 1.5) < 0.15, "chapter 3 \(second) s later")
        #expect(changes().map { rig.engine.nowPlaying?.chapters.current(at: $0.position)?.number } == [2, 3])
    }

    @Test func aSkipRuleFiresAtTheRightEpisodeTimeAtOneAndAHalf() throws {
        let rig = EngineRig(config: EngineRig.config {
            $0.skipChapters = ["Tone 600"]
            $0.speed = 1.5
        })
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        let skippedAfter = try #require(listen(rig, upTo: 10) { rig.engine.lastSkipped != nil })
        // Chapter 2 begins at 5 s of episode: 3.33 s of listening at 1.5×.
        #expect(abs(skippedAfter - 5 / 1.5) < 0.15, "skipped after \(skippedAfter) s")
        let heard = rig.engine.heardStatus().position
        #expect(heard >= 10 && heard < 10.2, "heard at \(heard)")
        rig.run(1, step: 0.02)
        #expect(abs(rig.engine.heardStatus().position - 11.5) < 0.15)
    }

    @Test func sleepAtTheEpisodesEndCountsAtSpeed() throws {
        let rig = EngineRig(config: EngineRig.config { $0.speed = 2 })
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 10, restart: false)
        rig.engine.setSleep(.episodeEnd)
        #expect(rig.run(upTo: 15) { rig.engine.status.state == .paused })
        // 20 s of episode are 10 s of listening: the fade begins 3.5 s of listening (7 s of
        // episode) before the end, at 23 s, and the pause goes back there.
        let position = rig.engine.heardStatus().position
        #expect(abs(position - 23) < 0.25, "paused at \(position)")
    }

    @Test func sleepForAWhileCountsListeningTimeNotEpisodeTime() throws {
        let rig = EngineRig(config: EngineRig.config { $0.speed = 2 })
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        rig.engine.setSleep(.listening(10))
        let slept = try #require(listen(rig, upTo: 15) { rig.events.contains { if case .slept = $0 { true } else { false } } })
        // 10 s of listening (7 s, then the 3 s fade); the pause returns to where the fade began: 14 s.
        #expect(slept > 9.8 && slept < 10.6, "slept after \(slept) s")
        let pausedAt = rig.events.compactMap { if case let .slept(at) = $0 { at } else { nil } }.first ?? -1
        #expect(abs(pausedAt - 14) < 0.25, "paused at \(pausedAt)")
    }

    @Test func theListenersSpeedIsKeptAndASeriesKeepsItsOwn() throws {
        let rig = EngineRig(config: EngineRig.config { $0.speed = 1.25 })
        let episode = try rig.episode(EngineRig.tones)
        _ = try rig.engine.play(episode, fromDemo: false, from: 0, restart: false)
        #expect(rig.engine.listening.speed == 1.25)
        try rig.engine.listening.setSpeed(nil, by: 0.5, config: rig.engine.config)
        #expect(rig.engine.listening.speed == 1.75)
        #expect(rig.engine.heardStatus().processing.speed == 1.75)
        try rig.engine.listening.setSpeed(nil, by: 2.5, config: rig.engine.config)
        #expect(rig.engine.listening.speed == 3)
        try rig.engine.listening.setSilence(.mild)
        var saved = ListeningStore(directory: rig.directory)
        #expect(saved.load() == nil)
        #expect(saved.speed == 3 && saved.silence == .mild)
        // A series with its own speed in the config plays at it; the listener's speed elsewhere.
        let series = try #require(episode.series)
        var config = rig.engine.config
        config.seriesSpeed = [series.lowercased(): 1.5]
        #expect(saved.speed(forSeries: series, config: config) == 1.5)
        #expect(saved.speed(forSeries: "Another", config: config) == 3)
    }

    @Test func aSpeedSetWhileStoppedIsTheNextEpisodes() throws {
        let rig = EngineRig()
        try rig.engine.listening.setSpeed(2.5, by: nil, config: rig.engine.config)
        try rig.engine.listening.setSilence(.strong)
        #expect(rig.engine.heardStatus().state == .stopped)
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        let playing = rig.engine.heardStatus().processing
        #expect(playing.speed == 2.5 && playing.silence == .strong)
        rig.run(2, step: 0.02)
        #expect(abs(rig.engine.heardStatus().position - 5) < 0.15)
        // A bad value changes nothing.
        #expect(throws: WireError.self) { try rig.engine.listening.setSpeed(.nan, by: nil, config: rig.engine.config) }
        #expect(rig.engine.listening.speed == 2.5 && rig.engine.heardStatus().processing.speed == 2.5)
    }

    @Test func skippingSilenceSavesTimeAndAddsItToTheTotal() throws {
        let rig = EngineRig(config: EngineRig.config { $0.skipSilence = .strong }, series: [Self.tonesSilences])
        _ = try rig.engine.play(try rig.episode(Self.tonesSilences), fromDemo: false, from: 0, restart: false)
        let atTen = try #require(listen(rig, upTo: 20) { rig.engine.heardStatus().position >= 10 })
        // Two 2 s tones and two 3 s silences, each silence down to about 0.2 s.
        #expect(atTen > 4 && atTen < 5, "10 s of episode in \(atTen) s")
        let saved = rig.engine.heardStatus().timeSaved
        #expect(saved > 5 && saved < 6, "saved \(saved)")
        rig.run(1)
        #expect(rig.engine.listening.store.timeSavedTotal >= saved)
        let view = WireView(engine: rig.engine).listeningState(rig.engine.heardStatus())
        #expect(view.silence == .strong && view.timeSaved >= saved)
    }
}
