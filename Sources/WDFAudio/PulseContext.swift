import CPulse

/// The connection to the sound server: one libpulse context, made when needed and dropped when it
/// fails, and what the server says about itself on connecting (its name for messages, its default
/// sink). Owned by `PulseSink`, which holds the mainloop; every method runs with its lock held.
final class PulseContext {
    private let mainloop: OpaquePointer
    private let waits: MainloopWait
    private let applicationName: String
    private(set) var context: OpaquePointer?
    /// How the server names itself, read on connecting ("pulseaudio", "PulseAudio (on PipeWire 1.0.5)").
    var serverName: String?
    var defaultSinkName: String?
    /// Called (mainloop thread, lock held) when a ready connection fails or ends.
    var onLost: () -> Void = {}

    init(mainloop: OpaquePointer, waits: MainloopWait, applicationName: String) {
        self.mainloop = mainloop
        self.waits = waits
        self.applicationName = applicationName
    }

    private var unmanagedSelf: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    private static func from(_ userdata: UnsafeMutableRawPointer?) -> PulseContext {
        Unmanaged<PulseContext>.fromOpaque(userdata!).takeUnretainedValue()
    }

    /// Connects to the server if not connected; true when this made a new connection.
    func ensure() throws(AudioError) -> Bool {
        if let ctx = context {
            if pa_context_get_state(ctx) == PA_CONTEXT_READY { return false }
            drop()
        }
        let props = pa_proplist_new()
        defer { pa_proplist_free(props) }
        pa_proplist_sets(props, "application.name", applicationName)
        pa_proplist_sets(props, "application.id", "org.wdfplay")
        pa_proplist_sets(props, "application.icon_name", "audio-x-generic")
        guard let ctx = pa_context_new_with_proplist(pa_threaded_mainloop_get_api(mainloop), applicationName, props) else {
            throw AudioError(.outputFailed, "Could not create a libpulse context.")
        }
        context = ctx
        pa_context_set_state_callback(ctx, { _, userdata in
            PulseContext.from(userdata).stateChanged()
        }, unmanagedSelf)
        try checkPulse(pa_context_connect(ctx, nil, PA_CONTEXT_NOAUTOSPAWN, nil), "pa_context_connect", context: ctx, server: serverName)
        let deadline = waits.deadline()
        while true {
            let state = pa_context_get_state(ctx)
            if state == PA_CONTEXT_READY { break }
            if state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED {
                let error = pulseError("pa_context_connect", context: ctx, server: serverName)
                drop()
                throw AudioError(.outputUnavailable, error.message)
            }
            if !waits.signal(until: deadline, context: ctx), pa_context_get_state(ctx) != PA_CONTEXT_READY {
                let error = MainloopWait.notAnswering("pa_context_connect", server: serverName)
                drop()
                throw error
            }
        }
        readServerInfo(ctx)
        return true
    }

    /// Asks the server its name (kept for messages) and its default sink.
    private func readServerInfo(_ ctx: OpaquePointer) {
        guard let op = pa_context_get_server_info(ctx, { _, info, userdata in
            let connection = PulseContext.from(userdata)
            if let info, let name = info.pointee.server_name {
                connection.serverName = StreamNaming.serverName(String(cString: name))
            }
            if let info, let name = info.pointee.default_sink_name { connection.defaultSinkName = String(cString: name) }
            pa_threaded_mainloop_signal(connection.mainloop, 0)
        }, unmanagedSelf) else { return }
        defer { pa_operation_unref(op) }
        _ = waits.finish(op, context: ctx) { pa_context_get_state(ctx) == PA_CONTEXT_READY }
    }

    private func stateChanged() {
        guard let ctx = context else { return }
        let state = pa_context_get_state(ctx)
        if state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED { onLost() }
        pa_threaded_mainloop_signal(mainloop, 0)
    }

    func drop() {
        if let ctx = context {
            pa_context_set_state_callback(ctx, nil, nil)
            pa_context_disconnect(ctx)
            pa_context_unref(ctx)
            context = nil
        }
    }
}
