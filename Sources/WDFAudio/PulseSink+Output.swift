import CPulse

/// Where the stream plays and how loud: the config's sink and volume (changed on reload without a
/// new stream), and the volume the listener set by hand in a mixer, which the next stream keeps.
/// Everything here is called with the mainloop lock held unless it takes it itself.
extension PulseSink {
    /// The volume a new stream starts at: the listener's own, else the config's (nil at 100 %:
    /// the server's choice).
    var baseVolume: pa_volume_t? {
        if let listenerVolume { return listenerVolume }
        guard volumePercent != 100 else { return nil }
        return pa_volume_t(UInt64(PA_VOLUME_NORM) * UInt64(max(0, volumePercent)) / 100)
    }

    /// Sets the stream's volume to the base volume scaled by `gain` (lock held).
    func applyVolume() throws(AudioError) {
        let s = try liveStream()
        let base = baseVolume ?? pa_volume_t(PA_VOLUME_NORM)
        let level = gain >= 1 ? base : pa_sw_volume_multiply(base, pa_sw_volume_from_linear(gain))
        var volume = pa_cvolume()
        pa_cvolume_set(&volume, UInt32(format.channels), level)
        try wait(pa_context_set_sink_input_volume(context, pa_stream_get_index(s), &volume, PulseSink.contextOperationDone,
                                                  unmanagedSelf), "pa_context_set_sink_input_volume")
        appliedVolume = level
    }

    /// Reads the stream's volume from the server; if it is not what this sink gave it, the
    /// listener set it (a mixer): it becomes the base for this stream's fades and the next
    /// streams. Lock held; a stream that is not ready is left alone.
    func noteListenerVolume() {
        guard let s = stream, lockedFailure == nil, pa_stream_get_state(s) == PA_STREAM_READY, let ctx = context else { return }
        queriedVolume = nil
        guard let op = pa_context_get_sink_input_info(ctx, pa_stream_get_index(s), { _, info, eol, userdata in
            let sink = PulseSink.from(userdata)
            if eol == 0, let info {
                var volume = info.pointee.volume
                sink.queriedVolume = pa_cvolume_avg(&volume)
            }
            if eol != 0 { pa_threaded_mainloop_signal(sink.mainloop, 0) }
        }, unmanagedSelf) else { return }
        defer { pa_operation_unref(op) }
        let deadline = answerDeadline()
        while pa_operation_get_state(op) == PA_OPERATION_RUNNING, lockedFailure == nil {
            if !waitSignal(until: deadline) {
                pa_operation_cancel(op)
                return
            }
        }
        guard let current = queriedVolume, gain >= 1 else { return }
        if current != appliedVolume ?? pa_volume_t(PA_VOLUME_NORM) { listenerVolume = current }
    }

    /// `AudioSink.streamVolumePercent`: asks the server for the stream's volume (adopting one set in a
    /// mixer, as `noteListenerVolume` does), then gives the base volume in percent of
    /// `PA_VOLUME_NORM` (pavucontrol's numbers). Takes the mainloop lock itself.
    public func streamVolumePercent() -> Int? {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        noteListenerVolume()
        guard let base = baseVolume else { return 100 }
        return Int(((Double(base) * 100) / Double(PA_VOLUME_NORM)).rounded())
    }

    /// The config's sink and volume, as changed by a reload: the open stream moves to the sink
    /// and takes the volume at once; later streams use both. A new `volumePercent` replaces a
    /// volume the listener set by hand (the file was changed on purpose). Throws when the sink
    /// does not exist (the stream stays where it is; the next stream will try the name again).
    public func configure(device newDevice: String?, volumePercent newVolume: Int) throws(AudioError) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let wanted = newDevice.flatMap { $0.isEmpty ? nil : $0 }
        let deviceChanged = wanted != device
        let volumeChanged = newVolume != volumePercent
        device = wanted
        if volumeChanged {
            volumePercent = newVolume
            listenerVolume = nil
        }
        guard let s = stream, lockedFailure == nil, pa_stream_get_state(s) == PA_STREAM_READY, let ctx = context else {
            // Nothing plays: say now (not at the next episode) when the sink does not exist.
            if deviceChanged, let wanted, let ctx = context, pa_context_get_state(ctx) == PA_CONTEXT_READY {
                operationSucceeded = false
                try wait(pa_context_get_sink_info_by_name(ctx, wanted, { _, info, eol, userdata in
                    let sink = PulseSink.from(userdata)
                    if eol == 0, info != nil { sink.operationSucceeded = true }
                    if eol != 0 { pa_threaded_mainloop_signal(sink.mainloop, 0) }
                }, unmanagedSelf), "pa_context_get_sink_info_by_name")
                guard operationSucceeded else {
                    throw AudioError(.outputFailed, "\(soundServer(serverName, capitalized: true)) has no sink \"\(wanted)\".")
                }
            }
            return
        }
        if volumeChanged { try applyVolume() }
        guard deviceChanged else { return }
        guard let target = wanted ?? defaultSinkName else { return }
        operationSucceeded = false
        try wait(pa_context_move_sink_input_by_name(ctx, pa_stream_get_index(s), target, { _, success, userdata in
            let sink = PulseSink.from(userdata)
            sink.operationSucceeded = success != 0
            pa_threaded_mainloop_signal(sink.mainloop, 0)
        }, unmanagedSelf), "pa_context_move_sink_input_by_name")
        guard operationSucceeded else {
            throw AudioError(.outputFailed, "\(soundServer(serverName, capitalized: true)) has no sink \"\(target)\"; the episode plays on where it was.")
        }
    }
}
