/// Interleaved signed 16-bit little-endian PCM at the file's own rate and channel count.
public struct AudioFormat: Sendable, Equatable, CustomStringConvertible {
    public var sampleRate: Int
    public var channels: Int

    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Bytes in one frame (one sample for every channel).
    public var bytesPerFrame: Int { channels * 2 }
    public var bytesPerSecond: Int { sampleRate * bytesPerFrame }

    public var description: String { "s16le \(channels) ch \(sampleRate) Hz" }
}
