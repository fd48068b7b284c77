import Glibc
import Synchronization
import WDFAudio
import WDFCore
@testable import WDFDaemon
import WDFLibrary
import WDFTestSupport

/// An `Engine` with no sound server: a `NullSink` and the engine's timers on one
/// `SimulatedClock`, the real playback thread and MP3 decoder, and the fixture files as the
/// library. `run` moves time in small steps and, after each, hands the player's events to the
/// engine and runs its timers, as the daemon's loop does.
final class EngineRig {
    static let fixtures: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Tests/Fixtures"
    }()
    static let tones = fixtures + "/tones.mp3"
    /// The same audio as `tones.mp3` (same format, so it follows in the same stream).
    static let tonesAgain = fixtures + "/tones-ffmpeg.mp3"

    let clock = SimulatedClock()
    let sink: NullSink
    /// The sink the player has: `sink`, its sound-server round trips counted.
    let counted: CountingSink
    let engine: Engine
    let library: FixtureLibrary
    let directory: String
    private let inbox = PlayerEventInbox()
    /// Everything the engine told its observer, in order.
    private(set) var events: [EngineEvent] = []
    /// The sink's gain after every step (fades).
    private(set) var gains: [Double] = []

    init(config: Config = Config(), series: [String] = [EngineRig.tones]) {
        directory = TemporaryDirectory.make("engine")
        sink = NullSink(clock: clock)
        counted = CountingSink(sink)
        let inbox = inbox
        engine = Engine(config: config, stateDirectory: directory, clock: clock, sink: counted,
                        playerEvents: { inbox.post($0) })
        library = FixtureLibrary(series: series, cacheDirectory: directory)
        engine.host = library
        engine.observe { [unowned self] event in self.events.append(event) }
    }

    deinit {
        engine.player.shutdown()
        // The state files the engine wrote.
        TemporaryDirectory.remove(directory)
    }

    func episode(_ path: String) throws -> Episode { try Episode.read(path: path) }

    /// The default settings with `edit` applied.
    static func config(_ edit: (inout Config) -> Void) -> Config {
        var config = Config()
        edit(&config)
        return config
    }

    /// Hands over the events the playback thread posted up to now. Two commands make sure the
    /// thread has served the sink since the clock last moved (it answers commands first, then
    /// serves the sink, then answers the next one).
    func pump() {
        _ = engine.player.status()
        _ = engine.player.status()
        for event in inbox.take() { engine.receive(event) }
        engine.tick()
        gains.append(sink.gain)
    }

    /// Lets `seconds` of simulated time pass.
    func run(_ seconds: Double, step: Double = 0.05) {
        var left = seconds
        while left > 1e-9 {
            clock.advance(by: min(step, left))
            left -= step
            pump()
        }
    }

    /// Lets time pass until `condition` holds; false if it did not within `limit` simulated seconds.
    @discardableResult
    func run(upTo limit: Double, step: Double = 0.05, until condition: () -> Bool) -> Bool {
        pump()
        var elapsed = 0.0
        while !condition() {
            guard elapsed < limit else { return false }
            clock.advance(by: step)
            elapsed += step
            pump()
        }
        return true
    }

    /// The events of one kind, as their payloads.
    func statuses(_ pick: (EngineEvent) -> PlayerStatus?) -> [PlayerStatus] { events.compactMap(pick) }
}

/// The playback thread's events, waiting for the test's thread.
final class PlayerEventInbox: Sendable {
    private let items = Mutex<[PlayerEvent]>([])
    func post(_ event: PlayerEvent) { items.withLock { $0.append(event) } }
    func take() -> [PlayerEvent] { items.withLock { items in defer { items.removeAll() }; return items } }
}

/// The fixture files as a series, in the given order; chapters from the files' tags.
final class FixtureLibrary: EngineHost {
    let series: [String]
    let cacheDirectory: String

    init(series: [String], cacheDirectory: String) {
        self.series = series
        self.cacheDirectory = cacheDirectory
    }

    func episode(atPath path: String) throws(WireError) -> Episode {
        do { return try Episode.read(path: path) } catch { throw WireError("unreadable_tag", "\(error)") }
    }

    func chapters(for episode: Episode, duration: Double?) -> (ChapterList, ChapterOrigin?) {
        let merged = ChapterSources.merged(forAudioAt: episode.path, tag: episode.tag, duration: duration, bookmarks: [],
                                           sources: ChapterSources.all(feed: nil, cacheDirectory: cacheDirectory))
        return (ChapterList(sourced: merged.chapters, duration: duration), merged.origin)
    }

    func episode(after path: String) -> CatalogItem? {
        guard let index = series.firstIndex(of: path), index + 1 < series.count else { return nil }
        let next = series[index + 1]
        var st = stat()
        guard stat(next, &st) == 0 else { return nil }
        return CatalogItem(entry: CatalogEntry.read(path: next, size: Int(st.st_size), mtime: 0), feed: nil)
    }

    func isDemo(_ path: String) -> Bool { false }
}
