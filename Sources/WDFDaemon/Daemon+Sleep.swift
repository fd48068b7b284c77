import WDFAudio
import WDFCore

/// The `sleep` command (the timer itself is the engine's).
extension Daemon {
    func sleepCommand(_ request: Request) throws(WireError) -> JSON {
        if try request.bool("off") == true {
            engine.setSleep(nil)
            return sleepJSON()
        }
        let seconds = try request.number("seconds")
        let at = try request.string("at")
        switch (seconds, at) {
        case (nil, nil):
            return sleepJSON()
        case let (seconds?, nil):
            guard seconds > 0, seconds <= 24 * 3600 else { throw .badArgument("\"seconds\" must be between 0 and 24 hours.") }
            engine.setSleep(.listening(seconds))
        case (nil, "chapter"?):
            engine.setSleep(.chapterEnd)
        case (nil, "episode"?):
            engine.setSleep(.episodeEnd)
        default:
            throw .badArgument("sleep takes \"seconds\", or \"at\": \"chapter\" or \"episode\", or \"off\": true.")
        }
        return sleepJSON()
    }

    func sleepJSON(_ known: PlayerStatus? = nil) -> JSON {
        guard let timer = engine.sleepTimer else { return ["mode": "off", "remaining": nil, "fading": false] }
        let status = known ?? engine.heardStatus()
        return timer.json(position: status.position, playing: status.state == .playing, chapters: engine.nowPlaying?.chapters,
                          duration: status.duration, now: engine.clock.now())
    }
}
