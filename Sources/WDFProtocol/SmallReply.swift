import WDFCore

/// The replies of one field: `subscribe`/`unsubscribe` `{subscribed}`, `ping` `{pong, version}`,
/// `quit` `{quitting}`, `reload` `{reloaded: PATH}`.
public enum SmallReply: Sendable, Equatable {
    case subscribed(Bool)
    case pong(version: String)
    case quitting
    case reloaded(path: String)

    public var json: JSON {
        switch self {
        case let .subscribed(on): ["subscribed": .bool(on)]
        case let .pong(version): ["pong": true, "version": .string(version)]
        case .quitting: ["quitting": true]
        case let .reloaded(path): ["reloaded": .string(path)]
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
        default: throw WireError("bad_reply", "\(command.name) has no one-field reply.")
        }
    }
}
