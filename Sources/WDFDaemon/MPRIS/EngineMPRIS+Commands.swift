import WDFAudio
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFMPRIS

/// The desktop's commands (already checked against the MPRIS rules by the service) as engine
/// calls; a refusal reaches the caller as a D-Bus error with the daemon's sentence.
extension EngineMPRIS {
    func perform(_ command: MPRISCommand) throws(MPRISError) {
        do throws(WireError) {
            try run(command)
        } catch {
            throw .refused(error.message)
        }
    }

    private func run(_ command: MPRISCommand) throws(WireError) {
        switch command {
        case .play: try play()
        case .pause:
            if engine.status.state != .stopped { _ = try engine.setPaused(true) }
        case .playPause:
            if engine.status.state == .playing { _ = try engine.setPaused(true) } else { try play() }
        case .stop: _ = engine.stop()
        case .next: try step(forward: true)
        case .previous: try step(forward: false)
        case let .seek(to: position): _ = try engine.seek(position: position, offset: nil)
        case let .open(path: path): try open(path)
        case let .setVolume(volume): try setVolume(volume)
        case let .setRate(rate): try engine.listening.setSpeed(rate, by: nil, config: engine.config)
        case .quit: onQuit()
        }
    }

    /// Resumes the episode in play; when stopped (or after the end), plays the last episode as
    /// `wdfctl resume` does (a finished one goes on to the next of its series).
    private func play() throws(WireError) {
        if engine.status.state != .stopped, engine.nowPlaying != nil {
            _ = try engine.setPaused(false)
            return
        }
        _ = try commands.setPaused(false)
    }

    private func open(_ path: String) throws(WireError) {
        let episode = try library.episode(atPath: path)
        _ = try engine.play(episode, fromDemo: library.isDemo(episode.path), from: nil, restart: false)
    }

    /// By chapter, else by episode (`MPRISStep`), from the heard position.
    private func step(forward: Bool) throws(WireError) {
        guard let now = engine.nowPlaying else { return }
        let heard = engine.heardStatus()
        guard heard.state != .stopped else { return }
        // The neighbours as the library is now (one may have been downloaded since the episode began).
        let items = (try? library.currentCatalog().items) ?? []
        let path = now.episode.path
        let step = forward
            ? MPRISStep.next(chapters: now.chapters, position: heard.position,
                             nextEpisode: MPRISStep.neighbour(of: path, in: items, forward: true))
            : MPRISStep.previous(chapters: now.chapters, position: heard.position,
                                 previousEpisode: MPRISStep.neighbour(of: path, in: items, forward: false))
        switch step {
        case let .chapter(span): _ = try engine.jump(to: span)
        case .start: _ = try engine.seek(position: 0, offset: nil)
        case let .episode(path): try open(path)
        case .nothing: break
        }
    }

    /// The player's volume: the same as `wdfctl volume` (the stream's volume, kept across
    /// episodes and restarts); MPRIS 1.0 is 100 %.
    private func setVolume(_ volume: Double) throws(WireError) {
        guard volume.isFinite else { throw .badArgument("The volume must be a number.") }
        let percent = Int(clamping: Int64((min(max(volume, 0), 1.5) * 100).rounded()))
        _ = try engine.levels.setVolume(percent, config: engine.config)
    }
}
