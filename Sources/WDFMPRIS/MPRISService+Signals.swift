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

/// Desktop notifications (org.freedesktop.Notifications) over the service's own connection:
/// each replaces the one before, so that a chapter change does not pile up another.
extension MPRISService {
    static let notificationsName = "org.freedesktop.Notifications"
    static let notificationsPath = "/org/freedesktop/Notifications"
    /// The longest summary and body sent (servers cut them further).
    static let maximumSummaryBytes = 256
    static let maximumBodyBytes = 512

    /// Shows `summary` (plain text) and `body` (escaped: servers may read it as markup). Nothing
    /// without a bus; a missing notification server is a line in the debug log.
    public func notify(summary: String, body: String) {
        guard let connection else {
            reconnectIfDue()
            return
        }
        let arguments: [BusValue] = [
            .string(options.identity), .uint32(lastNotification), .string("audio-x-generic"),
            .string(MPRISText.bounded(summary, limit: MPRISService.maximumSummaryBytes)),
            .string(MPRISService.markupEscaped(MPRISText.bounded(body, limit: MPRISService.maximumBodyBytes))),
            .strings([]), .dictionary([]), .int32(-1),
        ]
        do throws(MPRISError) {
            try connection.call(destination: MPRISService.notificationsName, path: MPRISService.notificationsPath,
                                interface: MPRISService.notificationsName, member: "Notify", arguments) { [weak self] answer in
                switch answer {
                case let .success(id): self?.lastNotification = id
                case let .failure(error): self?.log(.debug, "No desktop notification: \(error.description)")
                }
            }
        } catch {
            lose(error)
        }
    }

    /// `text` with `&`, `<` and `>` as entities (the body markup of the notification spec).
    static func markupEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
