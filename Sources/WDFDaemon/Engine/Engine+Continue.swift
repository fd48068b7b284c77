import WDFAudio
import WDFCore

/// `continue = true`: the next episode of the series follows the one in play, in the same
/// stream when it can (no gap), else loaded after the end.
extension Engine {
    /// Tells the player which file follows the one in play: the next number of its series, if
    /// downloaded, from where the listener stopped in it.
    func queueNext() {
        upNext = nil
        guard config.continuePlaying, let now = nowPlaying, sleepTimer?.isFading != true,
              let next = host?.episode(after: now.episode.path) else {
            player.queue(path: nil)
            return
        }
        guard let path = next.path else {
            log.info("\(next.shortName) follows but is not downloaded; playback will stop at the end")
            player.queue(path: nil)
            return
        }
        upNext = next
        player.queue(path: path, position: store.startPosition(for: path, rewind: config.resumeRewind), title: next.title)
    }

    /// The library changed while an episode plays with nothing queued after it: the next one
    /// may have arrived.
    func requeueIfDue() {
        guard let due = requeueAt, clock.now() >= due else { return }
        requeueAt = nil
        guard nowPlaying != nil, upNext == nil else { return }
        queueNext()
        if let next = upNext { log.info("\(next.shortName) arrived in the library; it follows the episode in play") }
    }

    /// The queued episode is being heard, without a gap (the player switched files in the stream).
    func followed(_ status: PlayerStatus) {
        guard let path = status.path, let host, let episode = try? host.episode(atPath: path) else { return }
        began(episode, fromDemo: host.isDemo(path), status: status, navigated: false)
        emit(.stateChanged(status))
        nextCheckpoint = clock.now() + config.checkpointInterval
    }

    /// The queued episode could not follow in the same stream (another sample format): load it.
    func startFollowing(_ item: CatalogItem) {
        guard let path = item.path, let host else { return }
        do throws(WireError) {
            let episode = try host.episode(atPath: path)
            let start = store.startPosition(for: path, rewind: config.resumeRewind)
            switch player.load(path: path, position: start, title: episode.title) {
            case let .success(loaded):
                note(loaded)
                began(episode, fromDemo: host.isDemo(path), status: loaded, navigated: false)
            case let .failure(error):
                log.error("Cannot continue with \(path): \(error.message)")
            }
        } catch {
            log.error("Cannot continue with \(path): \(error.message)")
        }
    }
}
