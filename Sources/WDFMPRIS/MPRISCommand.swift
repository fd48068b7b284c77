/// What a desktop asks of the player, already checked against the MPRIS rules by the service:
/// the player only does it (or refuses with a sentence, `MPRISError.refused`).
public enum MPRISCommand: Equatable, Sendable {
    case play
    case pause
    /// Pause if playing, else play (after a stop or the end: the last episode again).
    case playPause
    /// Stop; `play` afterwards starts the track again from the start.
    case stop
    /// By chapter, or by episode in an episode without chapters.
    case next
    case previous
    /// To this position (seconds, 0 ≤ it ≤ the track's length when known), from `Seek` (relative,
    /// already added to the position and clamped: before the start is the start, past the end is
    /// the end) or `SetPosition` (already checked against the track id and the length).
    case seek(to: Double)
    /// Open and play this file (from `OpenUri`, a `file://` URI decoded to an absolute path).
    case open(path: String)
    /// To this volume, within 0…`MPRISState.maximumVolume`.
    case setVolume(Double)
    /// To this speed, within `MPRISState.minimumRate`…`maximumRate` (never 0: that is `pause`).
    case setRate(Double)
    /// `Quit` on the root interface: save and exit. It arrives inside `MPRISService.process()`:
    /// end the loop after it returns (the reply is sent first), do not tear the service down here.
    case quit
}
