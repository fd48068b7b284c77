import CPulse

/// Waiting on the sound server with a limit: a server that accepts the connection and then never
/// answers (stopped with SIGSTOP, wedged) must not hold the playback thread, and with it the
/// daemon's replies, for good.
extension PulseSink {
    /// How long one exchange with the server may take before it counts as gone.
    static let answerLimitUsec: pa_usec_t = 10_000_000

    /// The deadline for an exchange starting now (pa_rtclock time).
    func answerDeadline() -> pa_usec_t { pa_rtclock_now() + PulseSink.answerLimitUsec }

    /// Waits (lock held) for the next signal from the mainloop, at most until `deadline`; false
    /// once the deadline has passed. Without a context there is nothing to time, and no exchange.
    func waitSignal(until deadline: pa_usec_t) -> Bool {
        guard let ctx = context else {
            pa_threaded_mainloop_wait(mainloop)
            return true
        }
        if pa_rtclock_now() >= deadline { return false }
        let timer = pa_context_rttime_new(ctx, deadline, { _, _, _, userdata in
            let sink = PulseSink.from(userdata)
            pa_threaded_mainloop_signal(sink.mainloop, 0)
        }, unmanagedSelf)
        pa_threaded_mainloop_wait(mainloop)
        if let timer, let free = pa_threaded_mainloop_get_api(mainloop)?.pointee.time_free { free(timer) }
        return pa_rtclock_now() < deadline
    }

    /// The sentence for a server that did not answer in time.
    func notAnswering(_ call: StaticString) -> AudioError {
        AudioError(.outputUnavailable,
                   "\(soundServer(serverName, capitalized: true)) did not answer within \(PulseSink.answerLimitUsec / 1_000_000) s (\(call)).")
    }
}
