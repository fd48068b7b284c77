import WDFAudio
import WDFCore

/// The engine's events as the protocol's event lines (Docs/protocol.md, "Events").
extension WireView {
    /// The event's name and data, or nil for an event that has no line of its own.
    func line(for event: EngineEvent) -> (String, JSON)? {
        switch event {
        case let .stateChanged(status):
            ("state", statusJSON(status))
        case let .seeked(status):
            ("seek", statusJSON(status))
        case let .chapterChanged(status):
            ("chapter", statusJSON(status))
        case .episodeStarted, .checkpoint:
            nil  // `state` follows a start; a checkpoint is only the service status
        case let .episodeEnded(episode, fromDemo):
            ("end", ["episode": episode.map { episodeJSON($0, demo: fromDemo) } ?? .null])
        case let .outputLost(status):
            ("output_lost", statusJSON(status))
        case .sleepChanged:
            ("sleep", sleepJSON())
        case let .slept(from):
            ("sleep", ["mode": "off", "remaining": nil, "fading": false, "paused_at": .number(from)])
        case let .skipped(chapter, destination):
            ("skip", ["chapter": chapterJSON(chapter), "to": .number(destination)])
        case .bookmarksChanged:
            ("chapters", .object(bookmarkCounts()))
        }
    }
}
