/// What can go wrong in the DSP stage. `code` is stable (fit for the wire), `message` is a sentence.
public struct DSPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A setting out of its range (speed, volume, gain, format).
        case badArgument = "bad_argument"
        /// libsonic or libebur128 could not allocate or refused its input.
        case dspFailed = "dsp_failed"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Checks a stream format before it reaches a C library (both take `int`/`unsigned` counts).
    static func checkFormat(sampleRate: Int, channels: Int) throws(DSPError) {
        guard (8000...384_000).contains(sampleRate) else {
            throw DSPError(.badArgument, "The sample rate \(sampleRate) Hz is outside 8000…384000 Hz.")
        }
        guard (1...8).contains(channels) else {
            throw DSPError(.badArgument, "\(channels) channels is outside 1…8.")
        }
    }
}
