import Glibc
import WDFAudio
import WDFCore
import WDFDSP
import WDFStore

/// Loudness levelling, the listener's volume and the growing rewind, on the engine's thread.
extension Engine {
    /// At start: the volume kept from last time goes to the sink before anything plays.
    func startLevels() {
        guard let kept = levels.store.volume, kept != config.volume else { return }
        if case let .failure(error) = player.configureOutput(device: config.audioDevice, volumePercent: kept) {
            log.warning("Cannot set the volume to \(kept) %: \(error.message)")
        }
    }

    /// Where to start `path` when resuming it: the saved place minus `resume_rewind`, more after
    /// a long time away (`resume_rewind_grows`: the time since the position was last saved).
    func resumePosition(for path: String) -> Double {
        guard config.resumeRewindGrows else { return store.startPosition(for: path, rewind: config.resumeRewind) }
        return store.startPosition(for: path, base: config.resumeRewind, now: Int(time(nil)))
    }

    /// How far back an unpause goes: nothing after a pause under an hour (as always), the grown
    /// rewind (`ResumeRewind`) after a longer one.
    func rewindAfterPause() -> Double {
        guard config.resumeRewindGrows, let since = levels.pausedSince else { return 0 }
        let away = clock.now() - since
        guard away >= ResumeRewind.hour else { return 0 }
        return ResumeRewind.seconds(away: away, base: config.resumeRewind)
    }

    /// The processing an episode starts with: `listening`'s with `path`'s levelling gain (nil
    /// until it is measured, or with `normalize` off).
    func processing(startingWith path: String, _ listening: PlaybackProcessing) -> PlaybackProcessing {
        var processing = listening
        processing.levellingGainDB = levels.gain(for: path, config: config)
        return processing
    }

    /// The episode at `path` is heard now: its gain if it was not given at load (it followed in
    /// the same stream), and its measurement if it has none.
    func levelsBegan(_ path: String) {
        applyLevelling(levels.gain(for: path, config: config))
        levels.began(path, config: config)
    }

    /// A reload: the output device and volume on the stream in play, the levelling. A changed
    /// `volume` key is the listener's new volume (the file was edited on purpose); otherwise the
    /// volume they set stays. Returns why the output could not move, if it could not.
    func levelsConfigChanged(from previous: Config) -> AudioError? {
        if previous.volume != config.volume { levels.keepVolume(config.volume) }
        var problem: AudioError?
        if previous.volume != config.volume || previous.audioDevice != config.audioDevice,
           case let .failure(error) = player.configureOutput(device: config.audioDevice, volumePercent: levels.volume(config: config)) {
            problem = error
        }
        if previous.normalize != config.normalize || previous.normalizeTarget != config.normalizeTarget { levellingChanged() }
        return problem
    }

    /// `normalize` or its target changed (a reload): the gain of the episode in play follows.
    func levellingChanged() {
        guard let path = nowPlaying?.episode.path else { return }
        applyLevelling(levels.gain(for: path, config: config))
        levels.began(path, config: config)
    }

    /// A measurement came in; the episode in play takes its gain at once (ramped, no jump).
    func measured(path: String, _ result: LoudnessScanner.Result) {
        guard levels.measured(path: path, result), path == nowPlaying?.episode.path else { return }
        applyLevelling(levels.gain(for: path, config: config))
    }

    /// Sets the levelling gain and nothing else of the processing (a gain-only change: nothing
    /// is asked of the sound server, the ramp starts with the audio written next).
    func applyLevelling(_ gain: Double?) {
        guard gain != status.processing.levellingGainDB else { return }
        switch player.update({ $0.levellingGainDB = gain }) {
        case let .success(changed): note(changed)
        case let .failure(error): log.warning("Cannot apply the levelling gain: \(error.message)")
        }
    }

    // MARK: volume

    /// The volume as it is heard: the stream's (a mixer's change adopted), else the one kept.
    func currentVolume() -> Int {
        adoptListenerVolume() ?? levels.volume(config: config)
    }

    /// `volume N` / `volume ±N`: set on the stream at once and kept.
    func setVolume(_ percent: Int) throws(WireError) -> Int {
        let wanted = min(max(percent, LevelStore.volumeRange.lowerBound), LevelStore.volumeRange.upperBound)
        if case let .failure(error) = player.configureOutput(device: config.audioDevice, volumePercent: wanted) {
            throw WireError(error.code.rawValue, error.message)
        }
        levels.keepVolume(wanted)
        return wanted
    }

    /// Asks the sink for the stream's volume and keeps one the listener set in a mixer.
    @discardableResult
    func adoptListenerVolume() -> Int? {
        guard let percent = player.streamVolumePercent() else { return nil }
        if percent != levels.volume(config: config) {
            log.info("the volume was set to \(percent) % in a mixer; it is kept")
            levels.keepVolume(percent)
        }
        return percent
    }
}
