import Glibc

/// What goes wrong on the MPRIS side: the session bus, a caller's argument, or the player's refusal.
/// `code` is stable (logs, D-Bus error names); `description` is the sentence.
public enum MPRISError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is no session bus to connect to (a headless box, a plain ssh login), or it refused us.
    case noSessionBus(String)
    /// An sd-bus call failed with this errno.
    case bus(call: String, code: Int32)
    /// A caller's argument that the specification does not let us act on; the sentence names it.
    case badArgument(String)
    /// Something the player does not do (a URI scheme other than `file`, pausing when it cannot).
    case notSupported(String)
    /// The player refused the command; the sentence says why.
    case refused(String)

    public var code: String {
        switch self {
        case .noSessionBus: "no_session_bus"
        case .bus: "bus_error"
        case .badArgument: "bad_argument"
        case .notSupported: "not_supported"
        case .refused: "refused"
        }
    }

    /// The D-Bus error name a caller receives.
    public var busErrorName: String {
        switch self {
        case .badArgument: "org.freedesktop.DBus.Error.InvalidArgs"
        case .notSupported: "org.freedesktop.DBus.Error.NotSupported"
        case .noSessionBus, .bus, .refused: "org.freedesktop.DBus.Error.Failed"
        }
    }

    public var description: String {
        switch self {
        case let .noSessionBus(reason): "No session bus (\(reason)): MPRIS is off; everything else works."
        case let .bus(call, code): "The session bus failed: \(call): \(String(cString: strerror(code)))."
        case let .badArgument(sentence), let .notSupported(sentence), let .refused(sentence): sentence
        }
    }
}
