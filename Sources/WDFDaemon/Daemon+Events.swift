import WDFAudio
import WDFCore

/// The engine's events as the protocol's event lines (Docs/protocol.md, "Events").
extension Daemon {
    func publish(_ event: EngineEvent) {
        switch event {
        case let .stateChanged(status):
            broadcast("state", statusJSON(status))
        case let .seeked(status):
            broadcast("seek", statusJSON(status))
        case let .chapterChanged(status):
            broadcast("chapter", statusJSON(status))
        case .episodeStarted:
            break  // `state` follows
        case let .episodeEnded(episode, fromDemo):
            broadcast("end", ["episode": episode.map { episodeJSON($0, demo: fromDemo) } ?? .null])
        case let .outputLost(status):
            broadcast("output_lost", statusJSON(status))
        case .sleepChanged:
            broadcast("sleep", sleepJSON())
        case let .slept(from):
            broadcast("sleep", ["mode": "off", "remaining": nil, "fading": false, "paused_at": .number(from)])
        case let .skipped(chapter, destination):
            broadcast("skip", ["chapter": chapterJSON(chapter), "to": .number(destination)])
        case .bookmarksChanged:
            broadcast("chapters", .object(bookmarkCounts()))
        case let .checkpoint(status):
            notifier?.status(serviceStatus(status))
        }
    }
}
