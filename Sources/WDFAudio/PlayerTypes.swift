/// Where the player is, as the listener hears it.
public enum PlaybackState: String, Sendable, Codable {
    case playing, paused, stopped
}

/// A consistent picture of the player taken on the playback thread.
public struct PlayerStatus: Sendable, Equatable {
    public var state: PlaybackState
    /// The open file, nil when stopped.
    public var path: String?
    /// Seconds from the start of the audio, as heard (not as decoded).
    public var position: Double
    /// Length in seconds when known.
    public var duration: Double?
    /// Set while the output is unusable (e.g. the sound server went away).
    public var outputError: AudioError?
    /// Taken after every earlier status of the same player (0: not from a player): a status that
    /// arrives late (an event read after a command's answer) is told apart from a newer one.
    public var stamp: UInt64 = 0
    /// Episode seconds saved by shortening silences since the episode was loaded (as heard).
    public var timeSaved: Double = 0
    /// Speed, skip silence, levelling gain and volume in effect (`PlayerControl.apply`).
    public var processing = PlaybackProcessing()

    public init(state: PlaybackState, path: String?, position: Double, duration: Double?, outputError: AudioError?,
                stamp: UInt64 = 0, timeSaved: Double = 0, processing: PlaybackProcessing = PlaybackProcessing()) {
        self.state = state
        self.path = path
        self.position = position
        self.duration = duration
        self.outputError = outputError
        self.stamp = stamp
        self.timeSaved = timeSaved
        self.processing = processing
    }

    public static let stopped = PlayerStatus(state: .stopped, path: nil, position: 0, duration: nil, outputError: nil)
}

/// Pushed by the playback thread; the handler must return quickly and never block.
public enum PlayerEvent: Sendable, Equatable {
    /// Playing, paused or stopped (by command, end of file or output loss).
    case stateChanged(PlayerStatus)
    /// The heard position passed one of the watched boundaries (seconds).
    case crossed(boundary: Double, status: PlayerStatus)
    /// A seek landed (heard from now on).
    case seeked(PlayerStatus)
    /// Everything in the file has been heard.
    case ended(path: String, duration: Double)
    /// The file could not be played to its end (it was cut while playing): `status` is where it
    /// stopped being heard; the player stops next.
    case failed(AudioError, PlayerStatus)
    /// The queued file follows the one that ended, in the same stream (no gap); `status` is the
    /// new file's.
    case continued(PlayerStatus)
    /// The output failed; the player paused itself at the heard position. `wasPlaying` tells
    /// whether it was playing (and so should carry on once the output is back).
    case outputLost(AudioError, PlayerStatus, wasPlaying: Bool)
    /// A loudness measurement of `path` ended (`LoudnessScanner`, posted from its own thread):
    /// the measurement, nil for a pass abandoned, or why it failed.
    case measured(path: String, LoudnessScanner.Result)
}
