/// How much of what was written to the stream has been heard. The server's read index minus the
/// sink's latency is what is coming out of the speaker now. A flush moves the write index back to
/// the read index, so the first newly written byte is heard when that time reaches the read index
/// at the flush (`baseUsec`).
struct StreamPosition {
    var format: AudioFormat
    /// Stream time (µs) at which the data written after the last flush starts to be heard.
    private(set) var baseUsec: UInt64 = 0
    private(set) var writtenBytes = 0

    init(format: AudioFormat) { self.format = format }

    /// Nothing written since stream time `baseUsec` (a new stream: 0; a flush: its read index).
    mutating func restart(atUsec baseUsec: UInt64) {
        self.baseUsec = baseUsec
        writtenBytes = 0
    }

    mutating func wrote(_ bytes: Int) { writtenBytes += bytes }

    var writtenSeconds: Double { Double(writtenBytes) / Double(format.bytesPerSecond) }

    /// Seconds heard since the restart, from the server's read index and the sink's latency (µs);
    /// never less than nothing nor more than was written.
    func heardSeconds(readUsec: Double, sinkUsec: Double) -> Double {
        let heard = max(0, (readUsec - sinkUsec - Double(baseUsec)) / 1_000_000)
        return min(heard, writtenSeconds)
    }
}
