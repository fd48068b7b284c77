import Testing
import WDFAudio
import WDFCore
@testable import WDFDaemon

/// The engine on a null sink and a simulated clock: the real playback thread and decoder, no
/// sound server, no waiting. `tones.mp3` is 6 chapters of 5 s ("Tone 400" … "Tone 1400").
@Suite("Engine", .serialized)
struct EngineTests {
    @Test func chapterBoundariesAreAnnouncedInOrder() throws {
        let rig = EngineRig()
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        #expect(rig.run(upTo: 20) { rig.engine.heardStatus().position >= 11 })
        let chapters = rig.statuses { if case let .chapterChanged(s) = $0 { s } else { nil } }
            .map { rig.engine.nowPlaying?.chapters.current(at: $0.position)?.number }
        #expect(chapters == [2, 3])
        #expect(rig.engine.lastChapterNumber == 3)
    }

    @Test func skipRulesLeaveAMatchingChapter() throws {
        let rig = EngineRig(config: EngineRig.config { $0.skipChapters = ["Tone 600"] })
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        #expect(rig.run(upTo: 20) { rig.engine.lastSkipped != nil })
        let skipped = rig.events.compactMap { if case let .skipped(span, to) = $0 { (span.number, to) } else { nil } }
        #expect(skipped.count == 1)
        #expect(skipped.first?.0 == 2 && skipped.first?.1 == 10)
        // Heard on from the chapter after: never the skipped one's 5 s.
        let heard = rig.engine.heardStatus().position
        #expect(heard >= 10 && heard < 10.2, "heard at \(heard)")
        rig.run(1)
        #expect(rig.engine.heardStatus().position > 10.9)
        #expect(rig.engine.lastSkipped == SkippedChapter(number: 2, title: "Tone 600", at: 5))
    }

    @Test func aChapterTheListenerChoseIsNotSkipped() throws {
        let rig = EngineRig(config: EngineRig.config { $0.skipChapters = ["Tone 600"] })
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        _ = try rig.engine.goToChapter(number: 2, title: nil)
        rig.run(2)
        #expect(rig.engine.lastSkipped == nil)
        #expect(abs(rig.engine.heardStatus().position - 7) < 0.2)
    }

    @Test func sleepTimerFadesThenPausesWhereTheFadeBegan() throws {
        let rig = EngineRig()
        let path = EngineRig.tones
        _ = try rig.engine.play(try rig.episode(path), fromDemo: false, from: 0, restart: false)
        rig.engine.setSleep(.listening(10))
        #expect(rig.run(upTo: 15) { rig.events.contains { if case .slept = $0 { true } else { false } } })
        let pausedAt = rig.events.compactMap { if case let .slept(at) = $0 { at } else { nil } }.first ?? -1
        // 10 s of listening: 7 s, then a 3 s fade; the pause goes back to where the fade began.
        #expect(abs(pausedAt - 7) < 0.2, "paused at \(pausedAt)")
        #expect(rig.engine.status.state == .paused)
        #expect(abs(rig.engine.heardStatus().position - pausedAt) < 0.001)
        #expect(abs((rig.engine.store.record(for: path)?.position ?? -1) - pausedAt) < 0.001)
        // The fade went down in steps to silence, and the volume is back for next time.
        let fading = rig.gains.filter { $0 > 0 && $0 < 1 }
        #expect(fading.count >= SleepTimer.fadeSteps - 2)
        #expect(zip(fading, fading.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(rig.gains.contains(0))
        #expect(rig.sink.gain == 1)
        #expect(rig.engine.sleepTimer == nil)
    }

