import Glibc
import WDFCore
import WDFPlatform
import WDFDSP

/// One pass over an episode's audio from the start, decoding it and measuring its integrated
/// loudness and true peak (EBU R128, `LoudnessMeter`), in bounded memory and time: one 64 KiB
/// buffer and the meter's histogram (constant, whatever the length), at most `maximumSeconds` of
/// audio (an episode longer than that is levelled by its first six hours), and a `proceed` check
/// between buffers that can stop or hold the pass.
public enum LoudnessScan {
    public static let maximumSeconds = 6.0 * 3600
    static let bufferBytes = 1 << 16

    /// Measures `path` (its first `seconds`, at most `maximumSeconds`). `proceed` is asked before every buffer (about 0.37 s of 44.1 kHz stereo);
    /// false abandons the pass, which then returns nil, as it does when the file changed while it
    /// was read (a measurement must be of the file that is there). A format change in the middle
    /// of the file ends the pass there: what came before is the measurement.
    public static func measure(path: String,
                               decoderFactory: PlayerControl.DecoderFactory = { path throws(AudioError) in try MP3Decoder(path: path) },
                               limit seconds: Double = maximumSeconds,
                               proceed: () -> Bool = { true }) throws(AudioError) -> EpisodeLoudness? {
        guard let before = EpisodeLoudness.identity(of: path) else {
            throw AudioError(.openFailed, "Cannot measure the loudness of \(FileName.display(path)): it is not a file.")
        }
        let decoder = try decoderFactory(path)
        let format = decoder.format
        let meter: LoudnessMeter
        do {
            meter = try LoudnessMeter(sampleRate: format.sampleRate, channels: format.channels)
        } catch {
            throw AudioError(.decodeFailed, "Cannot measure the loudness of \(FileName.display(path)): \(error.message)")
        }
        let limit = Int((min(max(0, seconds.isFinite ? seconds : 0), maximumSeconds) * Double(format.sampleRate)).rounded())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferBytes, alignment: 16)
        defer { buffer.deallocate() }
        while meter.frames < limit {
            guard proceed() else { return nil }
            let bytes = try decoder.read(into: buffer)
            guard bytes > 0, decoder.format == format else { break }
            let samples = UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: Int16.self),
                                              count: bytes / 2 / format.channels * format.channels)
            do {
                try meter.add(samples)
            } catch {
                throw AudioError(.decodeFailed, "Cannot measure the loudness of \(FileName.display(path)): \(error.message)")
            }
        }
        guard let after = EpisodeLoudness.identity(of: path), after == before else { return nil }
        do {
            return EpisodeLoudness(loudness: try meter.integratedLoudness(), truePeak: try meter.truePeak(),
                                   seconds: Double(meter.frames) / Double(format.sampleRate),
                                   size: after.size, mtime: after.mtime)
        } catch {
            throw AudioError(.decodeFailed, "Cannot measure the loudness of \(FileName.display(path)): \(error.message)")
        }
    }
}
