import WDFCore

/// The replies of one field: `subscribe`/`unsubscribe` `{subscribed}`, `ping` `{pong, version}`,
/// `quit` `{quitting}`, `reload` `{reloaded: PATH}`, `volume` `{volume: percent}`.
public enum SmallReply: Sendable, Equatable {
    case subscribed(Bool)
    case pong(version: String)
    case quitting
    case reloaded(path: String)
    case volume(percent: Int)

    public var json: JSON {
        switch self {
        case let .subscribed(on): ["subscribed": .bool(on)]
        case let .pong(version): ["pong": true, "version": .string(version)]
        case .quitting: ["quitting": true]
        case let .reloaded(path): ["reloaded": .string(path)]
        case let .volume(percent): ["volume": .count(percent)]
        }
    }

    /// The reader, for the reply to `command`.
    public init(json: JSON, command: Command) throws(WireError) {
        let f = try ObjectReader(json, "\(command.name) reply")
        switch command {
        case .subscribe, .unsubscribe: self = .subscribed(try f.bool("subscribed"))
        case .ping: self = .pong(version: try f.string("version"))
        case .quit: self = .quitting
        case .reload: self = .reloaded(path: try f.string("reloaded"))
        case .volume:
            let percent = try f.int("volume")
            guard Command.volumeRange.contains(percent) else {
                throw WireError("bad_reply", "The volume from wdfplayd must be between 0 and 150, not \(percent).")
            }
            self = .volume(percent: percent)
        default: throw WireError("bad_reply", "\(command.name) has no one-field reply.")
        }
    }
}
