import WDFAudio
import WDFCore

/// The sleep timer, driven by `tick` (nothing wakes up while paused: the timer only runs while
/// playing).
extension Engine {
    /// Sets the timer (`nil`: off). A new timer replaces the old one; a fade in progress stops
    /// and the volume comes back.
    func setSleep(_ mode: SleepTimer.Mode?) {
        guard let mode else {
            cancelSleep(restoringVolume: true)
            return
        }
        sleepTimer = SleepTimer(mode: mode)
        cancelSleep(restoringVolume: true, keepMode: true)
        scheduleSleep(heardStatus())
        log.info("sleep timer: \(sleepTimer.map { "\($0.mode)" } ?? "off")")
        emit(.sleepChanged)
    }

    /// Recomputes when the fade begins, from the heard position (after any state change or seek).
    func scheduleSleep(_ status: PlayerStatus) {
        guard var timer = sleepTimer, !timer.isFading else { return }
        if status.state == .playing, timer.countsListeningTime, timer.fadeAt != nil {
            return  // listening time runs on; seeks and chapters do not change it
        }
        if status.state == .playing,
           let wait = timer.secondsUntilFade(position: status.position, chapters: nowPlaying?.chapters, duration: status.duration) {
            timer.fadeAt = clock.now() + wait
        } else {
            // Paused or stopped: a listening-time timer keeps what is left.
            if case .listening = timer.mode, let due = timer.fadeAt {
                timer.mode = .listening(max(0, due - clock.now()) + SleepTimer.fadeSeconds)
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
        guard var timer = sleepTimer, let due = timer.nextDeadline, clock.now() >= due else { return }
        let status = heardStatus()
        guard status.state == .playing else {
            scheduleSleep(status)
            return
        }
        if !timer.isFading {
            // The deadline came from a position reading; if playback started late (a sink
            // waking up) the fade is not due yet: wait for what is really left.
            if !timer.countsListeningTime, let left = timer.secondsUntilFade(
                position: status.position, chapters: nowPlaying?.chapters, duration: status.duration), left > 0.05 {
                timer.fadeAt = clock.now() + left
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
            timer.nextFadeStep = clock.now() + SleepTimer.fadeSeconds / Double(SleepTimer.fadeSteps)
            sleepTimer = timer
            return
        }
        // Faded out: pause, go back to where the fade began, and restore the volume for next time.
        let from = timer.fadeFrom ?? status.position
        sleepTimer = nil
        if case let .success(paused) = player.setPaused(true) { note(paused) }
        if case let .success(back) = player.seek(to: from) { note(back) }
        player.setGain(1)
        remember(heardStatus(), durable: true)
        queueNext()  // resuming goes on into the next episode as usual
        log.info("sleep timer: paused; resuming will start at \(TimeFormat.clock(from))")
        emit(.slept(pausedAt: from))
    }

    /// The episode ended during the fade: it is opened again, paused where the fade began, as if
    /// the fade had ended first. Nothing after it is started or marked.
    func pauseAfterSleep(_ episode: Episode, at from: Double) {
        let fromDemo = host?.isDemo(episode.path) ?? false
        switch player.load(path: episode.path, position: from, paused: true, title: episode.title) {
        case let .success(loaded):
            note(loaded)
            began(episode, fromDemo: fromDemo, status: loaded, navigated: false)
            remember(loaded, durable: true)
            log.info("sleep timer: paused; resuming will start at \(TimeFormat.clock(from))")
            emit(.stateChanged(loaded))
        case let .failure(error):
            store.update(path: episode.path, position: from, duration: nil)
            saveStore(durable: true)
            log.error("Cannot open \(episode.path) again after the sleep timer: \(error.message)")
        }
        emit(.slept(pausedAt: from))
    }
}
