import CPulse
import WDFCore

/// Names: the sound server's (as it reports itself, for messages), and the stream's (the episode
/// title, as mixers such as pavucontrol show it); and whether the server answers at all.
extension PulseSink {
    /// Asks the server its name (lock held); kept for messages.
    func readServerName(_ ctx: OpaquePointer) {
        guard let op = pa_context_get_server_info(ctx, { _, info, userdata in
            let sink = PulseSink.from(userdata)
            if let info, let name = info.pointee.server_name {
                sink.serverName = PulseSink.cleaned(String(cString: name), limit: 80)
            }
            if let info, let name = info.pointee.default_sink_name { sink.defaultSinkName = String(cString: name) }
            pa_threaded_mainloop_signal(sink.mainloop, 0)
        }, unmanagedSelf) else { return }
        defer { pa_operation_unref(op) }
        let deadline = answerDeadline()
        while pa_operation_get_state(op) == PA_OPERATION_RUNNING, pa_context_get_state(ctx) == PA_CONTEXT_READY {
            if !waitSignal(until: deadline) {
                pa_operation_cancel(op)
                return
            }
        }
    }

    /// A stranger's text for a stream or a message: no control characters, at most `limit` characters.
    static func cleaned(_ text: String, limit: Int) -> String {
        // The same rule as every other text shown to a person (TerminalText), cut to `limit`.
        String(String.UnicodeScalarView(TerminalText.clean(text, lines: .escaped).unicodeScalars.prefix(limit)))
            .trimmingWhitespace()
    }

    /// True when the server answers: connects if there is no ready context.
    public func serverIsReachable() -> Bool {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        do {
            try ensureContext()
            return true
        } catch {
            return false
        }
    }

    /// The episode title as the stream's name (pavucontrol, `pactl list sink-inputs`).
    static func streamName(_ title: String) -> String {
        let name = cleaned(title, limit: 200)
        return name.isEmpty ? "Podcast episode" : name
    }

    public func rename(_ title: String) {
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        guard let s = stream, lockedFailure == nil, pa_stream_get_state(s) == PA_STREAM_READY else { return }
        let props = pa_proplist_new()
        defer { pa_proplist_free(props) }
        pa_proplist_sets(props, "media.name", PulseSink.streamName(title))
        // Not worth failing playback over: the old name stays if the server refuses.
        try? wait(pa_stream_proplist_update(s, PA_UPDATE_REPLACE, props, PulseSink.operationDone, unmanagedSelf),
                  "pa_stream_proplist_update")
    }
}
