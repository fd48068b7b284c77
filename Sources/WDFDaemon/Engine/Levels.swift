import Glibc
import WDFAudio
import WDFCore
import WDFDSP
import WDFLibrary
import WDFPlatform
import WDFStore

/// How loud the engine plays: each episode's loudness measurement and levelling gain
/// (`normalize`), the listener's volume, and the rewind that grows with a long pause. Part of
/// the engine, on its thread; a call that changes the player returns its answer for the engine
/// to note (`Engine.note`).
///
/// - Loudness: an episode measured before (`levels.json`, same size and modification time)
///   plays with its gain from its first frame; one never measured starts at 0 dB while
///   `LoudnessScanner` measures it on an idle-priority thread (held while the player is not
///   playing), and the gain is reached over a second when the measurement comes in
///   (`GainStage`'s ramp). The result comes back to the engine's thread as a `.measured` event.
/// - Volume: the stream's volume on the sound server (`PulseSink`), not a gain of our own, so
///   that a mixer (pavucontrol) shows the same number and a volume set there is the listener's:
///   the sink adopts it and it is kept here (with `wdfctl volume`'s) across episodes and
///   restarts. It also keeps the DSP stage bypassed at 1× with nothing else on.
final class Levels {
    let log = Log("wdf.daemon")
    private let player: PlayerControl
    private(set) var store: LevelStore
    let scanner: LoudnessScanner
    /// When the player was last paused (engine clock), for the rewind after a long pause.
    var pausedSince: Double?
    private var saveProblem: String?

    /// The volume kept from last time goes to the sink before anything plays.
    init(stateDirectory: String, config: Config, player: PlayerControl, decoderFactory: @escaping PlayerControl.DecoderFactory,
         playerEvents: @escaping @Sendable (PlayerEvent) -> Void) {
        self.player = player
        store = LevelStore(directory: stateDirectory)
        scanner = LoudnessScanner(decoderFactory: decoderFactory) { path, result in
            playerEvents(.measured(path: path, result))
        }
        scanner.hold(true)
        if let problem = store.load() { log.warning(problem) }
        startVolume(config: config)
    }

    /// The daemon stops: no more measuring; a volume set in a mixer is kept for next time.
    func shutdown(config: Config) {
        scanner.cancel()
        adoptListenerVolume(config: config)
    }

    // MARK: loudness

    /// The measurement of `path` as the file is now, if there is one.
    func measurement(of path: String) -> EpisodeLoudness? {
        store.loudness(of: path, identity: EpisodeLoudness.identity(of: path))
    }

    /// The levelling gain (dB) for `path` with `config`: nil when levelling is off or the episode
    /// has not been measured yet; 0 for silence.
    func gain(for path: String, config: Config) -> Double? {
        guard config.normalize, let measured = measurement(of: path) else { return nil }
        guard let loudness = measured.loudness else { return 0 }
        return GainStage.levellingGain(loudness: loudness, truePeak: measured.truePeak, target: config.normalizeTarget)
    }

    /// The processing an episode starts with: `listening`'s with `path`'s levelling gain.
    func processing(startingWith path: String, _ listening: PlaybackProcessing, config: Config) -> PlaybackProcessing {
        var processing = listening
        processing.levellingGainDB = gain(for: path, config: config)
        return processing
    }

    /// The episode at `path` is heard now: its gain if it was not given at load (it followed in
    /// the same stream), and a measurement if it has none (or levelling is off: none).
    func began(_ path: String, config: Config, current: PlaybackProcessing) -> PlayerStatus? {
        let changed = applyLevelling(gain(for: path, config: config), current: current)
        if config.normalize, measurement(of: path) == nil {
            scanner.measure(path: path)
        } else {
            scanner.cancel()
        }
        return changed
    }

    /// The player's state: the measurement runs only while playing (a paused daemon stays asleep).
    func stateChanged(_ state: PlaybackState, now: Double) {
        scanner.hold(state != .playing)
        if state == .paused {
            if pausedSince == nil { pausedSince = now }
        } else {
            pausedSince = nil
        }
    }

    /// A measurement came in: kept (and saved); the episode in play (`playing`) takes its gain
    /// at once (ramped, no jump).
    func measured(path: String, _ result: LoudnessScanner.Result, playing: String?, config: Config,
                  current: PlaybackProcessing) -> PlayerStatus? {
        switch result {
        case let .success(measurement?):
            store.record(measurement, for: path)
            save()
            let level = measurement.loudness.map { "\(($0 * 10).rounded() / 10) LUFS" } ?? "silent"
            log.info("measured \(path): \(level)")
            return path == playing ? applyLevelling(gain(for: path, config: config), current: current) : nil
        case .success(nil):
            return nil
        case let .failure(error):
            log.warning("\(error.message) It plays without levelling.")
            return nil
        }
    }

