import WDFAudio
import WDFCore
import WDFLibrary
import WDFProtocol

/// The engine's state as the protocol's typed messages (WDFProtocol, Docs/protocol.md): what
/// replies and events carry. Each message is written by its WDFProtocol type, never here.
struct WireView {
    unowned let engine: Engine

    /// The status object; `start` for `play`'s reply.
    func status(_ status: PlayerStatus, start: PlaybackStatus.Start? = nil) -> PlaybackStatus {
        let now = status.state == .stopped ? nil : engine.nowPlaying
        let skipped = now == nil ? nil : engine.lastSkipped.map { WDFProtocol.SkippedChapter(number: $0.number, title: $0.title, at: $0.at) }
        return PlaybackStatus(state: WireView.state(status.state), position: status.position, duration: status.duration,
                              episode: now.map { episode($0.episode, demo: $0.fromDemo) },
                              chapter: now?.chapters.current(at: status.position).map(chapter),
                              chaptersCount: now?.chapters.count ?? 0, chapterStarts: (now?.chapters.spans ?? []).map(\.start),
                              sleep: engine.sleepTimer == nil ? nil : sleep(status), skipped: skipped,
                              outputError: status.outputError?.message, storeError: engine.storeProblem, start: start,
                              listening: listeningState(status))
    }

    /// Speed and skip silence: the reply to `speed` and `silence`, and the status's fields (written
    /// there only when the listening is not plain).
    func listeningState(_ status: PlayerStatus) -> ListeningState {
        let listening = engine.listening
        let remaining = status.state == .stopped ? nil : status.duration.map { max(0, $0 - status.position) / listening.speed }
        return ListeningState(speed: listening.speed, silence: listening.silence, remaining: remaining,
                              timeSaved: status.state == .stopped ? 0 : status.timeSaved,
                              timeSavedTotal: listening.store.timeSavedTotal)
    }

    static func state(_ state: PlaybackState) -> PlaybackStatus.State {
        switch state {
        case .playing: .playing
        case .paused: .paused
        case .stopped: .stopped
        }
    }

    func episode(_ episode: Episode, demo: Bool = false) -> EpisodeRef {
        EpisodeRef(number: episode.number, title: episode.title, series: episode.series, path: episode.path, demo: demo)
    }

    func chapter(_ span: ChapterList.Span) -> ChapterInfo {
        ChapterInfo(number: span.number, title: span.title, start: span.start, end: span.end.isFinite ? span.end : nil)
    }

    /// The sleep timer (off when none is set); `known` is the status to measure from, when at hand.
    func sleep(_ known: PlayerStatus? = nil) -> SleepState {
        guard let timer = engine.sleepTimer else { return .off }
        let status = known ?? engine.heardStatus()
        return timer.state(position: status.position, playing: status.state == .playing, chapters: engine.nowPlaying?.chapters,
                           duration: status.duration, now: engine.clock.now(), speed: engine.listening.speed)
    }

    /// `chapters_count` and `bookmarks_count` of the episode in play.
    func bookmarkCounts() -> BookmarkCounts {
        BookmarkCounts(chapters: engine.nowPlaying?.chapters.count ?? 0, bookmarks: engine.nowPlaying?.bookmarks.count ?? 0)
    }

    /// Chapters and bookmarks in time order (a bookmark after the chapter it falls in), as
    /// `chapters` and `info` list them.
    static func interleaved(_ chapters: [ChapterList.Span], _ bookmarks: [ChapterList.Span]) -> [ChapterList.Span] {
        var result: [ChapterList.Span] = []
        result.reserveCapacity(chapters.count + bookmarks.count)
        var marks = bookmarks[...]
        for chapter in chapters {
            while let mark = marks.first, mark.start < chapter.start - 0.0005 {
                result.append(mark)
                marks = marks.dropFirst()
            }
            result.append(chapter)
        }
        result.append(contentsOf: marks)
        return result
    }
}