    @Test func sleepAtChapterEndPausesBeforeTheNextChapter() throws {
        let rig = EngineRig()
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 5, restart: false)
        rig.engine.setSleep(.chapterEnd)
        #expect(rig.run(upTo: 10) { rig.engine.status.state == .paused })
        // Chapter 2 ends at 10 s: the fade begins 3.5 s before and the pause returns there.
        let position = rig.engine.heardStatus().position
        #expect(abs(position - 6.5) < 0.2, "paused at \(position)")
        #expect(rig.engine.nowPlaying?.chapters.current(at: position)?.number == 2)
    }

    @Test func sleepAtEpisodeEndPausesBeforeTheEnd() throws {
        let rig = EngineRig(config: EngineRig.config { $0.continuePlaying = true }, series: [EngineRig.tones, EngineRig.tonesAgain])
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 20, restart: false)
        rig.engine.setSleep(.episodeEnd)
        #expect(rig.run(upTo: 15) { rig.engine.status.state == .paused })
        let position = rig.engine.heardStatus().position
        #expect(abs(position - 26.5) < 0.2, "paused at \(position)")
        rig.run(2)
        #expect(!rig.events.contains { if case .episodeEnded = $0 { true } else { false } })
        #expect(rig.engine.status.path == EngineRig.tones)
        #expect(rig.engine.store.record(for: EngineRig.tones)?.finished != true)
    }

    @Test func theNextEpisodeFollowsWithoutAGap() throws {
        let rig = EngineRig(config: EngineRig.config { $0.continuePlaying = true }, series: [EngineRig.tones, EngineRig.tonesAgain])
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 27, restart: false)
        #expect(rig.engine.upNext?.path == EngineRig.tonesAgain)
        #expect(rig.run(upTo: 10) { rig.engine.nowPlaying?.episode.path == EngineRig.tonesAgain })
        // The first ended and was marked finished; the second is heard from its start, playing
        // all along (never stopped between them: the same stream).
        #expect(rig.engine.store.record(for: EngineRig.tones)?.finished == true)
        let states = rig.statuses { if case let .stateChanged(s) = $0 { s } else { nil } }
        #expect(!states.contains { $0.state == .stopped })
        #expect(states.last?.path == EngineRig.tonesAgain)
        let ended = rig.events.compactMap { if case let .episodeEnded(e, _) = $0 { e?.path } else { nil } }
        #expect(ended == [EngineRig.tones])
        let status = rig.engine.heardStatus()
        #expect(status.state == .playing && status.path == EngineRig.tonesAgain)
        #expect(status.position < 0.5, "the next one began at \(status.position)")
    }

    @Test func playResumesWhereTheListenerStoppedRewound() throws {
        let rig = EngineRig(config: EngineRig.config { $0.resumeRewind = 3 })
        let episode = try rig.episode(EngineRig.tones)
        let first = try rig.engine.play(episode, fromDemo: false, from: nil, restart: false)
        #expect(first.startedAt == 0 && !first.resumed)
        rig.run(12)
        let stopped = rig.engine.stop()
        #expect(stopped.state == .stopped)
        let kept = rig.engine.store.record(for: EngineRig.tones)?.position ?? -1
        #expect(abs(kept - 12) < 0.2, "kept \(kept)")
        let again = try rig.engine.play(episode, fromDemo: false, from: nil, restart: false)
        #expect(again.resumed)
        #expect(abs(again.startedAt - (kept - 3)) < 0.05, "started at \(again.startedAt)")
        let restarted = try rig.engine.play(episode, fromDemo: false, from: nil, restart: true)
        #expect(restarted.startedAt == 0 && !restarted.resumed)
    }

    @Test func playbackCarriesOnWhenTheSoundServerReturns() throws {
        let rig = EngineRig()
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        rig.run(3)
        rig.sink.loseServer()
        #expect(rig.run(upTo: 2) { rig.engine.status.outputError != nil })
        let lost = rig.statuses { if case let .outputLost(s) = $0 { s } else { nil } }
        #expect(lost.count == 1)
        let lostAt = lost.first?.position ?? -1
        #expect(abs(lostAt - 3) < 0.2, "lost at \(lostAt)")
        #expect(rig.engine.status.state == .paused)
        rig.run(5)  // retries fail while the server is away
        #expect(rig.engine.status.state == .paused)
        #expect(rig.engine.outputRecovery.nextAttempt != nil)
        rig.sink.restoreServer()
        #expect(rig.run(upTo: 3) { rig.engine.status.state == .playing })
        #expect(rig.engine.outputRecovery.nextAttempt == nil)
        let resumedAt = rig.engine.heardStatus().position
        #expect(abs(resumedAt - lostAt) < 0.3, "resumed at \(resumedAt), lost at \(lostAt)")
        rig.run(2)
        #expect(rig.engine.heardStatus().position > lostAt + 1.5)
    }

    @Test func theEndComesOnlyOnceEverythingWrittenWasHeard() throws {
        let rig = EngineRig()
        let started = rig.clock.now()
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 28, restart: false)
        // The last 2 s fit in the sink's buffer at once: the end waits for the drain.
        #expect(rig.run(upTo: 5) { rig.events.contains { if case .episodeEnded = $0 { true } else { false } } })
        let took = rig.clock.now() - started
        #expect(took >= 1.95 && took < 2.5, "ended after \(took) s")
        #expect(rig.engine.status.state == .stopped)
        #expect(rig.engine.store.record(for: EngineRig.tones)?.finished == true)
        #expect(rig.engine.nowPlaying == nil)
    }

    @Test func aPauseIsAnsweredFromTheKnownStateAndSaved() throws {
        let rig = EngineRig()
        _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 0, restart: false)
        rig.run(4)
        let before = rig.counted.roundTrips
        let paused = try rig.engine.setPaused(true)
        // Cork, and the position it stopped at: nothing else asks the sound server (the daemon
        // asked for the position first as well, and then for the status again after the event).
        #expect(rig.counted.roundTrips - before == 2)
        #expect(paused.state == .paused)
        #expect(abs(paused.position - 4) < 0.1)
        #expect(rig.engine.store.record(for: EngineRig.tones)?.position == paused.position)
        rig.run(3)
        #expect(rig.engine.heardStatus().position == paused.position)
        #expect(throws: WireError.self) { try EngineRig().engine.setPaused(true) }
    }
}
