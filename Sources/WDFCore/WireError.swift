/// An error as it travels on the socket: a stable code for scripts, a sentence for people.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public var json: JSON { ["code": .string(code), "message": .string(message)] }

    public init?(json: JSON?) {
        guard let code = json?["code"]?.stringValue, let message = json?["message"]?.stringValue else { return nil }
        self.init(code, message)
    }

    // The codes (Docs/protocol.md lists them).
    public static func badRequest(_ m: String) -> WireError { WireError("bad_request", m) }
    public static func unknownCommand(_ name: String) -> WireError {
        WireError("unknown_command", "Unknown command \"\(name)\"; send {\"command\":\"help\"} for the list.")
    }
    public static func badArgument(_ m: String) -> WireError { WireError("bad_argument", m) }
    public static func nothingPlaying() -> WireError { WireError("nothing_playing", "Nothing is playing.") }
}
