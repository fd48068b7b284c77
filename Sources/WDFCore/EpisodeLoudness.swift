import Glibc

/// What one pass over an episode's audio measured (EBU R128), and which file it was: the size and
/// modification time the file had, so that a measurement of a file since replaced is never used.
public struct EpisodeLoudness: Sendable, Equatable {
    /// The loudness and true peak range kept (anything else is not a measurement of audio).
    public static let loudnessRange: ClosedRange<Double> = -70...10
    public static let peakRange: ClosedRange<Double> = -200...30

    /// Integrated loudness in LUFS; nil for an episode with nothing above the absolute gate.
    public var loudness: Double?
    /// Highest true peak in dBTP; nil for digital silence.
    public var truePeak: Double?
    /// Seconds of audio measured (less than the episode when the pass stopped at its limit).
    public var seconds: Double
    public var size: Int
    /// Modification time in microseconds since the epoch (as `CatalogEntry.mtime`).
    public var mtime: Int

    public init(loudness: Double?, truePeak: Double?, seconds: Double, size: Int, mtime: Int) {
        self.loudness = loudness.flatMap { $0.isFinite && Self.loudnessRange.contains($0) ? $0 : nil }
        self.truePeak = truePeak.flatMap { $0.isFinite && Self.peakRange.contains($0) ? $0 : nil }
        self.seconds = seconds.isFinite ? min(max(0, seconds), MediaTime.maximum) : 0
        self.size = size
        self.mtime = mtime
    }

    /// The size and modification time (µs) of the regular file at `path`, nil when there is none.
    public static func identity(of path: String) -> (size: Int, mtime: Int)? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return (Int(st.st_size), Int(st.st_mtim.tv_sec) &* 1_000_000 &+ Int(st.st_mtim.tv_nsec) / 1000)
    }

    /// Whether this measurement is of the file at `path` as it is now.
    public func matches(_ identity: (size: Int, mtime: Int)?) -> Bool {
        guard let identity else { return false }
        return identity.size == size && identity.mtime == mtime
    }
}
