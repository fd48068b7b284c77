import Glibc
import WDFCore

/// Shortens the silences of an episode (skip silence) without clipping speech.
///
/// The audio is judged in blocks of 10 ms against the episode's own speech level (`SpeechLevel`):
/// a block more than `marginDecibels` below it is silent. A silent run shorter than the mode's
/// `minimumSilence` passes untouched. A longer one keeps `kept / 2` seconds after the sound that
/// ends it and `kept / 2` before the next sound, joined by a 10 ms fade out and in, and the rest is
/// dropped: sound blocks always pass whole and unchanged, so speech is never cut or altered.
///
/// Latency: a silent run is held until it is either over (passed on) or long enough to shorten,
/// at most `minimumSilence` seconds; sound passes at once. `heldFrames` counts what is held.
///
/// Episode time: `inputFrames == outputFrames + droppedFrames + heldFrames` always, and
/// `inputFrame(forOutputFrame:)` maps any output frame back to the episode exactly (the joins,
/// with the frames dropped before each, are kept). `savedSeconds` is the time saved, in episode time.
public final class SilenceShortener {
    /// From `outputFrame` on, `droppedFrames` input frames lie behind the output.
    public struct Join: Sendable, Equatable {
        public var outputFrame: Int
        public var droppedFrames: Int
    }

    public let sampleRate: Int
    public let channels: Int
    public private(set) var mode: SilenceMode
    /// How far below the speech level (dB) a block must be to count as silence.
    public let marginDecibels: Double

    public private(set) var inputFrames = 0
    public private(set) var outputFrames = 0
    public private(set) var droppedFrames = 0
    public var heldFrames: Int { (pending.count + run.count) / channels }
    public var savedSeconds: Double { Double(droppedFrames) / Double(sampleRate) }
    /// True while frames pass through untouched (mode off, nothing held).
    public var isBypassing: Bool { mode == .off && pending.isEmpty && run.isEmpty }
    /// The joins made since the last reset, the most recent last (at most `joinLimit`).
    public private(set) var joins: [Join] = []
    static let joinLimit = 1024

    let blockFrames: Int
    let fadeFrames: Int
    private var level: SpeechLevel
    /// Samples of a block not complete yet.
    private var pending: [Int16] = []
    /// The current silent run not passed on: all of it, or once `shortening`, its last `tailFrames`.
    private var run: [Int16] = []
    private var runFrames = 0
    private var shortening = false
    /// Dropped frames of the joins forgotten beyond `joinLimit`.
    private var forgottenDropped = 0

    public init(sampleRate: Int, channels: Int, mode: SilenceMode = .off, marginDecibels: Double = 30) throws(DSPError) {
        try DSPError.checkFormat(sampleRate: sampleRate, channels: channels)
        guard marginDecibels.isFinite, (6...60).contains(marginDecibels) else {
            throw DSPError(.badArgument, "The silence margin \(marginDecibels) dB is outside 6…60 dB.")
        }
        self.sampleRate = sampleRate
        self.channels = channels
        self.mode = mode
        self.marginDecibels = marginDecibels
        blockFrames = max(1, sampleRate / 100)
        fadeFrames = blockFrames
        level = SpeechLevel(windowBlocks: 3000)
    }

    /// Applies from the next silence on; `off` passes what is held on with the next `process`.
    public func setMode(_ newMode: SilenceMode) {
        mode = newMode
    }

    /// Drops what is held and zeroes the counters (a seek); `newEpisode` forgets the speech level too.
    public func reset(newEpisode: Bool) {
        pending.removeAll(keepingCapacity: true)
        run.removeAll(keepingCapacity: true)
        runFrames = 0
        shortening = false
        inputFrames = 0
        outputFrames = 0
        droppedFrames = 0
        forgottenDropped = 0
        joins.removeAll()
        if newEpisode { level.forget() }
    }

    /// The episode frame (since the last reset) that output frame `frame` comes from.
    public func inputFrame(forOutputFrame frame: Int) -> Int {
        var dropped = forgottenDropped
        for join in joins.reversed() where join.outputFrame <= frame {
            dropped = join.droppedFrames
            break
        }
        return frame + dropped
    }

