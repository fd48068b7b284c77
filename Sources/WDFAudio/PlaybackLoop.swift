import WDFCore
import WDFDSP

/// The state owned by the playback thread: decoder, sink, and where the audio stands.
/// Only `PlayerControl.run` calls into it, so nothing here needs a lock.
final class PlaybackLoop: @unchecked Sendable {  // @unchecked: created, then handed to and used only by the playback thread
    let sink: any AudioSink
    private let decoderFactory: PlayerControl.DecoderFactory
    let events: @Sendable (PlayerEvent) -> Void

    var decoder: (any AudioDecoder)?
    var path: String?
    /// The episode's title, for the sound server's stream name.
    var title = ""
    var state: PlaybackState = .stopped
    /// Where the file in play begins in the chain's input (`fedFrames` counting, since the last
    /// open/flush), and the episode frame it begins at there.
    var segment = Segment(inputBase: 0, startFrame: 0)
    private var reachedEnd = false
    /// Set when the audio stopped because its file was cut while playing: not an end.
    private var cutShort: AudioError?
    private var boundaries: [Double] = []
    var lastHeard: Double = 0
    /// Heard position at the last boundary check (crossings are (lastChecked, now]).
    var lastChecked: Double = 0
    var outputError: AudioError?
    /// Volume scale for fades (1 = normal); reapplied to every new stream.
    private var gain = 1.0
    /// What follows the file in play (`PlayerControl.queue`).
    private var queued: (path: String, position: Double, title: String)?
    /// Set from the moment the queued file's audio is written after the current one's until it
    /// is heard: `decoder` is still the file being heard, `next.decoder` the one being written.
    var next: Transition?
    /// Speed, silence, gain: what `chain` does (`PlaybackProcessing`).
    var processing = PlaybackProcessing()
    /// Set by `PlayerControl.load(processing:)` for the next load only.
    var processingForLoad: PlaybackProcessing?
    /// The DSP stage between decoder and sink, for the open stream's format (nil: a format it
    /// cannot take; then the decoder's frames go to the sink as they are).
    var chain: DSPChain?
    /// Episode seconds saved by silence shortening this episode before the chain's last reset.
    var savedBefore = 0.0
    /// Episode seconds saved as heard at the last reading of the position (`PlayerStatus.timeSaved`).
    var savedHeard = 0.0
    /// Statuses taken so far (`PlayerStatus.stamp`).
    private var statusCount: UInt64 = 0
    let buffer: UnsafeMutableRawBufferPointer

    struct Transition {
        var decoder: any AudioDecoder
        var path: String
        var title: String
        /// Where the new file begins: the chain's input frame and its episode frame.
        var segment: Segment
        /// Frames the shortener had dropped when the new file began (its time saved starts there).
        var droppedBase: Int
    }

    /// A file's place in the chain's books: chain input frame `inputBase` is episode frame `startFrame`.
    struct Segment {
        var inputBase: Int
        var startFrame: Int
    }

