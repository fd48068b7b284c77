import WDFAudio
import WDFCore

/// The sleep timer's commands and its clock, driven by the daemon loop's poll timeout (nothing
/// wakes up while paused: the timer only runs while playing).
extension Daemon {
    func sleepCommand(_ request: Request) throws(WireError) -> JSON {
        if try request.bool("off") == true {
            cancelSleep(restoringVolume: true)
            return sleepJSON()
        }
        let seconds = try request.number("seconds")
        let at = try request.string("at")
        switch (seconds, at) {
        case (nil, nil):
            return sleepJSON()
        case let (seconds?, nil):
            guard seconds > 0, seconds <= 24 * 3600 else { throw .badArgument("\"seconds\" must be between 0 and 24 hours.") }
            sleepTimer = SleepTimer(mode: .listening(seconds))
        case (nil, "chapter"?):
            sleepTimer = SleepTimer(mode: .chapterEnd)
        case (nil, "episode"?):
            sleepTimer = SleepTimer(mode: .episodeEnd)
        default:
            throw .badArgument("sleep takes \"seconds\", or \"at\": \"chapter\" or \"episode\", or \"off\": true.")
        }
        cancelSleep(restoringVolume: true, keepMode: true)
        scheduleSleep(player.status())
        log.info("sleep timer: \(sleepTimer.map { "\($0.mode)" } ?? "off")")
        broadcast("sleep", sleepJSON())
        return sleepJSON()
    }

    func sleepJSON(_ known: PlayerStatus? = nil) -> JSON {
        guard let timer = sleepTimer else { return ["mode": "off", "remaining": nil, "fading": false] }
        let status = known ?? player.status()
        return timer.json(position: status.position, playing: status.state == .playing, chapters: nowPlaying?.chapters,
                          duration: status.duration, now: Daemon.now())
    }

    /// Recomputes when the fade begins, from the heard position (after any state change or seek).
    func scheduleSleep(_ status: PlayerStatus) {
        guard var timer = sleepTimer, !timer.isFading else { return }
        if status.state == .playing, timer.countsListeningTime, timer.fadeAt != nil {
            return  // listening time runs on; seeks and chapters do not change it
        }
        if status.state == .playing,
           let wait = timer.secondsUntilFade(position: status.position, chapters: nowPlaying?.chapters, duration: status.duration) {
            timer.fadeAt = Daemon.now() + wait
        } else {
            // Paused or stopped: a listening-time timer keeps what is left.
            if case .listening = timer.mode, let due = timer.fadeAt {
                timer.mode = .listening(max(0, due - Daemon.now()) + SleepTimer.fadeSeconds)
            }
            timer.fadeAt = nil
        }
        sleepTimer = timer
    }

    func cancelSleep(restoringVolume: Bool, keepMode: Bool = false) {
        let wasFading = sleepTimer?.isFading == true
        if wasFading, restoringVolume { player.setGain(1) }
        if keepMode, let mode = sleepTimer?.mode {
            sleepTimer = SleepTimer(mode: mode)
        } else {
            sleepTimer = nil
        }
        if wasFading, nowPlaying != nil { queueNext() }  // the fade had taken the next episode off
    }

    /// Fade steps, then the pause; called every loop turn.
    func runSleepTimerIfDue() {
        guard var timer = sleepTimer, let due = timer.nextDeadline, Daemon.now() >= due else { return }
        let status = player.status()
        guard status.state == .playing else {
            scheduleSleep(status)
            return
        }
        if !timer.isFading {
            // The deadline came from a position reading; if playback started late (a sink
            // waking up) the fade is not due yet: wait for what is really left.
            if !timer.countsListeningTime, let left = timer.secondsUntilFade(
                position: status.position, chapters: nowPlaying?.chapters, duration: status.duration), left > 0.05 {
                timer.fadeAt = Daemon.now() + left
                sleepTimer = timer
                return
            }
            timer.fadeFrom = status.position
            timer.fadeStep = 0
            log.info("sleep timer: fading out from \(TimeFormat.clock(status.position))")
            // Nothing follows a fade: the next episode must not start in the stream while it
            // fades (it would be the one paused, and the one heard next time).
            sleepTimer = timer
            queueNext()
        }
        timer.fadeStep += 1
        if timer.fadeStep <= SleepTimer.fadeSteps {
            player.setGain(1 - Double(timer.fadeStep) / Double(SleepTimer.fadeSteps))
            timer.nextFadeStep = Daemon.now() + SleepTimer.fadeSeconds / Double(SleepTimer.fadeSteps)
            sleepTimer = timer
            return
        }
        // Faded out: pause, go back to where the fade began, and restore the volume for next time.
        let from = timer.fadeFrom ?? status.position
        sleepTimer = nil
        _ = player.setPaused(true)
        _ = player.seek(to: from)
        player.setGain(1)
        remember(player.status(), durable: true)
        queueNext()  // resuming goes on into the next episode as usual
        log.info("sleep timer: paused; resuming will start at \(TimeFormat.clock(from))")
        broadcast("sleep", ["mode": "off", "remaining": nil, "fading": false, "paused_at": .number(from)])
    }

    /// The episode ended during the fade: it is opened again, paused where the fade began, as if
    /// the fade had ended first. Nothing after it is started or marked.
    func pauseAfterSleep(_ episode: Episode, at from: Double) {
        let fromDemo = isDemo(episode.path)
        switch player.load(path: episode.path, position: from, paused: true, title: episode.title) {
        case let .success(loaded):
            began(episode, fromDemo: fromDemo, status: loaded, navigated: false)
            remember(loaded, durable: true)
            log.info("sleep timer: paused; resuming will start at \(TimeFormat.clock(from))")
            broadcast("state", statusJSON(loaded))
        case let .failure(error):
            store.update(path: episode.path, position: from, duration: nil)
            saveStore(durable: true)
            log.error("Cannot open \(episode.path) again after the sleep timer: \(error.message)")
        }
        broadcast("sleep", ["mode": "off", "remaining": nil, "fading": false, "paused_at": .number(from)])
    }
}
