/// Where PCM goes. Calls come from the playback thread only; `onWritable` is invoked from the
/// sink's own thread whenever it can take more data (or its state changed) and must not block.
public protocol AudioSink: AnyObject {
    /// Prepares a stream for `format`, corked (silent) until `setPaused(false)`, named `title`
    /// (the episode's) where the sound server shows streams.
    func open(format: AudioFormat, title: String) throws(AudioError)
    /// Names the open stream `title` (another episode follows in it).
    func rename(_ title: String)
    /// The sink to play to (nil: the server's default) and the volume in percent, from now on:
    /// the open stream moves and changes volume at once. Throws when the sink does not exist.
    func configure(device: String?, volumePercent: Int) throws(AudioError)
    /// True when the sound server answers (connecting if need be); for clearing a stale failure.
    func serverIsReachable() -> Bool
    /// Drops the stream (nothing more will be heard).
    func close()
    /// Bytes the sink accepts now without blocking.
    func writableBytes() throws(AudioError) -> Int
    func write(_ bytes: UnsafeRawBufferPointer) throws(AudioError)
    func setPaused(_ paused: Bool) throws(AudioError)
    /// Scales the volume at once (1 = normal), for fades.
    func setGain(_ gain: Double) throws(AudioError)
    /// Starts playing what was written without waiting for the sink's prebuffer to fill
    /// (takes effect when not paused).
    func startNow() throws(AudioError)
    /// Discards everything written but not yet heard.
    func flush() throws(AudioError)
    /// Asks the sink to tell (through `onWritable`) when everything written has been heard.
    func startDrain() throws(AudioError)
    /// True once a drain started by `startDrain` completed.
    var drained: Bool { get }
    /// Seconds of audio heard since `open` or the last `flush`/`resetClock` (written minus still buffered).
    func heardSeconds() throws(AudioError) -> Double
    /// Seconds of audio written since `open` or the last `flush`.
    var writtenSeconds: Double { get }
    /// Set by the player before `open`.
    var onWritable: (@Sendable () -> Void)? { get set }
    /// Non-nil once the sink lost its output (server gone); cleared by a successful `open`.
    var failure: AudioError? { get }
    /// The volume in percent the stream has on the sound server now (one the listener set in a
    /// mixer is adopted first), or with no stream the one the next stream starts at; nil for a
    /// sink without a volume of its own. Unlike the rest, callable from any thread.
    func streamVolumePercent() -> Int?
}

extension AudioSink {
    public func streamVolumePercent() -> Int? { nil }
}
