import WDFAudio
import WDFCore
import WDFLibrary

/// Skip rules (`skip_chapters`) over the episode in play: which chapters to leave, when playback
/// enters the next one, and where it goes instead. The chapter the listener navigated into is
/// never skipped.
struct SkipPlan {
    var rules: SkipRules
    /// When playback enters a chapter to skip (monotonic seconds).
    var at: Double?
    /// The chapter the listener chose (by seeking or navigating): exempt.
    var navigatedChapter: Int?
    /// The chapter left last, as `status` shows it.
    var lastSkipped: SkippedChapter?

    init(rules: SkipRules) { self.rules = rules }

    /// A chapter whose title matches; a bookmark inside one is skipped with it.
    func wouldSkip(_ span: ChapterList.Span, in chapters: ChapterList?) -> Bool {
        guard !rules.isEmpty else { return false }
        guard span.isBookmark else { return rules.matches(span.title) }
        guard let chapters else { return false }
        return chapters.current(at: span.start).map { rules.matches($0.title) } ?? false
    }

    /// When playback will enter a chapter to skip, from the heard position (recomputed after every
    /// state change, seek or boundary), at `speed` episode seconds a second. Skipped silences
    /// only bring it earlier: the boundary crossing then finds it due.
    mutating func schedule(_ status: PlayerStatus, chapters: ChapterList?, now: Double, speed: Double = 1) {
        at = nil
        guard status.state == .playing, !rules.isEmpty, let chapters else { return }
        let current = chapters.current(at: status.position)
        if let current, wouldSkip(current, in: chapters), current.number != navigatedChapter {
            at = now
            return
        }
        guard let next = chapters.spans.first(where: { $0.start > status.position + 0.0005 && wouldSkip($0, in: chapters) }) else { return }
        at = now + (next.start - status.position) / max(speed, 0.5)
    }

    /// At `at`, from where playback is heard: the chapter to leave and where to go (then
    /// remembered as the last skipped), or nil when there is none there yet (rescheduled).
    mutating func decide(_ status: PlayerStatus, chapters: ChapterList?, now: Double, speed: Double = 1) -> (ChapterList.Span, Double)? {
        at = nil
        guard status.state == .playing, let chapters,
              let current = chapters.current(at: status.position), wouldSkip(current, in: chapters),
              current.number != navigatedChapter else {
            // Playback reached it before the prediction said: wait for the real start.
            schedule(status, chapters: chapters, now: now, speed: speed)
            return nil
        }
        var target = current
        while wouldSkip(target, in: chapters), let following = chapters.span(number: target.number + 1) { target = following }
        let destination = wouldSkip(target, in: chapters) ? target.end : target.start
        lastSkipped = SkippedChapter(number: current.number, title: current.title, at: current.start)
        return (current, destination)
    }
}
