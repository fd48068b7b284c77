/// The DSP stage of the playback path, between decoder and sink: silence shortening, then speed,
/// then levelling gain and volume, on interleaved 16-bit frames, with the books that turn the
/// frame the sink is playing back into episode time.
///
/// Each stage that is off is passed around without a copy; with all three off (1.0, skip silence
/// off, unity gain) `process` hands the decoder's own buffer to the sink: the playback path costs
/// what it costs without DSP.
///
/// Episode time: `episodeFrame(forOutputFrame:)` maps an output frame (count since the last seek:
/// frames written − the sink's latency) back through the stretcher and the shortener to the
/// episode frame it comes from. `seek(toEpisodeFrame:)` drops what the stages hold (no stale audio
/// after a seek) and restarts the books at that frame. Pause needs nothing (the sink corks; the
/// stages keep what they hold).
public final class DSPChain {
    public let shortener: SilenceShortener
    public let stretcher: SpeedStretcher
    public let gain: GainStage
    /// The episode frame of the first frame fed since the last seek.
    public private(set) var startFrame = 0

    private var middle: [Int16] = []
    private var output: [Int16] = []

    public init(sampleRate: Int, channels: Int) throws(DSPError) {
        shortener = try SilenceShortener(sampleRate: sampleRate, channels: channels)
        stretcher = try SpeedStretcher(sampleRate: sampleRate, channels: channels)
        gain = try GainStage(sampleRate: sampleRate, channels: channels)
    }

    public var isBypassing: Bool { shortener.isBypassing && stretcher.isBypassing && gain.isBypassing }
    /// Frames handed to the sink since the last seek.
    public var outputFrames: Int { stretcher.outputFrames }
    /// Episode frames fed since the last seek that no output stands for yet (held in the stages).
    public var heldFrames: Int {
        shortener.inputFrames - shortener.inputFrame(forOutputFrame: stretcher.heardInputFrames)
    }

    /// Runs decoded frames through the stages and gives what comes out to `sink` (the same buffer
    /// when everything is off; otherwise the chain's own, valid during the call).
    public func process(_ input: UnsafeBufferPointer<Int16>, sink: (UnsafeBufferPointer<Int16>) throws -> Void) throws {
        let frames = input.count / stretcher.channels
        if isBypassing {
            guard input.count % stretcher.channels == 0 else {
                throw DSPError(.badArgument, "\(input.count) samples are not whole frames of \(stretcher.channels) channels.")
            }
            shortener.countBypassed(frames)
            stretcher.countBypassed(frames)
            try sink(input)
            return
        }
        output.removeAll(keepingCapacity: true)
        if shortener.isBypassing {
            shortener.countBypassed(frames)
            try feedStretcher(input)
        } else {
            middle.removeAll(keepingCapacity: true)
            try shortener.process(input, into: &middle)
            try middle.withUnsafeBufferPointer { buffer throws(DSPError) in try feedStretcher(buffer) }
        }
        output.withUnsafeMutableBufferPointer { gain.process($0) }
        try output.withUnsafeBufferPointer { try sink($0) }
    }

    /// End of the audio: gives out everything the stages hold.
    public func drain(sink: (UnsafeBufferPointer<Int16>) throws -> Void) throws {
        output.removeAll(keepingCapacity: true)
        middle.removeAll(keepingCapacity: true)
        shortener.drain(into: &middle)
        try middle.withUnsafeBufferPointer { buffer throws(DSPError) in try feedStretcher(buffer) }
        try stretcher.drain(into: &output)
        output.withUnsafeMutableBufferPointer { gain.process($0) }
        try output.withUnsafeBufferPointer { try sink($0) }
    }

    /// Drops what the stages hold and restarts the books at `frame` (a seek; a new episode with
    /// `newEpisode`, which also forgets the speech level).
    public func seek(toEpisodeFrame frame: Int, newEpisode: Bool = false) {
        shortener.reset(newEpisode: newEpisode)
        stretcher.reset()
        startFrame = max(0, frame)
    }

    /// The episode frame that output frame `frame` (counted since the last seek) comes from.
    public func episodeFrame(forOutputFrame frame: Int) -> Int {
        startFrame + shortener.inputFrame(forOutputFrame: stretcher.inputFrame(forOutputFrame: max(0, frame)))
    }

    private func feedStretcher(_ frames: UnsafeBufferPointer<Int16>) throws(DSPError) {
        if stretcher.isBypassing {
            output.append(contentsOf: frames)
            stretcher.countBypassed(frames.count / stretcher.channels)
        } else {
            try stretcher.process(frames, into: &output)
        }
    }
}