    /// Sets the levelling gain and nothing else of the processing (a gain-only change: nothing
    /// is asked of the sound server, the ramp starts with the audio written next).
    func applyLevelling(_ gain: Double?, current: PlaybackProcessing) -> PlayerStatus? {
        guard gain != current.levellingGainDB else { return nil }
        switch player.update({ $0.levellingGainDB = gain }) {
        case let .success(changed): return changed
        case let .failure(error):
            log.warning("Cannot apply the levelling gain: \(error.message)")
            return nil
        }
    }

    // MARK: volume

    /// The listener's volume: kept from `wdfctl volume` or a mixer, else the config's.
    func volume(config: Config) -> Int { store.volume ?? config.volume }

    /// At start: the volume kept from last time goes to the sink before anything plays.
    private func startVolume(config: Config) {
        guard let kept = store.volume, kept != config.volume else { return }
        if case let .failure(error) = player.configureOutput(device: config.audioDevice, volumePercent: kept) {
            log.warning("Cannot set the volume to \(kept) %: \(error.message)")
        }
    }

    /// The volume as it is heard: the stream's (a mixer's change adopted), else the one kept.
    func currentVolume(config: Config) -> Int {
        adoptListenerVolume(config: config) ?? volume(config: config)
    }

    /// `volume N` / `volume ±N`: set on the stream at once and kept (clamped to 0…150).
    func setVolume(_ percent: Int, config: Config) throws(WireError) -> Int {
        let wanted = min(max(percent, LevelStore.volumeRange.lowerBound), LevelStore.volumeRange.upperBound)
        if case let .failure(error) = player.configureOutput(device: config.audioDevice, volumePercent: wanted) {
            throw WireError(error.code.rawValue, error.message)
        }
        keepVolume(wanted)
        return wanted
    }

    /// Asks the sink for the stream's volume and keeps one the listener set in a mixer.
    @discardableResult
    func adoptListenerVolume(config: Config) -> Int? {
        guard let percent = player.streamVolumePercent() else { return nil }
        if percent != volume(config: config) {
            log.info("the volume was set to \(percent) % in a mixer; it is kept")
            keepVolume(percent)
        }
        return percent
    }

    /// A reload: the output device and volume on the stream in play, and the levelling of the
    /// episode in play. A changed `volume` key is the listener's new volume (the file was edited
    /// on purpose); otherwise the volume they set stays. Returns why the output could not move.
    func configChanged(from previous: Config, to config: Config, playing: String?,
                       current: PlaybackProcessing) -> (problem: AudioError?, changed: PlayerStatus?) {
        if previous.volume != config.volume { keepVolume(config.volume) }
        var problem: AudioError?
        if previous.volume != config.volume || previous.audioDevice != config.audioDevice,
           case let .failure(error) = player.configureOutput(device: config.audioDevice, volumePercent: volume(config: config)) {
            problem = error
        }
        guard let playing, previous.normalize != config.normalize || previous.normalizeTarget != config.normalizeTarget else {
            return (problem, nil)
        }
        return (problem, began(playing, config: config, current: current))
    }

    // MARK: rewind

    /// Where to start `path` when resuming it: the saved place minus `resume_rewind`, more after
    /// a long time away (`resume_rewind_grows`: the time since the position was last saved).
    func resumePosition(for path: String, in positions: ResumeStore, config: Config) -> Double {
        guard config.resumeRewindGrows else { return positions.startPosition(for: path, rewind: config.resumeRewind) }
        return positions.startPosition(for: path, base: config.resumeRewind, now: Int(time(nil)))
    }

    /// How far back an unpause goes: nothing after a pause under an hour (as always), the grown
    /// rewind (`ResumeRewind`) after a longer one.
    func rewindAfterPause(now: Double, config: Config) -> Double {
        guard config.resumeRewindGrows, let since = pausedSince else { return 0 }
        let away = now - since
        guard away >= ResumeRewind.hour else { return 0 }
        return ResumeRewind.seconds(away: away, base: config.resumeRewind)
    }

    // MARK: the file

    private func keepVolume(_ percent: Int) {
        guard percent != store.volume else { return }
        store.setVolume(percent)
        save()
    }

    private func save() {
        do {
            try store.save(durable: false)
            saveProblem = nil
        } catch {
            if saveProblem == nil { log.error("Cannot save the volume and loudness: \(error).") }
            saveProblem = "\(error)"
        }
    }
}
