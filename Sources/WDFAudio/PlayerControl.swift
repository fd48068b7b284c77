/// The only way into the playback thread: commands in (each answered synchronously from the
/// thread), events out through `events`. Mirrors MPD's PlayerControl: a mailbox under one lock,
/// a condition variable the thread sleeps on, no polling.
public final class PlayerControl: @unchecked Sendable {  // @unchecked: all mutable state is under `mailbox`
    public typealias DecoderFactory = @Sendable (String) throws(AudioError) -> any AudioDecoder

    enum Command: Sendable {
        case load(path: String, position: Double, paused: Bool, title: String, refusePastEnd: Bool)
        case pause(Bool)
        case seek(Double)
        case stop
        case status
        case watch([Double])
        case gain(Double)
        case output(device: String?, volumePercent: Int)
        case queue(path: String?, position: Double, title: String)
        case process(PlaybackProcessing)
        case update(@Sendable (inout PlaybackProcessing) -> Void)
        case processNextLoad(PlaybackProcessing)
        case shutdown
    }

    private let mailbox = ConditionLock()
    private var queue: [(id: UInt64, command: Command)] = []
    private var answers: [UInt64: Result<PlayerStatus, AudioError>] = [:]
    private var nextID: UInt64 = 1
    private var wakeRequested = false
    private var running = true
    /// Only for `streamVolumePercent`, which the sink answers from any thread under its own lock.
    private let sink: any AudioSink & Sendable

    /// Starts the playback thread. `sink` is owned by that thread from now on.
    public init(sink: any AudioSink & Sendable,
                decoderFactory: @escaping DecoderFactory = { path throws(AudioError) in try MP3Decoder(path: path) },
                events: @escaping @Sendable (PlayerEvent) -> Void) {
        self.sink = sink
        let loop = PlaybackLoop(sink: sink, decoderFactory: decoderFactory, events: events)
        sink.onWritable = { [weak self] in self?.wake() }
        startThread(name: "wdf-playback") { [self] in
            self.run(loop)
        }
    }

    // MARK: commands (any thread)

    /// Opens `path` and plays (or stays paused) from `position` seconds. On failure the previous
    /// episode goes on untouched. `title` names the stream on the sound server. With
    /// `refusePastEnd`, a `position` past the end of the file fails (`.pastEnd`) instead of
    /// starting from the beginning.
    /// With `processing`, the new episode plays with it from its first frame (the episode in
    /// play keeps what it has until then); without, with what is set now.
    public func load(path: String, position: Double, paused: Bool = false, title: String = "",
                     refusePastEnd: Bool = false, processing: PlaybackProcessing? = nil) -> Result<PlayerStatus, AudioError> {
        if let processing, case let .failure(error) = send(.processNextLoad(processing)) { return .failure(error) }
        return send(.load(path: path, position: position, paused: paused, title: title, refusePastEnd: refusePastEnd))
    }

    /// Speed, skip silence, levelling gain and volume, from now on, kept across episodes (until
    /// changed or replaced by `load(processing:)`). A new speed or silence mode is heard at once:
    /// what the sink holds goes and playback goes on from the heard position (as a seek does,
    /// without a `.seeked` event). A change of gain alone asks nothing of the sound server: it
    /// applies to the audio written from now on, ramped (the sink's buffer, 1 s with PulseSink,
    /// plays out first). Fails (`.badArgument`) for a value out of its range; nothing changes then.
    @discardableResult
    public func apply(_ processing: PlaybackProcessing) -> Result<PlayerStatus, AudioError> {
        send(.process(processing))
    }

    /// `apply` of a change to what is in effect, made on the playback thread (so that one part,
    /// the speed, changes without undoing another, a levelling gain set meanwhile).
    @discardableResult
    public func update(_ change: @escaping @Sendable (inout PlaybackProcessing) -> Void) -> Result<PlayerStatus, AudioError> {
        send(.update(change))
    }

    public func setPaused(_ paused: Bool) -> Result<PlayerStatus, AudioError> { send(.pause(paused)) }

    /// Moves to `position` seconds (clamped to the audio); heard at once.
    public func seek(to position: Double) -> Result<PlayerStatus, AudioError> { send(.seek(position)) }

    public func stop() -> PlayerStatus { (try? send(.stop).get()) ?? .stopped }

    public func status() -> PlayerStatus { (try? send(.status).get()) ?? .stopped }

    /// Positions (seconds) whose crossing while playing produces a `.crossed` event; replaces the previous set.
    public func watch(boundaries: [Double]) { _ = send(.watch(boundaries.sorted())) }

    /// Scales the output volume at once (1 = normal); kept across seeks, reset by `load`.
    public func setGain(_ gain: Double) { _ = send(.gain(gain)) }

    /// The sink (nil: the server's default) and volume to play with, applied to the stream in
    /// play at once (a config reload). Fails when the sink does not exist.
    public func configureOutput(device: String?, volumePercent: Int) -> Result<PlayerStatus, AudioError> {
        send(.output(device: device, volumePercent: volumePercent))
    }

    /// The output's volume in percent as the sound server has it (a volume the listener set in a
    /// mixer is adopted by the sink and shown here); nil when the sink has none. Asked of the
    /// sink directly (it locks itself), so it never waits behind the playback thread.
    public func streamVolumePercent() -> Int? { sink.streamVolumePercent() }

    /// Stops the thread after closing decoder and sink.
    public func shutdown() { _ = send(.shutdown) }

    /// The file to go on with when the one in play ends (nil: none), from `position` seconds.
    /// When both have the same sample format it follows in the same stream, without a gap; the
    /// events are then `.ended` for the old file and `.continued` once the new one is heard.
    public func queue(path: String?, position: Double = 0, title: String = "") {
        _ = send(.queue(path: path, position: position, title: title))
    }

    private func send(_ command: Command) -> Result<PlayerStatus, AudioError> {
        mailbox.lock()
        defer { mailbox.unlock() }
        guard running else { return .success(.stopped) }
        let id = nextID
        nextID += 1
        queue.append((id, command))
        mailbox.broadcast()
        while answers[id] == nil { mailbox.wait() }
        return answers.removeValue(forKey: id)!
    }

    /// Called by the sink from its own thread: there is room for data, or its state changed.
    func wake() {
        mailbox.lock()
        wakeRequested = true
        mailbox.broadcast()
        mailbox.unlock()
    }

    // MARK: the playback thread

    private func run(_ loop: PlaybackLoop) {
        mailbox.lock()
        while true {
            while queue.isEmpty && !wakeRequested { mailbox.wait() }
            if !queue.isEmpty {
                let (id, command) = queue.removeFirst()
                mailbox.unlock()
                let answer = loop.handle(command)
                mailbox.lock()
                answers[id] = answer
                mailbox.broadcast()
                if case .shutdown = command {
                    running = false
                    // Answer anything that raced in behind the shutdown.
                    for (id, _) in queue { answers[id] = .success(.stopped) }
                    queue.removeAll()
                    mailbox.broadcast()
                    mailbox.unlock()
                    return
                }
                continue
            }
            wakeRequested = false
            mailbox.unlock()
            loop.service()
            mailbox.lock()
        }
    }
}
