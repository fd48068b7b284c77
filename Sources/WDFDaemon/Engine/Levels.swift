import WDFAudio
import WDFCore
import WDFDSP
import WDFPlatform
import WDFStore

/// How loud the engine plays: each episode's loudness measurement and levelling gain
/// (`normalize`), the listener's volume, and the rewind that grows with a long pause.
///
/// - Loudness: an episode measured before (`levels.json`, same size and modification time)
///   plays with its gain from its first frame; one never measured starts at 0 dB while
///   `LoudnessScanner` measures it on an idle-priority thread (held while the player is not
///   playing), and the gain is reached over a second when the measurement comes in
///   (`GainStage`'s ramp). The result comes back to the engine's thread as a `.measured` event.
/// - Volume: the stream's volume on the sound server (`PulseSink`), not a gain of our own, so
///   that a mixer (pavucontrol) shows the same number and a volume set there is the listener's:
///   the sink adopts it and the engine keeps it here (with `wdfctl volume`'s) across episodes
///   and restarts. It also keeps the DSP stage bypassed at 1× with nothing else on.
final class Levels {
    let log = Log("wdf.daemon")
    private(set) var store: LevelStore
    let scanner: LoudnessScanner
    /// When the player was last paused (engine clock), for the rewind after a long pause.
    var pausedSince: Double?
    private var saveProblem: String?

    init(stateDirectory: String, decoderFactory: @escaping PlayerControl.DecoderFactory,
         playerEvents: @escaping @Sendable (PlayerEvent) -> Void) {
        store = LevelStore(directory: stateDirectory)
        scanner = LoudnessScanner(decoderFactory: decoderFactory) { path, result in
            playerEvents(.measured(path: path, result))
        }
        scanner.hold(true)
        if let problem = store.load() { log.warning(problem) }
    }

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

    /// An episode is in the player: measure it unless it is (or levelling is off).
    func began(_ path: String, config: Config) {
        guard config.normalize, measurement(of: path) == nil else {
            scanner.cancel()
            return
        }
        scanner.measure(path: path)
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

    /// A measurement came in: kept (and saved) when it is one; true when it is new.
    func measured(path: String, _ result: LoudnessScanner.Result) -> Bool {
        switch result {
        case let .success(measurement?):
            store.record(measurement, for: path)
            save()
            let level = measurement.loudness.map { "\(($0 * 10).rounded() / 10) LUFS" } ?? "silent"
            log.info("measured \(path): \(level)")
            return true
        case .success(nil):
            return false
        case let .failure(error):
            log.warning("\(error.message) It plays without levelling.")
            return false
        }
    }

    // MARK: volume

    /// The listener's volume: kept from `wdfctl volume` or a mixer, else the config's.
    func volume(config: Config) -> Int { store.volume ?? config.volume }

    /// Keeps `percent` (a command, a mixer, a changed config key) for the next episodes and starts.
    func keepVolume(_ percent: Int) {
        guard percent != store.volume else { return }
        store.setVolume(percent)
        save()
    }

    func save() {
        do {
            try store.save(durable: false)
            saveProblem = nil
        } catch {
            if saveProblem == nil { log.error("Cannot save the volume and loudness: \(error).") }
            saveProblem = "\(error)"
        }
    }
}
