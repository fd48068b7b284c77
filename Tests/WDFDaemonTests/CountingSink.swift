import Synchronization
import WDFAudio

/// A `NullSink` that counts the calls which, on `PulseSink`, wait for an answer from the sound
/// server (one round trip each; `flush` makes two): what a command costs on a real server.
final class CountingSink: AudioSink, @unchecked Sendable {  // @unchecked: forwards to a Sendable sink; the count is a Mutex
    let inner: NullSink
    private let count = Mutex(0)

    init(_ inner: NullSink) { self.inner = inner }

    /// Round trips so far.
    var roundTrips: Int { count.withLock { $0 } }

    private func trip(_ n: Int = 1) { count.withLock { $0 += n } }

    var onWritable: (@Sendable () -> Void)? {
        get { inner.onWritable }
        set { inner.onWritable = newValue }
    }

    func open(format: AudioFormat, title: String) throws(AudioError) { trip(); try inner.open(format: format, title: title) }
    func rename(_ title: String) { trip(); inner.rename(title) }
    func configure(device: String?, volumePercent: Int) throws(AudioError) {
        trip()
        try inner.configure(device: device, volumePercent: volumePercent)
    }
    func serverIsReachable() -> Bool { trip(); return inner.serverIsReachable() }
    func close() { inner.close() }
    func writableBytes() throws(AudioError) -> Int { try inner.writableBytes() }
    func write(_ bytes: UnsafeRawBufferPointer) throws(AudioError) { try inner.write(bytes) }
    func setPaused(_ paused: Bool) throws(AudioError) { trip(); try inner.setPaused(paused) }
    func setGain(_ gain: Double) throws(AudioError) { trip(); try inner.setGain(gain) }
    func startNow() throws(AudioError) { trip(); try inner.startNow() }
    func flush() throws(AudioError) { trip(2); try inner.flush() }
    func startDrain() throws(AudioError) { try inner.startDrain() }
    var drained: Bool { inner.drained }
    func heardSeconds() throws(AudioError) -> Double { trip(); return try inner.heardSeconds() }
    var writtenSeconds: Double { inner.writtenSeconds }
    var failure: AudioError? { inner.failure }
}
