import WDFAudio
import WDFCore
import WDFProtocol

/// The engine's events as the protocol's events (Docs/protocol.md, "Events").
extension WireView {
    /// The event to push to subscribers, or nil for an engine event that has no line of its own.
    func event(for event: EngineEvent) -> Event? {
        switch event {
        case let .stateChanged(playing):
            .state(status(playing))
        case let .seeked(landed):
            .seek(status(landed))
        case let .chapterChanged(heard):
            .chapter(status(heard))
        case .episodeStarted, .checkpoint:
            nil  // `state` follows a start; a checkpoint is only the service status
        case let .episodeEnded(ended, fromDemo):
            .end(ended.map { episode($0, demo: fromDemo) })
        case let .outputLost(lost):
            .outputLost(status(lost))
        case .sleepChanged:
            .sleep(self.sleep())
        case let .slept(from):
            .sleep(SleepState(mode: .off, remaining: nil, fading: false, pausedAt: from))
        case let .skipped(span, destination):
            .skip(chapter: chapter(span), to: destination)
        case .bookmarksChanged:
            .chapters(bookmarkCounts())
        }
    }
}
