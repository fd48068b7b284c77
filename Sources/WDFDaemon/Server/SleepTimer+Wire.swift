import WDFCore
import WDFLibrary
import WDFProtocol

/// The sleep timer on the wire.
extension SleepTimer {
    /// What `wdfctl sleep` shows.
    func state(position: Double, playing: Bool, chapters: ChapterList?, duration: Double?, now: Double, speed: Double = 1) -> SleepState {
        let mode: SleepState.Mode
        var remaining: Double?
        switch self.mode {
        case let .listening(left):
            mode = .time
            remaining = playing ? fadeAt.map { max(0, $0 - now) + SleepTimer.fadeSeconds } ?? left : left
        case .chapterEnd:
            mode = .chapter
            remaining = secondsUntilFade(position: position, chapters: chapters, duration: duration, speed: speed).map { $0 + SleepTimer.fadeSeconds + SleepTimer.endMargin }
        case .episodeEnd:
            mode = .episode
            remaining = secondsUntilFade(position: position, chapters: chapters, duration: duration, speed: speed).map { $0 + SleepTimer.fadeSeconds + SleepTimer.endMargin }
        }
        return SleepState(mode: mode, remaining: isFading ? 0 : remaining, fading: isFading)
    }
}
