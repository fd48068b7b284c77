/// What can go wrong in decoding or output. `code` is stable (used on the wire), `message` is a sentence.
public struct AudioError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case openFailed = "open_failed"
        case notMP3 = "not_mp3"
        case decodeFailed = "decode_failed"
        case outputUnavailable = "output_unavailable"
        case outputFailed = "output_failed"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