    init(sink: any AudioSink, decoderFactory: @escaping PlayerControl.DecoderFactory,
         events: @escaping @Sendable (PlayerEvent) -> Void) {
        self.sink = sink
        self.decoderFactory = decoderFactory
        self.events = events
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 16)
    }

    deinit { buffer.deallocate() }

    // MARK: commands

    func handle(_ command: PlayerControl.Command) -> Result<PlayerStatus, AudioError> {
        do throws(AudioError) {
            switch command {
            case let .load(path, position, paused, title, refusePastEnd):
                try load(path: path, position: position, paused: paused, title: title, refusePastEnd: refusePastEnd)
            case let .pause(paused):
                try pause(paused)
            case let .seek(position):
                try seek(to: position)
            case .stop:
                stop()
            case .status:
                break
            case let .watch(list):
                boundaries = list
            case let .queue(path, position, title):
                queued = path.map { ($0, position, title) }
                if path != self.next?.path { self.next = nil }
            case let .gain(value):
                gain = value
                if decoder != nil, outputError == nil { try sink.setGain(value) }
            case let .output(device, volumePercent):
                try sink.configure(device: device, volumePercent: volumePercent)
            case let .process(wanted):
                try apply(wanted)
            case let .update(change):
                var wanted = processing
                change(&wanted)
                try apply(wanted)
            case let .processNextLoad(wanted):
                if let problem = wanted.problem { throw AudioError(.badArgument, problem) }
                processingForLoad = wanted
            case .shutdown:
                stop()
            }
            return .success(status())
        } catch {
            return .failure(error)
        }
    }

    private func load(path newPath: String, position: Double, paused: Bool, title: String,
                      refusePastEnd: Bool) throws(AudioError) {
        let wanted = processingForLoad ?? processing
        processingForLoad = nil
        // Open first: a file that cannot be played leaves the current episode untouched.
        let newDecoder = try decoderFactory(newPath)
        let format = newDecoder.format
        if refusePastEnd, let duration = seconds(newDecoder.lengthFrames, format), position > duration {
            throw AudioError(.pastEnd, "\(AudioError.clock(position)) is past the end of the episode (\(AudioError.clock(duration))).")
        }
        if let duration = seconds(newDecoder.lengthFrames, format), position >= duration {
            try newDecoder.seek(toFrame: 0)
        } else if position > 0 {
            try newDecoder.seek(toFrame: MediaTime.frame(at: position, rate: format.sampleRate))
        }
        let start = Double(newDecoder.positionFrames) / Double(format.sampleRate)
        do throws(AudioError) {
            try sink.open(format: format, title: title)
        } catch {
            outputError = error
            throw error
        }
        startChain(format: format, processing: wanted, newEpisode: true)
        decoder = newDecoder
        path = newPath
        self.title = title
        next = nil
        queued = nil
        segment = Segment(inputBase: 0, startFrame: newDecoder.positionFrames)
        lastHeard = start
        lastChecked = start
        reachedEnd = false
        cutShort = nil
        outputError = nil
        gain = 1
        try fill()
        try sink.startNow()
        try sink.setPaused(paused)
        state = paused ? .paused : .playing
        events(.stateChanged(status()))
    }

    private func pause(_ paused: Bool) throws(AudioError) {
        guard decoder != nil, state != .stopped else { return }
        let wanted: PlaybackState = paused ? .paused : .playing
        guard wanted != state else { return }
        if outputError != nil {
            // The stream is gone; reopen it at the heard position before resuming.
            guard !paused else { state = .paused; return }
            try reopen(at: lastHeard)
        }
        try sink.setPaused(paused)
        // Corked: what was heard up to now is the paused position, frozen until playback goes on
        // (fresh timing reads of a corked stream differ by a fraction of a second each time).
        if paused { _ = heardPosition() }
        if !paused, reachedEnd {
            // Nothing left to play: resuming at the very end finishes the episode.
            try sink.startDrain()
        }
        state = wanted
        events(.stateChanged(status()))
    }

    private func seek(to target: Double) throws(AudioError) {
        guard decoder != nil, state != .stopped else {
            throw AudioError(.openFailed, "Nothing is playing.")
        }
        if try reposition(to: target) { events(.seeked(status())) }
    }

    /// Moves to `target` seconds: what is written and held goes, the sink plays from there at
    /// once (a seek, or a new speed heard without waiting for the buffer). False when the output
    /// is gone (only the decoder moved).
    func reposition(to target: Double) throws(AudioError) -> Bool {
        guard let decoder else { return false }
        let rate = Double(decoder.format.sampleRate)
        var frame = MediaTime.frame(at: target, rate: decoder.format.sampleRate)
        if let length = decoder.lengthFrames { frame = min(frame, length) }
        // A seek is within the file being heard: what was written of the next one goes.
        next = nil
        try decoder.seek(toFrame: frame)
        if outputError != nil {
            lastHeard = Double(decoder.positionFrames) / rate
            return false
        }
        try sink.flush()
        restartChain()
        segment = Segment(inputBase: 0, startFrame: decoder.positionFrames)
        lastHeard = Double(decoder.positionFrames) / rate
        lastChecked = lastHeard
        reachedEnd = false
        cutShort = nil
        try fill()
        try sink.startNow()
        return true
    }

    private func stop() {
        let wasActive = state != .stopped
        sink.close()
        decoder = nil
        path = nil
        next = nil
        queued = nil
        state = .stopped
        reachedEnd = false
        cutShort = nil
        outputError = nil
        segment = Segment(inputBase: 0, startFrame: 0)
        lastHeard = 0
        if wasActive { events(.stateChanged(status())) }
    }

    /// Opens a fresh stream after an output failure and carries on from `position`.
    private func reopen(at position: Double) throws(AudioError) {
        guard let decoder else { return }
        next = nil
        try sink.open(format: decoder.format, title: title)
        if gain != 1 { try sink.setGain(gain) }
        outputError = nil
        try decoder.seek(toFrame: MediaTime.frame(at: position, rate: decoder.format.sampleRate))
        restartChain()
        segment = Segment(inputBase: 0, startFrame: decoder.positionFrames)
        lastHeard = Double(decoder.positionFrames) / Double(decoder.format.sampleRate)
        reachedEnd = false
        cutShort = nil
        try fill()
        try sink.startNow()
    }

    // MARK: the work between commands

    /// Called when the sink asked for data or changed state.
    func service() {
        guard decoder != nil, state != .stopped else { return }
        if outputError == nil, let failure = sink.failure {
            outputLost(failure)
            return
        }
        do throws(AudioError) {
            try fill()
            commitNextIfHeard()
            checkBoundaries()
            if reachedEnd, sink.drained, state == .playing {
                finish()
            }
        } catch {
            outputLost(error)
        }
    }

    /// Writes decoded audio while the sink has room. At the end of the file, starts the drain.
    private func fill() throws(AudioError) {
        guard self.decoder != nil, !reachedEnd, outputError == nil else { return }
        while true {
            guard let decoder = next?.decoder ?? self.decoder else { return }
            let room = try sink.writableBytes()
            let frameBytes = decoder.format.bytesPerFrame
            // Slower than 1×, what comes out is longer than what goes in.
            let want = min(Int(Double(room) * min(1, processing.speed)), buffer.count) / frameBytes * frameBytes
            if want == 0 { return }
            let formatBefore = decoder.format
            let n: Int
            do throws(AudioError) {
                n = try decoder.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            } catch {
                // A damaged file ends where it stops decoding; the listener hears all that could be.
                n = 0
            }
            if decoder.format != formatBefore {
                // Rare mid-file format change: a new stream in the new format, written from here on.
                let heard = lastHeard
                next = nil
                try sink.open(format: decoder.format, title: title)
                startChain(format: decoder.format, processing: processing, newEpisode: false)
                segment = Segment(inputBase: 0, startFrame: MediaTime.frame(at: heard, rate: decoder.format.sampleRate))
            }
            if n == 0, next == nil, let problem = decoder.endProblem() {
                // What was written is heard; then the player stops where the file was cut.
                cutShort = problem
                reachedEnd = true
                try drainChain()
                try sink.startDrain()
                return
            }
            if n == 0, next == nil, startQueued() { continue }
            if n == 0 {
                reachedEnd = true
                try drainChain()
                try sink.startDrain()
                return
            }
            try write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// At the end of the file being written: opens the queued file and, when its sample format
    /// is the same, goes on writing it into the same stream. False when there is nothing queued
    /// or it cannot follow without a new stream (the daemon then loads it after the end).
    private func startQueued() -> Bool {
        guard let (nextPath, position, nextTitle) = queued, let current = decoder else { return false }
        queued = nil
        guard let following = try? decoderFactory(nextPath), following.format == current.format else { return false }
        let frame = MediaTime.frame(at: position, rate: following.format.sampleRate)
        if position > 0, let length = following.lengthFrames, frame < length {
            try? following.seek(toFrame: frame)
        }
        // The new file goes on through the same chain (no drain between: no gap at any speed).
        next = Transition(decoder: following, path: nextPath, title: nextTitle,
                          segment: Segment(inputBase: fedFrames, startFrame: following.positionFrames),
                          droppedBase: chain?.shortener.droppedFrames ?? 0)
        return true
    }

    private func checkBoundaries() {
        guard state == .playing, !boundaries.isEmpty else { return }
        let before = lastChecked
        // Ask the server where playback is only when a boundary has been written past.
        let written = writtenEpisodeSeconds
        guard boundaries.contains(where: { $0 > before && $0 <= written }) else { return }
        let now = heardPosition()
        guard now > before else { return }
        lastChecked = now
        for boundary in boundaries where boundary > before && boundary <= now {
            events(.crossed(boundary: boundary, status: status()))
        }
    }

    private func finish() {
        if let problem = cutShort {
            cutShort = nil
            events(.failed(problem, status()))
            stop()
            return
        }
        let ended = path ?? ""
        let duration = durationSeconds ?? lastHeard
        sink.close()
        decoder = nil
        path = nil
        state = .stopped
        reachedEnd = false
        cutShort = nil
        events(.ended(path: ended, duration: duration))
        events(.stateChanged(status()))
    }

    private func outputLost(_ error: AudioError) {
        let heard = heardPosition()
        outputError = error
        sink.close()
        let wasPlaying = state == .playing
        if wasPlaying { state = .paused }
        lastHeard = heard
        events(.outputLost(error, status(), wasPlaying: wasPlaying))
    }

    // MARK: position

    func status() -> PlayerStatus {
        // Paused: the position frozen at the pause (see `pause`).
        let position = state == .stopped ? 0 : state == .paused ? lastHeard : heardPosition()
        if state == .stopped, outputError != nil, sink.serverIsReachable() {
            // The sound server is back: the failure that stopped a load no longer holds.
            outputError = nil
        }
        statusCount += 1
        return PlayerStatus(state: state, path: path, position: position, duration: durationSeconds,
                            outputError: outputError, stamp: statusCount, timeSaved: state == .stopped ? 0 : savedHeard,
                            processing: processing)
    }
}
