import WDFAudio
import WDFCore

/// Skip rules (`skip_chapters`): chapters whose titles match are left as playback enters them.
extension Engine {
    /// A chapter whose title matches `skip_chapters`; a bookmark inside one is skipped with it.
    func wouldSkip(_ span: ChapterList.Span) -> Bool {
        guard !skipRules.isEmpty else { return false }
        guard span.isBookmark else { return skipRules.matches(span.title) }
        guard let chapters = nowPlaying?.chapters else { return false }
        return chapters.current(at: span.start).map { skipRules.matches($0.title) } ?? false
    }

    /// When playback will enter a chapter to skip, from the heard position (recomputed after every
    /// state change, seek or boundary). The chapter the listener navigated into is never skipped.
    func scheduleSkip(_ status: PlayerStatus) {
        skipAt = nil
        guard status.state == .playing, !skipRules.isEmpty, let chapters = nowPlaying?.chapters else { return }
        let current = chapters.current(at: status.position)
        if let current, wouldSkip(current), current.number != navigatedChapter {
            skipAt = clock.now()
            return
        }
        guard let next = chapters.spans.first(where: { $0.start > status.position + 0.0005 && wouldSkip($0) }) else { return }
        skipAt = clock.now() + (next.start - status.position)
    }

    /// Leaves a chapter matched by `skip_chapters` for the next one that is not, with an event.
    func skipIfDue() {
        guard let due = skipAt, clock.now() >= due else { return }
        skipAt = nil
        let status = heardStatus()
        guard status.state == .playing, let chapters = nowPlaying?.chapters,
              let current = chapters.current(at: status.position), wouldSkip(current),
              current.number != navigatedChapter else {
            scheduleSkip(status)
            return
        }
        // Playback reached it before the prediction said: wait for the real start.
        var target = current
        while wouldSkip(target), let following = chapters.span(number: target.number + 1) { target = following }
        let destination = wouldSkip(target) ? target.end : target.start
        log.info("skipping chapter \(current.number) \"\(current.title)\" (skip_chapters)")
        lastSkipped = SkippedChapter(number: current.number, title: current.title, at: current.start)
        emit(.skipped(current, to: destination))
        if let duration = status.duration, destination >= duration - 0.05 {
            if case let .success(moved) = player.seek(to: max(0, duration - 0.05)) { note(moved) }
        } else {
            if case let .success(moved) = player.seek(to: destination) { note(moved) }
        }
    }
}
