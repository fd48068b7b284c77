/// `PropertiesChanged` and `Seeked`: what the player's owner tells the service.
extension MPRISService {
    /// Announces what changed since the last call (`PropertiesChanged` with those properties
    /// only; nothing when nothing changed; never `Position`). Call it after every player event
    /// and command; `process()` calls it after the bus's own calls. When the bus was missing or
    /// went away, this is where it is tried again.
    public func stateChanged() {
        guard let connection else {
            reconnectIfDue()
            return
        }
        let state = player.mprisState
        let names = MPRISService.changes(from: announced, to: state)
        announced = state
        do throws(MPRISError) {
            try connection.emitPropertiesChanged(path: MPRISService.objectPath, interface: MPRISService.playerInterface,
                                                 names: names)
        } catch {
            lose(error)
        }
    }

    /// Emits `Seeked` with the position now. Call it after every discontinuity: a seek, a chapter
    /// jump, a skip rule, a resume with rewind, an episode starting at a saved position, a change
    /// of speed (clients estimate the position from the last `Seeked`).
    public func seeked() {
        guard let connection else {
            reconnectIfDue()
            return
        }
        let position = MPRISMetadata.microseconds(player.mprisPosition) ?? 0
        do throws(MPRISError) {
            try connection.emitSignal(path: MPRISService.objectPath, interface: MPRISService.playerInterface,
                                      member: "Seeked", position)
        } catch {
            lose(error)
        }
    }

    /// The announced properties that differ between `old` and `new` (all of them without `old`).
    static func changes(from old: MPRISState?, to new: MPRISState) -> [String] {
        var names: [String] = []
        func note(_ name: String, _ differs: (MPRISState) -> Bool) {
            if old.map(differs) ?? true { names.append(name) }
        }
        note("PlaybackStatus") { $0.playback != new.playback }
        note("Metadata") { $0.track != new.track }
        note("Rate") { $0.rate != new.rate }
        note("MinimumRate") { $0.minimumRate != new.minimumRate }
        note("MaximumRate") { $0.maximumRate != new.maximumRate }
        note("Volume") { $0.volume != new.volume }
        note("CanGoNext") { $0.canGoNext != new.canGoNext }
        note("CanGoPrevious") { $0.canGoPrevious != new.canGoPrevious }
        note("CanPlay") { $0.canPlay != new.canPlay }
        note("CanPause") { $0.canPause != new.canPause }
        note("CanSeek") { $0.canSeek != new.canSeek }
        return names
    }
}
