import CPulse
import WDFCore

/// Playback through libpulse's asynchronous API: a threaded mainloop, one context, one stream.
///
/// Owns the mainloop and the stream (the context is its `PulseContext`'s); no libpulse pointer
/// leaves WDFAudio. All public methods take the mainloop lock,
/// so they may be called from any one thread (the playback thread). Callbacks run on the
/// mainloop's thread with the lock held and only record state, signal, and call `onWritable`.
/// Waits on the server go through `waits` (with a limit); the heard position is `position`'s sums.
public final class PulseSink: AudioSink, @unchecked Sendable {  // @unchecked: state guarded by the pa mainloop lock
    public var onWritable: (@Sendable () -> Void)?
    /// Written by mainloop callbacks and by methods that hold the mainloop lock; read only with
    /// it held (inside this type, or through `failure` and `drained`, which take it).
    var lockedFailure: AudioError?
    var lockedDrained = false

    public var failure: AudioError? {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        return lockedFailure
    }

    public var drained: Bool {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        return lockedDrained
    }

    let mainloop: OpaquePointer
    let connection: PulseContext
    var context: OpaquePointer? { connection.context }
    var stream: OpaquePointer?
    private var drainOperation: OpaquePointer?
    var format: AudioFormat { position.format }
    private var position = StreamPosition(format: AudioFormat(sampleRate: 44100, channels: 2))
    let waits: MainloopWait
    /// Sink name (nil: the server's default) and volume from the config; changed by `configure`.
    var device: String?
    var volumePercent: Int
    /// The volume the listener gave the stream by hand (pavucontrol): kept for the streams after it.
    var listenerVolume: pa_volume_t?
    /// The volume this sink last gave the stream (nil: the server's choice when it connected).
    var appliedVolume: pa_volume_t?
    /// The fade factor in effect (1 = none).
    var gain = 1.0
    /// Set by the callbacks of `PulseSink+Output`.
    var queriedVolume: pa_volume_t?
    var operationSucceeded = false
    var defaultSinkName: String? { connection.defaultSinkName }
    private let bufferSeconds: Double
    /// How the server names itself, read on connecting ("pulseaudio", "PulseAudio (on PipeWire 1.0.5)").
    public var serverName: String? { connection.serverName }

    /// - Parameters:
    ///   - device: sink name, nil for the server default.
    ///   - bufferSeconds: target buffer; pause and seek do not wait for it (cork and flush act at once).
    public init(applicationName: String = "wdfplay", device: String? = nil, volumePercent: Int = 100,
                bufferSeconds: Double = 1.0) throws(AudioError) {
        guard let ml = pa_threaded_mainloop_new() else {
            throw AudioError(.outputFailed, "Could not create the libpulse main loop.")
        }
        mainloop = ml
        waits = MainloopWait(mainloop: ml)
        self.device = device.flatMap { $0.isEmpty ? nil : $0 }
        self.volumePercent = volumePercent
        self.bufferSeconds = bufferSeconds
        connection = PulseContext(mainloop: ml, waits: waits, applicationName: applicationName)
        pa_threaded_mainloop_set_name(ml, "wdf-pulse")
        connection.onLost = { [unowned self] in
            lockedFailure = AudioError(.outputUnavailable, "Lost the connection to \(soundServer(serverName)).")
            onWritable?()
        }
        try checkPulse(pa_threaded_mainloop_start(ml), "pa_threaded_mainloop_start", context: nil)
    }

    deinit {
        pa_threaded_mainloop_lock(mainloop)
        dropStream()
        connection.drop()
        pa_threaded_mainloop_unlock(mainloop)
        pa_threaded_mainloop_stop(mainloop)
        pa_threaded_mainloop_free(mainloop)
    }

    var unmanagedSelf: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> PulseSink {
        Unmanaged<PulseSink>.fromOpaque(userdata!).takeUnretainedValue()
    }

    /// The deadline for an exchange starting now, and a wait (lock held) for the mainloop's next
    /// signal until then: false once it has passed.
    func answerDeadline() -> pa_usec_t { waits.deadline() }
    func waitSignal(until deadline: pa_usec_t) -> Bool { waits.signal(until: deadline, context: context) }

    // MARK: connection

    /// Connects to the server if not connected. Called with the lock held.
    func ensureContext() throws(AudioError) {
        if try connection.ensure() { lockedFailure = nil }
    }

    private func dropStream() {
        if let op = drainOperation {
            pa_operation_cancel(op)
            pa_operation_unref(op)
            drainOperation = nil
        }
        if let s = stream {
            pa_stream_set_state_callback(s, nil, nil)
            pa_stream_set_write_callback(s, nil, nil)
            pa_stream_disconnect(s)
            pa_stream_unref(s)
            stream = nil
        }
    }

