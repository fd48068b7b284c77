import Glibc
import Testing
import WDFAudio
import WDFCore
@testable import WDFDaemon
import WDFStore

/// Levelling, volume and the growing rewind in the engine, on the null sink and simulated clock.
/// The loudness pass runs on its own (real) thread: the tests wait for it in real time while the
/// simulated clock stands still (so the episode stays playing).
@Suite("Engine levels", .serialized)
struct EngineLevelsTests {
    static let quiet = EngineRig.fixtures + "/dsp/level-quiet.mp3"
    static let loud = EngineRig.fixtures + "/dsp/level-loud.mp3"

    /// Pumps the engine (no simulated time passes) until `condition`, for at most 60 s of real time.
    func wait(_ rig: EngineRig, _ condition: () -> Bool) -> Bool {
        for _ in 0..<6000 {
            rig.pump()
            if condition() { return true }
            usleep(10_000)
        }
        return false
    }

    @Test func anEpisodeIsMeasuredOnceAndLevelledFromItsFirstFrameNextTime() throws {
        let rig = EngineRig()
        _ = try rig.engine.play(try rig.episode(Self.quiet), fromDemo: false, from: 0, restart: false)
        // Not measured yet: it starts without a gain.
        #expect(rig.engine.status.processing.levellingGainDB == nil)
        #expect(wait(rig) { rig.engine.levels.measurement(of: Self.quiet) != nil })
        let measured = try #require(rig.engine.levels.measurement(of: Self.quiet))
        let lufs = try #require(measured.loudness)
        #expect(abs(lufs - -26.7) < 1, "\(lufs) LUFS")
        // The episode in play takes its gain at once: -16 LUFS minus what it measured.
        let gain = try #require(rig.engine.status.processing.levellingGainDB)
        #expect(abs(lufs + gain - -16) < 0.01)
        // Kept on disk: a new engine (a restart) has it before playing.
        var store = LevelStore(directory: rig.directory)
        #expect(store.load() == nil)
        let kept = try #require(store.measurements[Self.quiet])
        #expect(abs((kept.loudness ?? 0) - lufs) < 0.001 && kept.size == measured.size && kept.mtime == measured.mtime)

        // The loud one measured too; the quiet one again: its gain is given at load, no new pass.
        _ = try rig.engine.play(try rig.episode(Self.loud), fromDemo: false, from: 0, restart: false)
        #expect(wait(rig) { rig.engine.levels.measurement(of: Self.loud) != nil })
        let loudGain = try #require(rig.engine.status.processing.levellingGainDB)
        #expect(abs(loudGain - gain + 20) < 0.5, "loud \(loudGain) dB, quiet \(gain) dB")
        _ = try rig.engine.play(try rig.episode(Self.quiet), fromDemo: false, from: 0, restart: false)
        #expect(rig.engine.status.processing.levellingGainDB == gain)
        #expect(rig.engine.levels.scanner.measuring == nil)
    }

    @Test func withNormalizeOffNothingIsMeasuredOrLevelled() throws {
        let rig = EngineRig(config: EngineRig.config { $0.normalize = false })
        _ = try rig.engine.play(try rig.episode(Self.quiet), fromDemo: false, from: 0, restart: false)
        rig.pump()
        #expect(rig.engine.levels.scanner.measuring == nil)
        #expect(rig.engine.status.processing.levellingGainDB == nil)
    }

    /// Paused, the pass waits: nothing is measured until playback goes on.
    @Test func thePassWaitsWhilePaused() throws {
        let rig = EngineRig()
        _ = try rig.engine.play(try rig.episode(Self.loud), fromDemo: false, from: 0, restart: false)
        _ = try rig.engine.setPaused(true)
        rig.pump()
        usleep(500_000)
        rig.pump()
        #expect(rig.engine.levels.measurement(of: Self.loud) == nil)
        _ = try rig.engine.setPaused(false)
        #expect(wait(rig) { rig.engine.levels.measurement(of: Self.loud) != nil })
    }

    /// AntennaPod's rewind after a long pause: none under an hour (as before), 10 s after two
    /// hours, 20 s after two days (resume_rewind 3 s); off with resume_rewind_grows = false.
    @Test func theRewindGrowsWithThePause() throws {
        for (away, grows, expected) in [(1800.0, true, 0.0), (7200, true, 10), (2 * 86_400, true, 20), (7200, false, 0)] {
            let rig = EngineRig(config: EngineRig.config { $0.resumeRewindGrows = grows })
            _ = try rig.engine.play(try rig.episode(EngineRig.tones), fromDemo: false, from: 24, restart: false)
            rig.run(1)
            let paused = try rig.engine.setPaused(true).position
            rig.clock.advance(by: away)
            rig.pump()
            let resumed = try rig.engine.setPaused(false)
            #expect(abs(resumed.position - (paused - expected)) < 0.1,
                    "away \(away) s: paused at \(paused), resumed at \(resumed.position), expected \(expected) s back")
        }
    }

    /// `volume` on a sink without a volume of its own: kept for the next start.
    @Test func theVolumeIsKeptAcrossRestarts() throws {
        let rig = EngineRig()
        #expect(try rig.engine.levels.setVolume(60, config: rig.engine.config) == 60)
        #expect(rig.engine.levels.currentVolume(config: rig.engine.config) == 60)
        #expect(try rig.engine.levels.setVolume(400, config: rig.engine.config) == 150)
        var store = LevelStore(directory: rig.directory)
        _ = store.load()
        #expect(store.volume == 150)
        // A reload that changes the config's volume starts from it again.
        var fresh = rig.engine.config
        fresh.volume = 80
        _ = rig.engine.apply(fresh)
        #expect(rig.engine.levels.currentVolume(config: rig.engine.config) == 80)
    }
}
