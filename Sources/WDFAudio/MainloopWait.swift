import CPulse

/// Waiting on the sound server with a limit: a server that accepts the connection and then never
/// answers (stopped with SIGSTOP, wedged) must not hold the playback thread, and with it the
/// daemon's replies, for good. Every wait runs with the mainloop lock held.
struct MainloopWait {
    /// How long one exchange with the server may take before it counts as gone.
    static let limitUsec: pa_usec_t = 10_000_000

    let mainloop: OpaquePointer

    /// The deadline for an exchange starting now (pa_rtclock time).
    func deadline() -> pa_usec_t { pa_rtclock_now() + MainloopWait.limitUsec }

    /// Waits for the next signal from the mainloop, at most until `deadline`; false once the
    /// deadline has passed. Without a context there is nothing to time, and no exchange.
    func signal(until deadline: pa_usec_t, context: OpaquePointer?) -> Bool {
        guard let context else {
            pa_threaded_mainloop_wait(mainloop)
            return true
        }
        if pa_rtclock_now() >= deadline { return false }
        let timer = pa_context_rttime_new(context, deadline, { _, _, _, userdata in
            pa_threaded_mainloop_signal(OpaquePointer(userdata), 0)
        }, UnsafeMutableRawPointer(mainloop))
        pa_threaded_mainloop_wait(mainloop)
        if let timer, let api = pa_threaded_mainloop_get_api(mainloop), let free = api.pointee.time_free {
            free(timer)
            // pa_mainloop does not wake up to forget a freed timer: its poll still ends at the old
            // deadline, and a daemon paused right after this exchange would wake up once, 10 s
            // later, for nothing. Wake it now (the api's userdata is the threaded mainloop's
            // pa_mainloop), while it is busy with this exchange anyway.
            if let inner = api.pointee.userdata { pa_mainloop_wakeup(OpaquePointer(inner)) }
        }
        return pa_rtclock_now() < deadline
    }

    /// Waits until `op` is done, while `going()` holds and the limit has not passed; true when it
    /// is done, false when it was cancelled (no longer `going`, or no answer in time).
    func finish(_ op: OpaquePointer, context: OpaquePointer?, while going: () -> Bool) -> Bool {
        let deadline = deadline()
        while pa_operation_get_state(op) == PA_OPERATION_RUNNING {
            if !going() || (!signal(until: deadline, context: context) && pa_operation_get_state(op) == PA_OPERATION_RUNNING) {
                pa_operation_cancel(op)
                return false
            }
        }
        return true
    }

    /// The sentence for a server that did not answer in time.
    static func notAnswering(_ call: StaticString, server: String?) -> AudioError {
        AudioError(.outputUnavailable,
                   "\(soundServer(server, capitalized: true)) did not answer within \(limitUsec / 1_000_000) s (\(call)).")
    }
}