    /// Feeds interleaved 16-bit frames and appends what is passed on to `output`.
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: inout [Int16]) throws(DSPError) {
        guard input.count % channels == 0 else {
            throw DSPError(.badArgument, "\(input.count) samples are not whole frames of \(channels) channels.")
        }
        inputFrames += input.count / channels
        if mode == .off {
            passHeld(into: &output)
            emit(input, into: &output)
            return
        }
        let blockSamples = blockFrames * channels
        var start = 0
        if !pending.isEmpty {
            let take = min(blockSamples - pending.count, input.count)
            pending.append(contentsOf: input[0..<take])
            start = take
            guard pending.count == blockSamples else { return }
            let block = pending
            pending.removeAll(keepingCapacity: true)
            block.withUnsafeBufferPointer { handle($0, into: &output) }
        }
        while input.count - start >= blockSamples {
            handle(UnsafeBufferPointer(rebasing: input[start..<(start + blockSamples)]), into: &output)
            start += blockSamples
        }
        pending.append(contentsOf: input[start...])
    }

    /// End of the audio: passes on everything held (a silence at the very end is shortened too).
    public func drain(into output: inout [Int16]) {
        passHeld(into: &output)
    }

    /// Frames the caller passed on itself while `isBypassing` (no copy): counted as if processed.
    func countBypassed(_ frames: Int) {
        precondition(isBypassing, "frames passed around a shortener that holds some")
        inputFrames += frames
        outputFrames += frames
    }

    // MARK: - Blocks

    private func handle(_ block: UnsafeBufferPointer<Int16>, into output: inout [Int16]) {
        if isSilent(block) {
            run.append(contentsOf: block)
            runFrames += blockFrames
            if shortening {
                trimRun()
            } else if Double(runFrames) >= mode.minimumSilence * Double(sampleRate) {
                startShortening(into: &output)
            }
        } else {
            endRun(into: &output)
            emit(block, into: &output)
        }
    }

    /// Judges the block against the level so far, then adds it to the level.
    private func isSilent(_ block: UnsafeBufferPointer<Int16>) -> Bool {
        var sum: Int64 = 0
        for sample in block { sum += Int64(sample) * Int64(sample) }
        let meanSquare = Double(sum) / Double(block.count) / (32768.0 * 32768.0)
        let decibels = meanSquare > 0 ? 10 * log10(meanSquare) : Double(SpeechLevel.floor)
        defer { level.add(decibels) }
        guard let speech = level.level else { return false }
        return decibels < speech - marginDecibels
    }

    private var headFrames: Int { Int((mode.kept / 2 * Double(sampleRate)).rounded()) }
    private var tailFrames: Int { Int((mode.kept / 2 * Double(sampleRate)).rounded()) }

    /// The run is long enough: pass on its head, fading out, and keep only the tail from now on.
    private func startShortening(into output: inout [Int16]) {
        let head = min(headFrames, run.count / channels)
        var headSamples = Array(run[0..<(head * channels)])
        fade(&headSamples, in: false)
        headSamples.withUnsafeBufferPointer { emit($0, into: &output) }
        run.removeFirst(head * channels)
        shortening = true
        trimRun()
    }

    private func trimRun() {
        let excess = run.count / channels - tailFrames
        guard excess > 0 else { return }
        run.removeFirst(excess * channels)
        droppedFrames += excess
    }

    /// Sound again (or the end): the held run goes out, faded in when it was shortened.
    private func endRun(into output: inout [Int16]) {
        guard !run.isEmpty else { return }
        if shortening {
            fade(&run, in: true)
            joins.append(Join(outputFrame: outputFrames, droppedFrames: droppedFrames))
            if joins.count > Self.joinLimit {
                forgottenDropped = joins.removeFirst().droppedFrames
            }
        }
        run.withUnsafeBufferPointer { emit($0, into: &output) }
        run.removeAll(keepingCapacity: true)
        runFrames = 0
        shortening = false
    }

    private func passHeld(into output: inout [Int16]) {
        endRun(into: &output)
        pending.withUnsafeBufferPointer { emit($0, into: &output) }
        pending.removeAll(keepingCapacity: true)
    }

    private func emit(_ samples: UnsafeBufferPointer<Int16>, into output: inout [Int16]) {
        output.append(contentsOf: samples)
        outputFrames += samples.count / channels
    }

    /// A linear fade over the first (`in`) or last `fadeFrames` frames.
    private func fade(_ samples: inout [Int16], in fadingIn: Bool) {
        let frames = min(fadeFrames, samples.count / channels)
        guard frames > 0 else { return }
        let total = samples.count / channels
        for i in 0..<frames {
            let frame = fadingIn ? i : total - frames + i
            let gain = fadingIn ? Double(i) / Double(frames) : Double(frames - 1 - i) / Double(frames)
            for c in 0..<channels {
                let index = frame * channels + c
                samples[index] = Int16((Double(samples[index]) * gain).rounded())
            }
        }
    }
}
