import CSonic

/// Plays interleaved PCM faster or slower with its pitch kept (libsonic, the algorithm AntennaPod
/// and ExoPlayer use), and keeps the books that map what comes out back to episode time.
///
/// At 1.0 it is bypassed: input goes straight to the output, sonic is not called (and not even
/// created). Feed it with `process`, append what it returns to the sink.
///
/// Episode time: `inputFrames` counts the frames fed since the last `reset` and `heldInputFrames`
/// those still inside sonic (not yet represented by any output), so the episode position of the
/// last frame returned is `startFrame + heardInputFrames`. Sonic hides its buffers; its own bound
/// on them (it works once `2 × sampleRate / 65` frames are waiting and stops below that, see
/// `maximumHeldFrames`) keeps the estimate within that window, 31 ms at 44.1 kHz, at any speed and
/// for any length: the error never accumulates (sonic's own ratio is off by up to 2 % at 3×, which
/// counting output × speed would add up to 20 s in an hour). At 1.0 and after `drain`, it is exact.
///
/// The sink plays behind what it was given: `inputFrame(forOutputFrame:)` maps the output frame
/// being heard (frames written − the sink's latency) back to the input, between the books kept at
/// each `process` call (the last `anchorLimit` calls).
///
/// `reset` (seek, stop) drops everything held, so no stale audio plays after a seek. Pause needs
/// nothing: the stretcher holds its frames until playback goes on.
public final class SpeedStretcher {
    public static let speedRange: ClosedRange<Double> = 0.5...3.0

    public let sampleRate: Int
    public let channels: Int
    public private(set) var speed: Double = 1

    /// Frames fed since the last `reset`.
    public private(set) var inputFrames = 0
    /// Frames returned since the last `reset`.
    public private(set) var outputFrames = 0
    /// Frames fed that no output represents yet (inside sonic); 0 at 1.0 and after `drain`.
    public private(set) var heldInputFrames = 0
    /// Sonic never keeps this many frames or more after a write (its `maxRequired`).
    public let maximumHeldFrames: Int

    /// Input frames that the output so far stands for: `inputFrames − heldInputFrames`.
    public var heardInputFrames: Int { inputFrames - heldInputFrames }
    /// True while frames pass through untouched (speed 1.0, nothing held).
    public var isBypassing: Bool { speed == 1 && stream == nil }

    /// (outputFrames, heardInputFrames) after each call, oldest first, at most `anchorLimit`.
    private var anchors: [(output: Int, heard: Int)] = [(0, 0)]
    static let anchorLimit = 256

    /// Our estimate of the input represented by the output, before it is clamped to sonic's bound.
    private var represented = 0.0
    private var stream: sonicStream?
    /// The most frames handed to sonic in one call (its counts are `int`).
    private let chunkFrames: Int

    public init(sampleRate: Int, channels: Int) throws(DSPError) {
        try DSPError.checkFormat(sampleRate: sampleRate, channels: channels)
        self.sampleRate = sampleRate
        self.channels = channels
        maximumHeldFrames = 2 * (sampleRate / Int(SONIC_MIN_PITCH))
        chunkFrames = 1 << 16
    }

    deinit {
        if let stream { sonicDestroyStream(stream) }
    }

    /// Sets the speed (0.5…3.0); it applies to the frames fed from now on.
    public func setSpeed(_ newSpeed: Double) throws(DSPError) {
        guard newSpeed.isFinite, Self.speedRange.contains(newSpeed) else {
            throw DSPError(.badArgument, "The speed \(newSpeed) is outside 0.5…3.0.")
        }
        speed = newSpeed
        // Back to 1.0 with frames held: the next write (at 1.0 sonic copies all it holds) empties
        // sonic, then the stream is dropped and frames bypass it again.
        if let stream { sonicSetSpeed(stream, Float(newSpeed)) }
    }

    /// Drops every frame held and zeroes the counters (a seek or a new episode).
    public func reset() {
        if let stream { sonicDestroyStream(stream) }
        stream = nil
        inputFrames = 0
        outputFrames = 0
        heldInputFrames = 0
        represented = 0
        anchors = [(0, 0)]
    }

