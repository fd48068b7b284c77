/// What can go wrong in decoding or output. `code` is stable (used on the wire), `message` is a sentence.
public struct AudioError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case openFailed = "open_failed"
        case notMP3 = "not_mp3"
        case decodeFailed = "decode_failed"
        case outputUnavailable = "output_unavailable"
        case outputFailed = "output_failed"
        /// A start position past the end of the file (`load` with `refusePastEnd`).
        case pastEnd = "past_end"
        /// A playback setting out of its range (`PlayerControl.apply`).
        case badArgument = "bad_argument"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// 75.5 → "1:15", 3725 → "1:02:05", for messages.
    static func clock(_ seconds: Double) -> String {
        let total = seconds.isFinite ? Int(min(max(0, seconds), 1e12).rounded(.down)) : 0
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}
