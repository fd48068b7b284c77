import WDFCore

/// The object the bus sees at `/org/mpris/MediaPlayer2`: its methods and (in `+Properties`) its
/// properties, answered from the player. `MPRISService` owns it and the connection it is added to.
///
/// The methods, with the rules of the MPRIS specification applied before the player sees them:
/// what the player cannot do now (`CanPlay` false …) has no effect; `Seek` is clamped to the
/// track; `SetPosition` for another track or outside it is ignored; `OpenUri` takes `file://` only.
final class MPRISObject: BusObjectHandler {
    let player: any MPRISPlayer
    let options: MPRISService.Options
    let log: MPRISService.LogSink

    init(player: any MPRISPlayer, options: MPRISService.Options, log: @escaping MPRISService.LogSink) {
        self.player = player
        self.options = options
        self.log = log
    }

    /// The longest track id taken from a caller (ours are 36 bytes).
    static let maximumTrackIDBytes = 256

    func call(interface: String, member: String, message: BusMessage) throws(MPRISError) {
        if interface == MPRISService.rootInterface {
            switch member {
            case "Raise": return  // CanRaise is false: no effect.
            case "Quit": try player.perform(.quit)
            default: throw .notSupported("There is no method \(MPRISText.bounded(member, limit: 100)).")
            }
            return
        }
        let state = player.mprisState
        switch member {
        case "Play": if state.canPlay { try player.perform(.play) }
        case "Pause": if state.canPause { try player.perform(.pause) }
        case "PlayPause":
            guard state.canPause else { throw .notSupported("Nothing can be paused or played now.") }
            try player.perform(.playPause)
        case "Stop": try player.perform(.stop)
        case "Next": if state.canGoNext { try player.perform(.next) }
        case "Previous": if state.canGoPrevious { try player.perform(.previous) }
        case "Seek":
            let offset = try message.readInt64()
            guard state.canSeek else { return }
            let target = MPRISObject.seekTarget(position: player.mprisPosition, offset: offset,
                                                 duration: state.track?.duration)
            try player.perform(.seek(to: target))
        case "SetPosition":
            let trackID = try message.readText("o", limit: MPRISObject.maximumTrackIDBytes, what: "track id")
            let position = try message.readInt64()
            guard state.canSeek, let seconds = MPRISObject.position(position, trackID: trackID, in: state.track) else {
                log(.debug, "SetPosition to \(position) µs in \(MPRISText.bounded(trackID, limit: 100)) ignored: not in the track in play.")
                return
            }
            try player.perform(.seek(to: seconds))
        case "OpenUri":
            let uri = try message.readText("s", limit: FileURI.maximumBytes, what: "URI")
            try player.perform(.open(path: try FileURI.decode(uri)))
        default:
            throw .notSupported("There is no method \(MPRISText.bounded(member, limit: 100)).")
        }
    }

    /// Where `Seek` by `offset` µs lands: before the start is the start, past the end the end
    /// (the player ends the episode there, as the spec's "acts like Next" means for an episode).
    /// Any `Int64` is taken: the arithmetic is in `Double`, which cannot trap.
    static func seekTarget(position: Double, offset: Int64, duration: Double?) -> Double {
        var target = MediaTime.clamped(position) + Double(offset) / 1_000_000
        if !(target >= 0) { target = 0 }
        if let duration = MediaTime.valid(duration) { target = min(target, duration) }
        return min(target, MediaTime.maximum)
    }

    /// The seconds `SetPosition` asks for, or nil when the spec says to ignore it: a track id
    /// other than the track's, a negative position, or one past the track's length.
    static func position(_ microseconds: Int64, trackID: String, in track: MPRISTrack?) -> Double? {
        guard let track, trackID == MPRISMetadata.trackID(track), microseconds >= 0 else { return nil }
        let seconds = Double(microseconds) / 1_000_000
        let end = MediaTime.valid(track.duration) ?? MediaTime.maximum
        return seconds <= end ? seconds : nil
    }
}
