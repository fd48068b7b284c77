import WDFAudio
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFStore

/// Speed and skip silence for the engine: what each episode plays with (the listener's choice,
/// kept in `ListeningStore`, else the config's), the changes the listener asks for, and the time
/// skip silence saved in all (from the player's `timeSaved`, noted at checkpoints and state
/// changes). Only speed and silence are touched here: levelling gain and volume in the player's
/// `PlaybackProcessing` stay as they are (`PlayerControl.update`).
final class Listening {
    private let log = Log("wdf.daemon")
    private let player: PlayerControl
    private(set) var store: ListeningStore
    /// The speed and the skip silence mode the player has.
    private(set) var speed = 1.0
    private(set) var silence = SilenceMode.off
    /// The series of the episode in play (for per-series speeds).
    private var series: String?
    /// The player's `timeSaved` last added to the total, for the file `savedPath`.
    private var savedNoted = 0.0
    private var savedPath: String?

    init(stateDirectory: String, player: PlayerControl) {
        self.player = player
        store = ListeningStore(directory: stateDirectory)
        if let problem = store.load() { log.warning(problem) }
    }

    /// `current` with the speed and skip silence `episode` plays with under `config` (for
    /// `PlayerControl.load(processing:)`); remembered as what the player has.
    func processing(for episode: Episode, config: Config, current: PlaybackProcessing) -> PlaybackProcessing {
        series = episode.series
        speed = store.speed(forSeries: episode.series, config: config)
        silence = store.silence(config: config)
        var wanted = current
        wanted.speed = speed
        wanted.silence = silence
        return wanted
    }

    /// `speed`: the speed set, or changed by `step` (kept within 0.5…3.0), heard at once, kept.
    func setSpeed(_ wanted: Double?, by step: Double?, config: Config) throws(WireError) {
        let current = speed
        let range = PlaybackProcessing.speedRange
        let new = min(max(((wanted ?? current + (step ?? 0)) * 20).rounded() / 20, range.lowerBound), range.upperBound)
        try apply(speed: new, silence: silence)
        store.setSpeed(new, series: series, config: config)
        save(durable: true)
        if new != current { log.info("speed \(current) → \(new)") }
    }

    /// `silence MODE`: heard at once, kept.
    func setSilence(_ mode: SilenceMode) throws(WireError) {
        let current = silence
        try apply(speed: speed, silence: mode)
        store.setSilence(mode)
        save(durable: true)
        if mode != current { log.info("skip silence \(current.rawValue) → \(mode.rawValue)") }
    }

    /// A reload: the new defaults apply at once where the listener has set nothing.
    func configChanged(_ config: Config) {
        let newSpeed = store.speed(forSeries: series, config: config)
        let newSilence = store.silence(config: config)
        guard newSpeed != speed || newSilence != silence else { return }
        do throws(WireError) {
            try apply(speed: newSpeed, silence: newSilence)
        } catch {
            log.warning("The new speed or skip silence could not be applied: \(error.message)")
        }
    }

    private func apply(speed newSpeed: Double, silence newSilence: SilenceMode) throws(WireError) {
        let result = player.update { processing in
            processing.speed = newSpeed
            processing.silence = newSilence
        }
        if case let .failure(error) = result { throw WireError(error.code.rawValue, error.message) }
        speed = newSpeed
        silence = newSilence
    }

    /// Follows the engine: an episode that followed in the stream gets its own speed; the time
    /// saved is added to the total at checkpoints and state changes.
    func observe(_ event: EngineEvent, config: Config) {
        switch event {
        case let .episodeStarted(episode, status):
            noteSaved(status)
            let wanted = processing(for: episode, config: config, current: status.processing)
            if wanted.speed != status.processing.speed || wanted.silence != status.processing.silence {
                do throws(WireError) {
                    try apply(speed: wanted.speed, silence: wanted.silence)
                } catch {
                    log.warning(error.message)
                }
            }
        case let .checkpoint(status):
            noteSaved(status)
            save(durable: false)
        case let .stateChanged(status), let .seeked(status):
            noteSaved(status)
            if status.state != .playing { save(durable: true) }
        default:
            break
        }
    }

    /// Adds what the player saved since the last note (of the same file) to the total.
    private func noteSaved(_ status: PlayerStatus) {
        guard let path = status.path, status.state != .stopped else { return }
        if path != savedPath {
            savedPath = path
            savedNoted = 0
        }
        if status.timeSaved > savedNoted {
            store.addSaved(status.timeSaved - savedNoted)
            savedNoted = status.timeSaved
        }
        // A seek back below it starts a new count (the player's own restarts with the chain's).
        if status.timeSaved < savedNoted { savedNoted = status.timeSaved }
    }

    func save(durable: Bool) {
        do {
            try store.save(durable: durable)
        } catch {
            log.error("Cannot save the speed and skip silence settings: \(error).")
        }
    }
}
