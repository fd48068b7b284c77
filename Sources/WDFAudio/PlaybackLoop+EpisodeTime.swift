import WDFCore
import WDFDSP

/// The DSP stage in the playback thread: the chain between decoder and sink, and the books that
/// keep every position in episode time whatever the speed and the silences dropped.
///
/// One chain serves the open stream from its open or last flush: a file followed in the same
/// stream goes on through it (no drain between files, so no gap at any speed), and `segment`
/// says where the file in play begins in the chain's input. The heard position is the sink's
/// heard output frame mapped back through the chain (`DSPChain.episodeFrame(forOutputFrame:)`).
extension PlaybackLoop {
    var durationSeconds: Double? {
        guard let decoder else { return nil }
        return seconds(decoder.lengthFrames, decoder.format)
    }

    func seconds(_ frames: Int?, _ format: AudioFormat) -> Double? {
        frames.map { Double($0) / Double(format.sampleRate) }
    }

    /// Once the queued file is being heard (its first input frame), it becomes the file in play
    /// (with its events). Only `service` does this: reading the position (`status`) never
    /// changes what is in play.
    func commitNextIfHeard() {
        guard let transition = next, decoder != nil, outputError == nil, let heard = try? sink.heardSeconds(),
              inputFrame(atStreamSeconds: heard) >= transition.segment.inputBase else { return }
        commitNext(transition, heardStream: heard)
    }

    /// The queued file is being heard: it becomes the file in play, from the episode position
    /// its first heard frame maps to.
    func commitNext(_ transition: Transition, heardStream: Double) {
        let ended = path ?? ""
        let duration = durationSeconds ?? lastHeard
        decoder = transition.decoder
        path = transition.path
        title = transition.title
        sink.rename(title)
        next = nil
        segment = transition.segment
        savedBefore = -Double(transition.droppedBase) / Double(transition.decoder.format.sampleRate)
        let position = episodeSeconds(atStreamSeconds: heardStream)
        lastHeard = position
        lastChecked = position
        events(.ended(path: ended, duration: duration))
        events(.continued(status()))
    }

    /// Episode time being heard now (through the chain's books); remembered in `lastHeard`. While
    /// the next file is written but not yet committed (`commitNextIfHeard`), the position stays at
    /// the end of this one.
    func heardPosition() -> Double {
        guard decoder != nil, outputError == nil, let heard = try? sink.heardSeconds() else { return lastHeard }
        let position = episodeSeconds(atStreamSeconds: heard)
        lastHeard = position
        savedHeard = savedSeconds(atStreamSeconds: heard)
        return position
    }

    /// Frames fed to the chain since the last open/flush (written frames when there is none).
    var fedFrames: Int {
        if let chain { return chain.shortener.inputFrames }
        guard let decoder else { return 0 }
        return Int((sink.writtenSeconds * Double(decoder.format.sampleRate)).rounded())
    }

    /// Episode seconds saved by silence shortening up to stream second `seconds` (as heard, not
    /// as written ahead), since the episode was loaded.
    func savedSeconds(atStreamSeconds seconds: Double) -> Double {
        guard let decoder, let chain else { return savedBefore }
        let frame = Int((max(0, seconds) * Double(decoder.format.sampleRate)).rounded())
        let passed = chain.stretcher.inputFrame(forOutputFrame: frame)
        let dropped = chain.shortener.inputFrame(forOutputFrame: passed) - passed
        return max(0, savedBefore + Double(dropped) / Double(decoder.format.sampleRate))
    }

    /// The episode position written up to (heard later): where boundaries may be crossed.
    var writtenEpisodeSeconds: Double {
        guard let decoder else { return 0 }
        return Double(segment.startFrame + fedFrames - segment.inputBase) / Double(decoder.format.sampleRate)
    }

    /// The chain's input frame that stream second `seconds` (since the last open/flush) comes from.
    func inputFrame(atStreamSeconds seconds: Double) -> Int {
        guard let decoder else { return 0 }
        let frame = Int((max(0, seconds) * Double(decoder.format.sampleRate)).rounded())
        return chain?.episodeFrame(forOutputFrame: frame) ?? frame
    }

