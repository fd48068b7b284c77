import WDFAudio
import WDFCore
import WDFLibrary
import WDFProtocol

/// The engine's state as the protocol's JSON (Docs/protocol.md): what replies and events carry.
struct WireView {
    unowned let engine: Engine

    func statusJSON(_ status: PlayerStatus) -> JSON {
        let now = status.state == .stopped ? nil : engine.nowPlaying
        let chapter = now?.chapters.current(at: status.position)
        let json: JSON = [
            "state": .string(status.state.rawValue),
            "position": .number(status.position),
            "duration": JSON(status.duration),
            "episode": now.map { episodeJSON($0.episode, demo: $0.fromDemo) } ?? .null,
            "chapter": chapter.map(chapterJSON) ?? .null,
            "chapters_count": .number(Double(now?.chapters.count ?? 0)),
            "chapter_starts": .array((now?.chapters.spans ?? []).map { .number($0.start) }),
            "sleep": engine.sleepTimer == nil ? .null : sleepJSON(status),
            "skipped": now == nil ? .null : engine.lastSkipped.map(skippedJSON) ?? .null,
            "output_error": JSON(status.outputError?.message),
            "store_error": JSON(engine.storeProblem),
        ]
        // Speed and skip silence: their fields only when the listening is not plain.
        let listening = listeningState(status)
        guard !listening.isPlain, case let .object(pairs) = json, case let .object(more) = listening.json else { return json }
        return .object(pairs + more)
    }

    /// The reply to `speed` and `silence` (and the status's fields).
    func listeningJSON(_ status: PlayerStatus) -> JSON { listeningState(status).json }

    func listeningState(_ status: PlayerStatus) -> ListeningState {
        let listening = engine.listening
        let remaining = status.state == .stopped ? nil : status.duration.map { max(0, $0 - status.position) / listening.speed }
        return ListeningState(speed: listening.speed, silence: listening.silence, remaining: remaining,
                              timeSaved: status.state == .stopped ? 0 : status.timeSaved,
                              timeSavedTotal: listening.store.timeSavedTotal)
    }

    func episodeJSON(_ episode: Episode, demo: Bool = false) -> JSON {
        [
            "number": JSON(episode.number),
            "title": .string(episode.title),
            "series": JSON(episode.series),
            "path": .string(episode.path),
            "demo": .bool(demo),
        ]
    }

    func skippedJSON(_ skipped: SkippedChapter) -> JSON {
        ["number": .number(Double(skipped.number)), "title": .string(skipped.title), "at": .number(skipped.at)]
    }

    func chapterJSON(_ span: ChapterList.Span) -> JSON {
        ["number": .number(Double(span.number)), "title": .string(span.title),
         "start": .number(span.start), "end": span.end.isFinite ? .number(span.end) : .null]
    }

    func sleepJSON(_ known: PlayerStatus? = nil) -> JSON {
        guard let timer = engine.sleepTimer else { return ["mode": "off", "remaining": nil, "fading": false] }
        let status = known ?? engine.heardStatus()
        return timer.json(position: status.position, playing: status.state == .playing, chapters: engine.nowPlaying?.chapters,
                          duration: status.duration, now: engine.clock.now(), speed: engine.listening.speed)
    }

    /// `chapters_count` and `bookmarks_count` of the episode in play.
    func bookmarkCounts() -> [(String, JSON)] {
        [("chapters_count", .number(Double(engine.nowPlaying?.chapters.count ?? 0))),
         ("bookmarks_count", .number(Double(engine.nowPlaying?.bookmarks.count ?? 0)))]
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
