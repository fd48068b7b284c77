import WDFAudio
import WDFCore

/// The playback thread's events, as the engine's thread reads them.
extension Engine {
    func receive(_ event: PlayerEvent) {
        switch event {
        case let .stateChanged(status):
            note(status)
            if status.state == .stopped, let (episode, from) = sleptThroughEnd {
                sleptThroughEnd = nil
                pauseAfterSleep(episode, at: from)
                return
            }
            if status.state == .stopped, let next = continuing {
                // The next episode could not follow in the same stream: start it now.
                continuing = nil
                startFollowing(next)
                return
            }
            if sleepTimer?.isFading == true, status.state != .playing {
                // The listener paused during the fade: no sleep any more, full volume next time.
                cancelSleep(restoringVolume: true)
            }
            if status.state == .stopped { sleepTimer = nil }
            scheduleSleep(status)
            scheduleSkip(status)
            remember(status, durable: status.state != .playing)
            nextCheckpoint = status.state == .playing ? clock.now() + config.checkpointInterval : nil
            emit(.stateChanged(status))
        case let .seeked(status):
            note(status)
            scheduleSleep(status)
            scheduleSkip(status)
            remember(status, durable: true)
            emit(.seeked(status))
            announceChapterChange(status)
        case let .crossed(_, status):
            note(status)
            scheduleSleep(status)
            scheduleSkip(status)
            announceChapterChange(status)
        case let .ended(path, duration):
            ended(path: path, duration: duration)
        case let .failed(error, status):
            note(status)
            // Not an end: the file changed under the player. The place heard is kept, unplayed.
            log.error("\(error.message) Stopped at \(TimeFormat.clock(status.position)); the position is kept.")
            if let path = status.path {
                store.update(path: path, position: status.position, duration: status.duration)
            }
            saveStore(durable: true)
            nowPlaying = nil
            lastChapterNumber = nil
            nextCheckpoint = nil
            continuing = nil
            upNext = nil
        case let .continued(status):
            note(status)
            continuing = nil
            followed(status)
        case let .outputLost(error, status, wasPlaying):
            note(status)
            log.error("\(error.message) Paused at \(TimeFormat.clock(status.position)).")
            remember(status, durable: true)
            nextCheckpoint = nil
            emit(.outputLost(status))
            if wasPlaying { outputRecovery.start(now: clock.now()) }
        }
    }

    private func ended(path: String, duration: Double) {
        if let from = sleepTimer?.fadeFrom, let episode = nowPlaying?.episode, episode.path == path {
            // The audio ran out while the sleep timer was fading it (a timer of listening time
            // ending in the last seconds): pause there all the same, where the fade began.
            sleptThroughEnd = (episode, from)
            sleepTimer = nil
            upNext = nil
            return
        }
        store.update(path: path, position: duration, duration: duration, finished: true)
        saveStore(durable: true)
        let finished = nowPlaying
        nowPlaying = nil
        lastChapterNumber = nil
        nextCheckpoint = nil
        log.info("finished \(path)")
        emit(.episodeEnded(finished?.episode, fromDemo: finished?.fromDemo ?? false))
        continuing = config.continuePlaying ? upNext : nil
        upNext = nil
    }
}
