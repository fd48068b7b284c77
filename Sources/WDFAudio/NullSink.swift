import Synchronization

/// A sink that plays into nothing, at the pace of its clock (MPD's null output): it holds up to
/// `bufferSeconds` of audio and consumes it as the clock moves while not paused. With a
/// `SimulatedClock` it makes playback, chapters, sleep, skip and continue testable without a
/// sound server. `loseServer`/`restoreServer` stand for the sound server going and coming back.
public final class NullSink: AudioSink, @unchecked Sendable {  // @unchecked: all state is in `state` (a Mutex); `onWritable` is set once, before the playback thread starts
    private struct State {
        var format: AudioFormat?
        var title = ""
        var paused = true
        /// Bytes written since `open` or the last `flush`.
        var writtenBytes = 0
        /// Seconds of the written audio consumed (heard).
        var consumed = 0.0
        /// Clock reading `consumed` was brought up to.
        var updatedAt: Double
        var draining = false
        var failure: AudioError?
        var serverGone = false
        var gain = 1.0
    }

    public var onWritable: (@Sendable () -> Void)?
    private let clock: any EngineClock
    private let bufferSeconds: Double
    private let state: Mutex<State>

    /// With a `SimulatedClock`, every `advance` wakes the player (room freed, drain finished).
    public init(clock: any EngineClock, bufferSeconds: Double = 2) {
        self.clock = clock
        self.bufferSeconds = bufferSeconds
        state = Mutex(State(updatedAt: clock.now()))
        if let simulated = clock as? SimulatedClock {
            simulated.whenAdvanced { [weak self] in self?.onWritable?() }
        }
    }

    // MARK: what tests look at

    /// The volume scale last set (fades).
    public var gain: Double { state.withLock { $0.gain } }
    /// The name of the open stream.
    public var title: String { state.withLock { $0.title } }
    /// True while a stream is open and not corked.
    public var isPlaying: Bool { state.withLock { $0.format != nil && !$0.paused } }

    /// The sound server goes away: the stream fails (`failure`), and nothing opens until `restoreServer`.
    public func loseServer() {
        state.withLock { state in
            state.serverGone = true
            if state.format != nil { state.failure = AudioError(.outputFailed, "The null sound server went away.") }
        }
        onWritable?()
    }

    public func restoreServer() {
        state.withLock { $0.serverGone = false }
    }

    // MARK: AudioSink

    public func open(format: AudioFormat, title: String) throws(AudioError) {
        try state.withLock { (state: inout State) throws(AudioError) in
            guard !state.serverGone else { throw AudioError(.outputFailed, "The null sound server is not there.") }
            // A new stream starts at full volume, as a new PulseAudio stream does.
            state = State(format: format, title: title, updatedAt: clock.now())
        }
    }

    public func rename(_ title: String) { state.withLock { $0.title = title } }

    public func configure(device: String?, volumePercent: Int) throws(AudioError) {}

    public func serverIsReachable() -> Bool { state.withLock { !$0.serverGone } }

    public func close() {
        state.withLock { state in
            state.format = nil
            state.failure = nil
            state.writtenBytes = 0
            state.consumed = 0
            state.draining = false
        }
    }

    public func writableBytes() throws(AudioError) -> Int {
        try state.withLock { (state: inout State) throws(AudioError) -> Int in
            let format = try live(&state)
            let buffered = Double(state.writtenBytes) / Double(format.bytesPerSecond) - state.consumed
            let room = (bufferSeconds - buffered) * Double(format.bytesPerSecond)
            return room > 0 ? Int(room) : 0
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(AudioError) {
        try state.withLock { (state: inout State) throws(AudioError) in
            _ = try live(&state)
            state.writtenBytes += bytes.count
            state.draining = false
        }
    }

    public func setPaused(_ paused: Bool) throws(AudioError) {
        try state.withLock { (state: inout State) throws(AudioError) in
            _ = try live(&state)
            state.paused = paused
        }
    }

    public func setGain(_ gain: Double) throws(AudioError) {
        try state.withLock { (state: inout State) throws(AudioError) in
            _ = try live(&state)
            state.gain = gain
        }
    }

    public func startNow() throws(AudioError) {
        try state.withLock { (state: inout State) throws(AudioError) in _ = try live(&state) }
    }

    public func flush() throws(AudioError) {
        try state.withLock { (state: inout State) throws(AudioError) in
            _ = try live(&state)
            state.writtenBytes = 0
            state.consumed = 0
            state.draining = false
        }
    }

    public func startDrain() throws(AudioError) {
        try state.withLock { (state: inout State) throws(AudioError) in
            _ = try live(&state)
            state.draining = true
        }
    }

    public var drained: Bool {
        state.withLock { state in
            guard let format = state.format else { return false }
            catchUp(&state)
            return state.draining && state.consumed >= Double(state.writtenBytes) / Double(format.bytesPerSecond)
        }
    }

    public func heardSeconds() throws(AudioError) -> Double {
        try state.withLock { (state: inout State) throws(AudioError) -> Double in
            _ = try live(&state)
            return state.consumed
        }
    }

    public var writtenSeconds: Double {
        state.withLock { state in
            guard let format = state.format else { return 0 }
            return Double(state.writtenBytes) / Double(format.bytesPerSecond)
        }
    }

    public var failure: AudioError? { state.withLock { $0.failure } }

    // MARK: the pace

    /// The open stream's format, after consuming what the clock allows; throws once failed.
    private func live(_ state: inout State) throws(AudioError) -> AudioFormat {
        if let failure = state.failure { throw failure }
        guard let format = state.format else { throw AudioError(.outputFailed, "No stream is open.") }
        catchUp(&state)
        return format
    }

    /// Consumes written audio for the time passed since the last reading, while playing.
    private func catchUp(_ state: inout State) {
        let now = clock.now()
        defer { state.updatedAt = now }
        guard let format = state.format, !state.paused, state.failure == nil else { return }
        let written = Double(state.writtenBytes) / Double(format.bytesPerSecond)
        state.consumed = min(written, state.consumed + max(0, now - state.updatedAt))
    }
}
