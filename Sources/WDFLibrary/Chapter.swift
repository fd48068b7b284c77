import WDFCore

/// One chapter of an episode: a titled span of time.
public struct Chapter: Sendable, Equatable, Codable {
    /// Title as the source wrote it (trimmed); never empty ("Chapter N" stands in).
    public var title: String
    /// Start in seconds from the beginning of the audio.
    public var start: Double
    /// End in seconds, when the source says; `nil` means "until the next chapter or the end".
    public var end: Double?
    /// A longer description (ID3 TIT3), a link (WXXX / JSON `url`) and an image: a URL, or for a
    /// picture embedded in the tag a reference such as `embedded image/jpeg, 48213 bytes` (the
    /// picture itself is never kept in memory).
    public var description: String?
    public var url: String?
    public var image: String?

    public init(title: String, start: Double, end: Double? = nil, description: String? = nil, url: String? = nil,
                image: String? = nil) {
        self.title = title
        self.start = start
        self.end = end
        self.description = description
        self.url = url
        self.image = image
    }
}
