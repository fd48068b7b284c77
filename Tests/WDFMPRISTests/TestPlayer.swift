import WDFMPRIS

/// A player for the service to drive: it records every command and does what it says to its
/// state, so that what playerctl reads afterwards follows.
final class TestPlayer: MPRISPlayer {
    var state: MPRISState
    var position: Double
    private(set) var commands: [MPRISCommand] = []
    /// `open` is refused with this sentence when set.
    var refusal: String?

    static let track = MPRISTrack(
        key: "/podcasts/Korean War/06.mp3", title: "Korean War #6: Sino-Soviet Talks Part 2", album: "Korean War",
        artists: ["The Podcast"], number: 6, path: "/podcasts/Korean War/06 Talks.mp3", duration: 1800,
        artPath: "/cache/art/06.jpg")

    init(position: Double = 100) {
        state = MPRISState(playback: .paused, track: TestPlayer.track, rate: 1, minimumRate: 0.5, maximumRate: 3,
                           volume: 1, maximumVolume: 1.5, canGoNext: true, canGoPrevious: true, canPlay: true,
                           canPause: true, canSeek: true)
        self.position = position
    }

    var mprisState: MPRISState { state }
    var mprisPosition: Double { position }

    func perform(_ command: MPRISCommand) throws(MPRISError) {
        commands.append(command)
        switch command {
        case .play: state.playback = .playing
        case .pause: state.playback = .paused
        case .playPause: state.playback = state.playback == .playing ? .paused : .playing
        case .stop:
            state.playback = .stopped
            position = 0
        case .next, .previous, .quit: break
        case let .seek(to): position = to
        case let .open(path):
            if let refusal { throw .refused(refusal) }
            state.track?.path = path
        case let .setVolume(volume): state.volume = volume
        case let .setRate(rate): state.rate = rate
        }
    }
}
