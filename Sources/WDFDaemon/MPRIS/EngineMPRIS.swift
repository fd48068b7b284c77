import WDFAudio
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFMPRIS

/// The engine as the MPRIS service sees it: the properties from the engine's kept status and
/// the episode in play (no round trip to the playback thread), the heard position when a
/// client asks for it, and the desktop's commands as engine calls. Runs on the daemon's loop.
///
/// What it learns once per episode (its cover in the cache, its neighbours in the series) is
/// kept until another episode plays.
final class EngineMPRIS: MPRISPlayer {
    let log = Log("wdf.mpris")
    let engine: Engine
    let library: Library
    let commands: Commands
    let art: ArtCache
    /// `Quit` from the bus: the server ends its loop after this turn.
    var onQuit: () -> Void = {}
    /// The episode `about` describes.
    private(set) var about: (path: String, art: String?, next: String?, previous: String?)?

    init(engine: Engine, library: Library, commands: Commands, cacheDirectory: String) {
        self.engine = engine
        self.library = library
        self.commands = commands
        art = ArtCache(cacheDirectory: cacheDirectory)
    }

    // MARK: MPRISPlayer

    var mprisState: MPRISState {
        let status = engine.status
        var state = MPRISState()
        state.playback = switch status.state {
        case .playing: .playing
        case .paused: .paused
        case .stopped: .stopped
        }
        state.rate = engine.listening.speed
        state.minimumRate = PlaybackProcessing.speedRange.lowerBound
        state.maximumRate = PlaybackProcessing.speedRange.upperBound
        state.volume = Double(volumePercent) / 100
        state.maximumVolume = 1.5
        let canResume = engine.nowPlaying != nil || engine.store.lastPath.map { !$0.hasPrefix("feed:") } == true
        state.canPlay = canResume
        state.canPause = canResume
        guard status.state != .stopped, let now = engine.nowPlaying else { return state }
        let known = details(for: now.episode.path)
        let chapter = engine.lastChapterNumber.flatMap { now.chapters.span(number: $0) }
        state.track = EpisodeTrack.track(episode: now.episode, chapters: now.chapters, chapter: chapter,
                                         duration: status.duration, artPath: known.art, artURL: nil)
        state.canSeek = MediaTime.valid(status.duration) != nil
        state.canGoPrevious = true
        state.canGoNext = now.chapters.next(after: status.position) != nil || known.next != nil
        return state
    }

    var mprisPosition: Double {
        let heard = engine.heardStatus()
        return heard.state == .stopped ? 0 : heard.position
    }

    /// What a desktop notification says now (config `notify`): the episode's title, and the
    /// chapter heard (else the podcast); nil when notifications are off or nothing plays.
    var notification: (summary: String, body: String)? {
        guard engine.config.notify, engine.status.state != .stopped, let now = engine.nowPlaying else { return nil }
        let chapter = engine.lastChapterNumber.flatMap { now.chapters.span(number: $0) }
        return (now.episode.title, EpisodeTrack.chapterLine(chapter, of: now.chapters) ?? now.episode.series ?? "")
    }

    /// The volume in percent as kept (from `wdfctl volume`, the bus or a mixer, else the
    /// config's): no round trip to the sound server on each turn of the loop.
    var volumePercent: Int { engine.levels.volume(config: engine.config) }

    // MARK: once per episode

    /// The cover and neighbours of the episode in `path`, found the first time it is asked.
    func details(for path: String) -> (art: String?, next: String?, previous: String?) {
        if let about, about.path == path { return (about.art, about.next, about.previous) }
        var cover: String?
        do {
            cover = try art.file(forEpisodeAt: path)
        } catch {
            log.warning("No cover for \(FileName.display(path)) on the desktop: \(error).")
        }
        let items = (try? library.currentCatalog().items) ?? []
        let found = (path: path, art: cover, next: MPRISStep.neighbour(of: path, in: items, forward: true),
                     previous: MPRISStep.neighbour(of: path, in: items, forward: false))
        about = found
        return (found.art, found.next, found.previous)
    }
}