    /// Connects to the server now (the first `open` would otherwise do it).
    public func connect() throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        try ensureContext()
    }

    /// True when the server answers: connects if there is no ready context.
    public func serverIsReachable() -> Bool {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        return (try? ensureContext()) != nil
    }

    // MARK: AudioSink

    public func open(format: AudioFormat, title: String) throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        noteListenerVolume()
        dropStream()
        try ensureContext()
        position = StreamPosition(format: format)
        var spec = pa_sample_spec(format: PA_SAMPLE_S16LE, rate: UInt32(format.sampleRate), channels: UInt8(format.channels))
        guard pa_sample_spec_valid(&spec) != 0 else {
            throw AudioError(.outputFailed, "\(soundServer(serverName, capitalized: true)) cannot play \(format).")
        }
        var map = pa_channel_map()
        pa_channel_map_init_extend(&map, UInt32(format.channels), PA_CHANNEL_MAP_DEFAULT)
        let props = pa_proplist_new()
        defer { pa_proplist_free(props) }
        pa_proplist_sets(props, "media.role", "music")
        let name = StreamNaming.streamName(title)
        pa_proplist_sets(props, "media.name", name)
        guard let s = pa_stream_new_with_proplist(context, name, &spec, &map, props) else {
            throw pulseError("pa_stream_new", context: context, server: serverName)
        }
        stream = s
        pa_stream_set_state_callback(s, { _, userdata in
            let sink = PulseSink.from(userdata)
            sink.streamStateChanged()
        }, unmanagedSelf)
        pa_stream_set_write_callback(s, { _, _, userdata in
            let sink = PulseSink.from(userdata)
            sink.onWritable?()
        }, unmanagedSelf)
        let target = UInt32(Double(format.bytesPerSecond) * bufferSeconds) / UInt32(format.bytesPerFrame) * UInt32(format.bytesPerFrame)
        var attr = pa_buffer_attr(maxlength: UInt32.max, tlength: target, prebuf: UInt32.max,
                                  minreq: target / 4, fragsize: UInt32.max)
        // No AUTO_TIMING_UPDATE: its timer would wake a paused daemon; positions are read on demand.
        let flags = pa_stream_flags_t(rawValue: PA_STREAM_START_CORKED.rawValue | PA_STREAM_ADJUST_LATENCY.rawValue)
        // The listener's own volume if they set one, else the config's; at 100 % and none set by
        // hand, the server's choice (its stream-restore module remembers the listener's).
        gain = 1
        appliedVolume = baseVolume
        var volume = pa_cvolume()
        pa_cvolume_set(&volume, UInt32(format.channels), appliedVolume ?? pa_volume_t(PA_VOLUME_NORM))
        let rc = appliedVolume == nil
            ? pa_stream_connect_playback(s, device, &attr, flags, nil, nil)
            : pa_stream_connect_playback(s, device, &attr, flags, &volume, nil)
        try checkPulse(rc, "pa_stream_connect_playback", context: context, server: serverName)
        let deadline = answerDeadline()
        while true {
            let state = pa_stream_get_state(s)
            if state == PA_STREAM_READY { break }
            if state == PA_STREAM_FAILED || state == PA_STREAM_TERMINATED {
                let error = pulseError("pa_stream_connect_playback", context: context, server: serverName)
                dropStream()
                if let device {
                    throw AudioError(.outputFailed, "Cannot play to the sink \"\(device)\" of \(soundServer(serverName)): \(error.message)")
                }
                throw error
            }
            if !waitSignal(until: deadline), pa_stream_get_state(s) != PA_STREAM_READY {
                dropStream()
                throw MainloopWait.notAnswering("pa_stream_connect_playback", server: serverName)
            }
        }
        lockedDrained = false
        lockedFailure = nil
    }

    private func streamStateChanged() {
        if let s = stream {
            let state = pa_stream_get_state(s)
            if state == PA_STREAM_FAILED || state == PA_STREAM_TERMINATED, lockedFailure == nil {
                lockedFailure = AudioError(.outputUnavailable, "The stream to \(soundServer(serverName)) ended unexpectedly.")
                onWritable?()
            }
        }
        pa_threaded_mainloop_signal(mainloop, 0)
    }

    public func close() {
        pa_threaded_mainloop_lock(mainloop)
        dropStream()
        pa_threaded_mainloop_unlock(mainloop)
    }

    /// The episode title as the stream's name; the old name stays if the server refuses.
    public func rename(_ title: String) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        guard let s = stream, lockedFailure == nil, pa_stream_get_state(s) == PA_STREAM_READY else { return }
        let props = pa_proplist_new()
        defer { pa_proplist_free(props) }
        pa_proplist_sets(props, "media.name", StreamNaming.streamName(title))
        try? wait(pa_stream_proplist_update(s, PA_UPDATE_REPLACE, props, PulseSink.operationDone, unmanagedSelf),
                  "pa_stream_proplist_update")
    }

    /// The stream, or the error that explains why there is none. Lock held.
    func liveStream() throws(AudioError) -> OpaquePointer {
        if let lockedFailure { throw lockedFailure }
        guard let s = stream, pa_stream_get_state(s) == PA_STREAM_READY else {
            throw AudioError(.outputFailed, "No stream to \(soundServer(serverName)) is open.")
        }
        return s
    }

    public func writableBytes() throws(AudioError) -> Int {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let n = pa_stream_writable_size(try liveStream())
        if n == Int(bitPattern: UInt(UInt64.max)) { throw pulseError("pa_stream_writable_size", context: context, server: serverName) }
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(AudioError) {
        guard bytes.count > 0 else { return }
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let s = try liveStream()
        try checkPulse(pa_stream_write(s, bytes.baseAddress, bytes.count, nil, 0, PA_SEEK_RELATIVE), "pa_stream_write", context: context, server: serverName)
        position.wrote(bytes.count)
        lockedDrained = false
    }

    public func setPaused(_ paused: Bool) throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let s = try liveStream()
        try wait(pa_stream_cork(s, paused ? 1 : 0, PulseSink.operationDone, unmanagedSelf), "pa_stream_cork")
    }

    /// Scales the stream's volume (1 = the configured volume); applied by the server at once, so a
    /// fade is heard as it happens rather than a buffer later.
    public func setGain(_ gain: Double) throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        _ = try liveStream()
        // A fade starts from the volume the stream has now (the listener may have changed it).
        if self.gain == 1, gain < 1 { noteListenerVolume() }
        self.gain = max(0, min(1, gain))
        try applyVolume()
    }

    static let contextOperationDone: @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer?) -> Void = { _, _, userdata in
        let sink = PulseSink.from(userdata)
        pa_threaded_mainloop_signal(sink.mainloop, 0)
    }

    public func startNow() throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let s = try liveStream()
        try wait(pa_stream_trigger(s, PulseSink.operationDone, unmanagedSelf), "pa_stream_trigger")
    }

    public func flush() throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let s = try liveStream()
        if let op = drainOperation {
            pa_operation_cancel(op)
            pa_operation_unref(op)
            drainOperation = nil
        }
        try wait(pa_stream_flush(s, PulseSink.operationDone, unmanagedSelf), "pa_stream_flush")
        try wait(pa_stream_update_timing_info(s, PulseSink.operationDone, unmanagedSelf), "pa_stream_update_timing_info")
        let readIndex = pa_stream_get_timing_info(s).map { UInt64(max(0, $0.pointee.read_index)) }
        position.restart(atUsec: readIndex.map { pa_bytes_to_usec($0, pa_stream_get_sample_spec(s)) } ?? position.baseUsec)
        lockedDrained = false
    }

    public func startDrain() throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let s = try liveStream()
        guard drainOperation == nil else { return }
        lockedDrained = false
        guard let op = pa_stream_drain(s, { _, _, userdata in
            let sink = PulseSink.from(userdata)
            sink.lockedDrained = true
            if let op = sink.drainOperation {
                pa_operation_unref(op)
                sink.drainOperation = nil
            }
            sink.onWritable?()
        }, unmanagedSelf) else {
            throw pulseError("pa_stream_drain", context: context, server: serverName)
        }
        drainOperation = op
    }

    public func heardSeconds() throws(AudioError) -> Double {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let s = try liveStream()
        // A fresh reading from the server (one local round trip) rather than libpulse's
        // extrapolation, which keeps the clock running while a waking sink has not consumed
        // anything yet (seen with the null sink: up to 0.9 s of "heard" silence).
        try wait(pa_stream_update_timing_info(s, PulseSink.operationDone, unmanagedSelf), "pa_stream_update_timing_info")
        guard let info = pa_stream_get_timing_info(s) else { return 0 }
        // The byte at the read index leaves the sink after the sink's own latency.
        let readUsec = Double(pa_bytes_to_usec(UInt64(max(0, info.pointee.read_index)), pa_stream_get_sample_spec(s)))
        return position.heardSeconds(readUsec: readUsec, sinkUsec: Double(info.pointee.sink_usec))
    }

    public var writtenSeconds: Double {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        return position.writtenSeconds
    }

    // MARK: operations

    static let operationDone: @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer?) -> Void = { _, _, userdata in
        let sink = PulseSink.from(userdata)
        pa_threaded_mainloop_signal(sink.mainloop, 0)
    }

    /// Waits (lock held) until `op` completes or the connection fails.
    func wait(_ op: OpaquePointer?, _ call: StaticString) throws(AudioError) {
        guard let op else { throw pulseError(call, context: context, server: serverName) }
        defer { pa_operation_unref(op) }
        if waits.finish(op, context: context, while: { lockedFailure == nil }) { return }
        if let lockedFailure { throw lockedFailure }
        // Gone as far as playing goes: what follows fails at once, and output recovery takes
        // over (it tries again on the daemon's timer).
        let error = MainloopWait.notAnswering(call, server: serverName)
        lockedFailure = error
        throw error
    }
}

