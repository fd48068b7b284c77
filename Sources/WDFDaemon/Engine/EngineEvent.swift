import WDFAudio
import WDFCore
import WDFLibrary

/// What the engine tells its observers (the socket server's subscribers; MPRIS later), in the
/// order it happens, on the thread that drives the engine. Observers read the engine for
/// anything else they show; they must not call back into it while handling an event.
enum EngineEvent {
    /// Playing, paused or stopped.
    case stateChanged(PlayerStatus)
    /// A seek landed: the position jumped (a discontinuity).
    case seeked(PlayerStatus)
    /// The chapter heard is another one.
    case chapterChanged(PlayerStatus)
    /// An episode is in the player (played, followed, or reopened after the sleep timer).
    case episodeStarted(Episode, PlayerStatus)
    /// The episode in play was heard to its end (nil: it was not the engine's).
    case episodeEnded(Episode?, fromDemo: Bool)
    /// The sound server went away; the player paused itself.
    case outputLost(PlayerStatus)
    /// The sleep timer was set, changed or turned off.
    case sleepChanged
    /// The sleep timer paused playback; resuming starts at `pausedAt`.
    case slept(pausedAt: Double)
    /// A chapter matched by `skip_chapters` was left for `to` (seconds).
    case skipped(ChapterList.Span, to: Double)
    /// A bookmark of the episode in play was added or removed.
    case bookmarksChanged
    /// The position was saved while playing (every `checkpoint_interval`).
    case checkpoint(PlayerStatus)
}

/// The chapter the skip rules left last, as `status` shows it.
struct SkippedChapter: Equatable {
    var number: Int
    var title: String
    var at: Double
}
