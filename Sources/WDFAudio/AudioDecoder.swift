/// A source of PCM: one open file, decoded in order, seekable by frame.
public protocol AudioDecoder: AnyObject {
    var format: AudioFormat { get }
    /// Total length in frames (samples per channel), gapless; nil when unknown.
    var lengthFrames: Int? { get }
    /// Frame the next `read` starts at.
    var positionFrames: Int { get }
    /// Decodes into `buffer`, returns the bytes written; 0 means the end of the audio.
    /// A format change mid-stream is reported by `format` changing after the call.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int
    /// Moves to `frame` exactly (clamped to the audio).
    func seek(toFrame frame: Int) throws(AudioError)
    /// Why the audio stopped before the end of the file as it was opened (the file was cut or
    /// emptied while playing), or nil when it ended with its file. Asked once `read` returns 0.
    func endProblem() -> AudioError?
}

extension AudioDecoder {
    public func endProblem() -> AudioError? { nil }
}
