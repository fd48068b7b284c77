/// One chapter of an episode: a titled span of time.
public struct Chapter: Sendable, Equatable, Codable {
    /// Title as the source wrote it (trimmed); never empty ("Chapter N" stands in).
    public var title: String
    /// Start in seconds from the beginning of the audio.
    public var start: Double
    /// End in seconds, when the source says; `nil` means "until the next chapter or the end".
    public var end: Double?

    public init(title: String, start: Double, end: Double? = nil) {
        self.title = title
        self.start = start
        self.end = end
    }
}