    /// The input frame (since the last reset) that output frame `frame` stands for, interpolated
    /// between the books of the calls around it; the same error bound as `heardInputFrames`.
    public func inputFrame(forOutputFrame frame: Int) -> Int {
        guard let last = anchors.last, frame < last.output else { return heardInputFrames }
        var low = 0
        var high = anchors.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if anchors[middle].output <= frame { low = middle } else { high = middle }
        }
        let (a, b) = (anchors[low], anchors[high])
        guard frame >= a.output else { return max(0, a.heard - Int((Double(a.output - frame) * speed).rounded())) }
        guard b.output > a.output else { return b.heard }
        return a.heard + Int((Double(b.heard - a.heard) * Double(frame - a.output) / Double(b.output - a.output)).rounded())
    }

    /// Frames the caller passed on itself while `isBypassing` (no copy): counted as if processed.
    func countBypassed(_ frames: Int) {
        precondition(isBypassing, "frames passed around a stretcher that holds some")
        pass(frames)
        keepAnchor()
    }

    private func keepAnchor() {
        anchors.append((outputFrames, heardInputFrames))
        if anchors.count > 2 * Self.anchorLimit { anchors.removeFirst(Self.anchorLimit) }
    }

    /// Feeds interleaved 16-bit frames and appends what comes out to `output`.
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: inout [Int16]) throws(DSPError) {
        try feed(input, into: &output)
    }

    /// Feeds interleaved float frames (−1…1) and appends what comes out to `output`.
    public func process(_ input: UnsafeBufferPointer<Float>, into output: inout [Float]) throws(DSPError) {
        try feed(input, into: &output)
    }

    private func feed<Sample: SonicSample>(_ input: UnsafeBufferPointer<Sample>, into output: inout [Sample]) throws(DSPError) {
        try checkWhole(input.count)
        if isBypassing {
            output.append(contentsOf: input)
            pass(input.count / channels)
            keepAnchor()
            return
        }
        let sonic = try openStream()
        var start = 0
        while start < input.count {
            let count = min(chunkFrames * channels, input.count - start)
            let pointer = UnsafeMutablePointer(mutating: input.baseAddress! + start)
            guard Sample.write(sonic, pointer, Int32(count / channels)) != 0 else {
                throw DSPError(.dspFailed, "libsonic could not take \(count / channels) frames (out of memory).")
            }
            let before = output.count
            drainAvailable(sonic, into: &output)
            account(input: count / channels, output: (output.count - before) / channels)
            start += count
        }
        keepAnchor()
        closeIfIdle()
    }

    /// End of the audio: sonic gives out what it holds (padded by its own rule); afterwards
    /// `heldInputFrames` is 0 and `heardInputFrames == inputFrames`.
    public func drain(into output: inout [Int16]) throws(DSPError) { try flush(into: &output) }

    /// `drain` for float frames.
    public func drain(into output: inout [Float]) throws(DSPError) { try flush(into: &output) }

    private func flush<Sample: SonicSample>(into output: inout [Sample]) throws(DSPError) {
        guard let sonic = stream else { return }
        guard sonicFlushStream(sonic) != 0 else {
            throw DSPError(.dspFailed, "libsonic could not flush its buffers (out of memory).")
        }
        let before = output.count
        drainAvailable(sonic, into: &output)
        outputFrames += (output.count - before) / channels
        settle()
        keepAnchor()
    }

    // MARK: - Books

    private func checkWhole(_ samples: Int) throws(DSPError) {
        guard samples % channels == 0 else {
            throw DSPError(.badArgument, "\(samples) samples are not whole frames of \(channels) channels.")
        }
    }

    private func pass(_ frames: Int) {
        inputFrames += frames
        outputFrames += frames
        represented = Double(inputFrames)
    }

    /// Output × speed estimates the input represented; sonic's bound keeps the estimate honest.
    private func account(input: Int, output: Int) {
        inputFrames += input
        outputFrames += output
        if speed == 1 {
            settle()  // at 1.0 sonic copies everything it holds to the output
            return
        }
        represented += Double(output) * speed
        let lowest = Double(max(0, inputFrames - maximumHeldFrames + 1))
        represented = min(max(represented, lowest), Double(inputFrames))
        heldInputFrames = inputFrames - Int(represented.rounded(.down))
    }

    private func settle() {
        represented = Double(inputFrames)
        heldInputFrames = 0
    }

    // MARK: - Sonic

    private func openStream() throws(DSPError) -> sonicStream {
        if let stream { return stream }
        guard let created = sonicCreateStream(Int32(sampleRate), Int32(channels)) else {
            throw DSPError(.dspFailed, "libsonic could not create a stream (out of memory).")
        }
        sonicSetSpeed(created, Float(speed))
        stream = created
        return created
    }

    /// Back at 1.0 with nothing held: drop the stream so frames bypass sonic again.
    private func closeIfIdle() {
        guard speed == 1, heldInputFrames == 0, let sonic = stream, sonicSamplesAvailable(sonic) == 0 else { return }
        sonicDestroyStream(sonic)
        stream = nil
    }

    private func drainAvailable<Sample: SonicSample>(_ sonic: sonicStream, into output: inout [Sample]) {
        let available = Int(sonicSamplesAvailable(sonic))
        guard available > 0 else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(.zero, count: available * channels))
        let read = output.withUnsafeMutableBufferPointer { buffer in
            Int(Sample.read(sonic, buffer.baseAddress! + start, Int32(available)))
        }
        output.removeLast((available - read) * channels)
    }
}

/// The two sample types libsonic reads and writes, so that one path serves both.
protocol SonicSample: Numeric {
    static func write(_ stream: sonicStream, _ samples: UnsafeMutablePointer<Self>, _ frames: Int32) -> Int32
    static func read(_ stream: sonicStream, _ samples: UnsafeMutablePointer<Self>, _ frames: Int32) -> Int32
}

extension Int16: SonicSample {
    static func write(_ stream: sonicStream, _ samples: UnsafeMutablePointer<Int16>, _ frames: Int32) -> Int32 {
        sonicWriteShortToStream(stream, samples, frames)
    }
    static func read(_ stream: sonicStream, _ samples: UnsafeMutablePointer<Int16>, _ frames: Int32) -> Int32 {
        sonicReadShortFromStream(stream, samples, frames)
    }
}

extension Float: SonicSample {
    static func write(_ stream: sonicStream, _ samples: UnsafeMutablePointer<Float>, _ frames: Int32) -> Int32 {
        sonicWriteFloatToStream(stream, samples, frames)
    }
    static func read(_ stream: sonicStream, _ samples: UnsafeMutablePointer<Float>, _ frames: Int32) -> Int32 {
        sonicReadFloatFromStream(stream, samples, frames)
    }
}
