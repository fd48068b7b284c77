/// An error as it travels on the socket: a stable code for scripts, a sentence for people.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// What a program needs to act on the error (e.g. the candidates of an ambiguous episode).
    public var detail: JSON?

    public init(_ code: String, _ message: String, detail: JSON? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { message }
    public var json: JSON {
        var pairs: [(String, JSON)] = [("code", .string(code)), ("message", .string(message))]
        if let detail { pairs.append(("detail", detail)) }
        return .object(pairs)
    }

    public init?(json: JSON?) {
        guard let code = json?["code"]?.stringValue, let message = json?["message"]?.stringValue else { return nil }
        self.init(code, message, detail: json?["detail"])
    }

    // The codes (Docs/protocol.md lists them).
    public static func badRequest(_ m: String) -> WireError { WireError("bad_request", m) }
    public static func unknownCommand(_ name: String) -> WireError {
        WireError("unknown_command", "Unknown command \"\(name)\"; send {\"command\":\"help\"} for the list.")
    }
    public static func badArgument(_ m: String) -> WireError { WireError("bad_argument", m) }
    public static func nothingPlaying() -> WireError { WireError("nothing_playing", "Nothing is playing.") }
}