    /// The episode position (s) of the file in play that stream second `seconds` stands for; at
    /// the file's end once the next file's audio is reached.
    func episodeSeconds(atStreamSeconds seconds: Double) -> Double {
        guard let decoder else { return lastHeard }
        let input = inputFrame(atStreamSeconds: seconds)
        let duration = durationSeconds
        if let next, input >= next.segment.inputBase, let duration { return duration }
        let position = Double(segment.startFrame + max(0, input - segment.inputBase)) / Double(decoder.format.sampleRate)
        return duration.map { min(position, $0) } ?? position
    }

    /// A stream opened for `format`: the chain for it (the same one when the format is the same),
    /// emptied, set to `wanted` at once (no ramp: the gain is right from the first frame).
    func startChain(format: AudioFormat, processing wanted: PlaybackProcessing, newEpisode: Bool) {
        processing = wanted
        if let chain, chain.stretcher.sampleRate != format.sampleRate || chain.stretcher.channels != format.channels {
            self.chain = nil
        }
        // A format the DSP cannot take (no MP3 has one) plays untouched.
        if chain == nil { chain = try? DSPChain(sampleRate: format.sampleRate, channels: format.channels) }
        if newEpisode {
            savedBefore = 0
            savedHeard = 0
        } else {
            savedBefore = savedHeard
        }
        guard let chain else { return }
        chain.seek(toEpisodeFrame: 0, newEpisode: newEpisode)
        configure(chain, levellingRamp: 0, volumeRamp: 0)
    }

    /// After a flush: what the chain holds goes, its books start again (time saved kept).
    func restartChain() {
        guard let chain else { return }
        savedBefore = savedHeard
        chain.seek(toEpisodeFrame: 0)
    }

    /// `PlayerControl.apply`: checked, then set; a new speed or silence mode heard at once.
    func apply(_ wanted: PlaybackProcessing) throws(AudioError) {
        if let problem = wanted.problem { throw AudioError(.badArgument, problem) }
        let before = processing
        processing = wanted
        guard let chain else { return }
        configure(chain, levellingRamp: 1, volumeRamp: 0.05)
        guard !wanted.differsOnlyInGain(from: before), decoder != nil, state != .stopped, outputError == nil else { return }
        // What the sink holds was made at the old speed: it goes, and playback goes on from the
        // position heard now, as after a seek (paused: the frozen position, refilled corked).
        let position = state == .paused ? lastHeard : heardPosition()
        _ = try reposition(to: position)
    }

    /// The stages set to `processing` (values checked by `apply`; the chain accepts all of them).
    private func configure(_ chain: DSPChain, levellingRamp: Double, volumeRamp: Double) {
        try? chain.stretcher.setSpeed(processing.speed)
        chain.shortener.setMode(processing.silence)
        let decibels = processing.levellingGainDB ?? 0
        if decibels != chain.gain.levellingDecibels || levellingRamp == 0 {
            try? chain.gain.setLevelling(decibels: decibels, rampSeconds: levellingRamp)
        }
        if processing.volume != chain.gain.volume || volumeRamp == 0 {
            try? chain.gain.setVolume(processing.volume, rampSeconds: volumeRamp)
        }
    }

    /// Decoded bytes to the sink, through the chain (the same buffer when it is bypassing).
    func write(_ bytes: UnsafeRawBufferPointer) throws(AudioError) {
        guard let chain else {
            try sink.write(bytes)
            return
        }
        let sink = self.sink
        do {
            try chain.process(bytes.bindMemory(to: Int16.self)) { samples in try sink.write(UnsafeRawBufferPointer(samples)) }
        } catch let error as AudioError {
            throw error
        } catch {
            throw AudioError(.outputFailed, "The DSP stage failed: \(error)")
        }
    }

    /// The end of the audio: what the chain holds goes to the sink.
    func drainChain() throws(AudioError) {
        guard let chain, !chain.isBypassing else { return }
        let sink = self.sink
        do {
            try chain.drain { samples in try sink.write(UnsafeRawBufferPointer(samples)) }
        } catch let error as AudioError {
            throw error
        } catch {
            throw AudioError(.outputFailed, "The DSP stage failed: \(error)")
        }
    }
}
