import WDFAudio
import WDFCore
import WDFLibrary

/// The listener's sleep timer: pause after some listening time, at the end of the chapter being
/// heard, or at the end of the episode, with a short fade-out first. The resume position is where
/// the fade began, so nothing faded is missed.
struct SleepTimer {
    enum Mode: Equatable {
        /// Seconds of listening left (counts down only while playing).
        case listening(Double)
        case chapterEnd
        case episodeEnd
    }

    static let fadeSeconds = 3.0
    static let fadeSteps = 15
    /// A fade before the end of a chapter or episode is over this long before it: the pause must
    /// come before the audio ends (else the episode would finish, and the next one follow).
    static let endMargin = 0.5

    var mode: Mode
    /// Monotonic time the fade is due to begin (nil while paused or when not computable).
    var fadeAt: Double?
    /// Set once the fade began: where it began (seconds) and its next step.
    var fadeFrom: Double?
    var fadeStep = 0
    var nextFadeStep: Double?

    init(mode: Mode) { self.mode = mode }

    var isFading: Bool { fadeFrom != nil }

    /// True for a timer of listening time (as opposed to a place in the audio).
    var countsListeningTime: Bool {
        if case .listening = mode { return true }
        return false
    }

    /// The next moment something must happen.
    var nextDeadline: Double? { isFading ? nextFadeStep : fadeAt }

    /// Seconds of listening until the fade begins, from the heard position `position`, playing
    /// `speed` episode seconds a second (the fade and the margin are listening time).
    func secondsUntilFade(position: Double, chapters: ChapterList?, duration: Double?, speed: Double = 1) -> Double? {
        let rate = max(speed, 0.5)
        switch mode {
        case let .listening(left):
            return max(0, left - SleepTimer.fadeSeconds)
        case .chapterEnd:
            guard let span = chapters?.current(at: position), span.end.isFinite else {
                return duration.map { max(0, ($0 - position) / rate - SleepTimer.fadeSeconds - SleepTimer.endMargin) }
            }
            return max(0, (span.end - position) / rate - SleepTimer.fadeSeconds - SleepTimer.endMargin)
        case .episodeEnd:
            return duration.map { max(0, ($0 - position) / rate - SleepTimer.fadeSeconds - SleepTimer.endMargin) }
        }
    }

    /// Recomputes when the fade begins, from the heard position (after any state change or seek):
    /// a place in the audio moves with seeks; listening time runs on while playing and keeps what
    /// is left while paused.
    mutating func reschedule(_ status: PlayerStatus, chapters: ChapterList?, now: Double, speed: Double = 1) {
        guard !isFading else { return }
        if status.state == .playing, countsListeningTime, fadeAt != nil {
            return  // listening time runs on; seeks and chapters do not change it
        }
        if status.state == .playing,
           let wait = secondsUntilFade(position: status.position, chapters: chapters, duration: status.duration, speed: speed) {
            fadeAt = now + wait
        } else {
            // Paused or stopped: a listening-time timer keeps what is left.
            if case .listening = mode, let due = fadeAt {
                mode = .listening(max(0, due - now) + SleepTimer.fadeSeconds)
            }
            fadeAt = nil
        }
    }
}
