import WDFCore

/// Property values, read from the player when a client asks; `Volume` and `Rate` can be set.
extension MPRISObject {
    func get(interface: String, property: String, reply: BusMessage) throws(MPRISError) {
        try reply.append(value(of: property, interface: interface))
    }

    func value(of property: String, interface: String) throws(MPRISError) -> BusValue {
        if interface == MPRISService.rootInterface {
            switch property {
            case "CanQuit": return .bool(true)
            case "CanRaise", "HasTrackList": return .bool(false)
            case "Identity": return .string(MPRISText.bounded(options.identity, limit: 200))
            case "DesktopEntry": return .string(MPRISText.bounded(options.desktopEntry ?? "", limit: 200))
            case "SupportedUriSchemes": return .strings(["file"])
            case "SupportedMimeTypes": return .strings(["audio/mpeg"])
            default: throw .notSupported("There is no property \(MPRISText.bounded(property, limit: 100)).")
            }
        }
        let state = player.mprisState
        switch property {
        case "PlaybackStatus": return .string(state.playback.rawValue)
        case "Rate": return .double(MPRISObject.finite(state.rate, else: 1))
        case "MinimumRate": return .double(MPRISObject.finite(state.minimumRate, else: 1))
        case "MaximumRate": return .double(MPRISObject.finite(state.maximumRate, else: 1))
        case "Metadata": return .dictionary(MPRISMetadata.entries(state.track))
        case "Volume": return .double(max(0, MPRISObject.finite(state.volume, else: 1)))
        case "Position": return .int64(MPRISMetadata.microseconds(player.mprisPosition) ?? 0)
        case "CanGoNext": return .bool(state.canGoNext)
        case "CanGoPrevious": return .bool(state.canGoPrevious)
        case "CanPlay": return .bool(state.canPlay)
        case "CanPause": return .bool(state.canPause)
        case "CanSeek": return .bool(state.canSeek)
        case "CanControl": return .bool(true)
        default: throw .notSupported("There is no property \(MPRISText.bounded(property, limit: 100)).")
        }
    }

    func set(interface: String, property: String, value: BusMessage) throws(MPRISError) {
        let number = try value.readDouble()
        let state = player.mprisState
        switch property {
        case "Volume": try player.perform(.setVolume(try MPRISObject.volume(number, maximum: state.maximumVolume)))
        case "Rate":
            guard let rate = try MPRISObject.rate(number, in: state) else {
                if state.canPause { try player.perform(.pause) }  // Rate 0: "act as though Pause was called"
                return
            }
            if rate != state.rate { try player.perform(.setRate(rate)) }
        default: throw .notSupported("The property \(MPRISText.bounded(property, limit: 100)) cannot be set.")
        }
    }

    /// A volume someone set: not a number is refused; below 0 is 0 (the spec), above the
    /// player's maximum is its maximum.
    static func volume(_ value: Double, maximum: Double) throws(MPRISError) -> Double {
        guard value.isFinite else { throw .badArgument("The volume must be a number, not \(value).") }
        return min(max(0, value), max(0, finite(maximum, else: 1)))
    }

    /// A rate someone set, or nil for 0 (which means pause). Not a number, or outside
    /// `MinimumRate`…`MaximumRate`, is refused.
    static func rate(_ value: Double, in state: MPRISState) throws(MPRISError) -> Double? {
        guard value.isFinite else { throw .badArgument("The rate must be a number, not \(value).") }
        if value == 0 { return nil }
        let low = finite(state.minimumRate, else: 1), high = finite(state.maximumRate, else: 1)
        guard value >= low, value <= high else {
            throw .badArgument("The rate \(value) is outside \(low)–\(high).")
        }
        return value
    }

    static func finite(_ value: Double, else fallback: Double) -> Double { value.isFinite ? value : fallback }
}
