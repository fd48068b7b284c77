import CPulse

/// The one checker for libpulse return codes: a negative code becomes an `AudioError`
/// carrying the library's own message and the call that failed.
@inline(__always)
func checkPulse(_ rc: Int32, _ call: StaticString, context: OpaquePointer?) throws(AudioError) {
    guard rc < 0 else { return }
    throw pulseError(call, context: context)
}

func pulseError(_ call: StaticString, context: OpaquePointer?) -> AudioError {
    let errno: Int32 = context.map { pa_context_errno($0) } ?? Int32(PA_ERR_UNKNOWN.rawValue)
    let text = String(cString: pa_strerror(errno))
    if [PA_ERR_CONNECTIONREFUSED, PA_ERR_CONNECTIONTERMINATED, PA_ERR_KILLED, PA_ERR_BADSTATE].contains(where: { Int32($0.rawValue) == errno }) {
        return AudioError(.outputUnavailable, "The PulseAudio server is not reachable (\(call): \(text)).")
    }
    return AudioError(.outputFailed, "PulseAudio refused \(call): \(text).")
}
