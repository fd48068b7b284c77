import CPulse

/// The one checker for libpulse return codes: a negative code becomes an `AudioError`
/// carrying the library's own message and the call that failed.
@inline(__always)
func checkPulse(_ rc: Int32, _ call: StaticString, context: OpaquePointer?, server: String? = nil) throws(AudioError) {
    guard rc < 0 else { return }
    throw pulseError(call, context: context, server: server)
}

/// `server`: the name the server gave itself (`pa_context_get_server_info`), when known — a
/// PipeWire server answers "PulseAudio (on PipeWire …)", PulseAudio "pulseaudio".
func pulseError(_ call: StaticString, context: OpaquePointer?, server: String? = nil) -> AudioError {
    let errno: Int32 = context.map { pa_context_errno($0) } ?? Int32(PA_ERR_UNKNOWN.rawValue)
    let text = String(cString: pa_strerror(errno))
    if [PA_ERR_CONNECTIONREFUSED, PA_ERR_CONNECTIONTERMINATED, PA_ERR_KILLED, PA_ERR_BADSTATE].contains(where: { Int32($0.rawValue) == errno }) {
        return AudioError(.outputUnavailable, "\(soundServer(server, capitalized: true)) is not reachable (\(call): \(text)).")
    }
    return AudioError(.outputFailed, "\(soundServer(server, capitalized: true)) refused \(call): \(text).")
}

/// "the sound server" or "the sound server \"pulseaudio\"", for sentences.
func soundServer(_ name: String?, capitalized: Bool = false) -> String {
    let the = capitalized ? "The" : "the"
    guard let name, !name.isEmpty else { return "\(the) sound server" }
    return "\(the) sound server \"\(name)\""
}
