/// What the bus shows of the player at one moment: the values of the MPRIS properties except
/// `Position` (which the player reports on request, see `MPRISPlayer.mprisPosition`).
///
/// The player hands a fresh one whenever asked; `MPRISService.stateChanged()` compares it with the
/// last one announced and emits `PropertiesChanged` for what differs. Times are episode seconds;
/// the service checks them before they become microseconds.
public struct MPRISState: Equatable, Sendable {
    /// MPRIS `PlaybackStatus`.
    public enum Playback: String, Equatable, Sendable {
        case playing = "Playing"
        case paused = "Paused"
        case stopped = "Stopped"
    }

    public var playback: Playback
    /// The episode in play (or paused, or stopped with a position kept); nil: no track.
    public var track: MPRISTrack?
    /// The playback speed (MPRIS `Rate`), 1 until the player has speeds.
    public var rate: Double
    public var minimumRate: Double
    public var maximumRate: Double
    /// The player's volume, 1 being the file's own level.
    public var volume: Double
    /// The loudest volume the player takes (`Volume` set above it is lowered to it). Not a bus property.
    public var maximumVolume: Double
    public var canGoNext: Bool
    public var canGoPrevious: Bool
    public var canPlay: Bool
    public var canPause: Bool
    public var canSeek: Bool

    public init(playback: Playback = .stopped, track: MPRISTrack? = nil, rate: Double = 1, minimumRate: Double = 1,
                maximumRate: Double = 1, volume: Double = 1, maximumVolume: Double = 1, canGoNext: Bool = false,
                canGoPrevious: Bool = false, canPlay: Bool = false, canPause: Bool = false, canSeek: Bool = false) {
        self.playback = playback
        self.track = track
        self.rate = rate
        self.minimumRate = minimumRate
        self.maximumRate = maximumRate
        self.volume = volume
        self.maximumVolume = maximumVolume
        self.canGoNext = canGoNext
        self.canGoPrevious = canGoPrevious
        self.canPlay = canPlay
        self.canPause = canPause
        self.canSeek = canSeek
    }
}
