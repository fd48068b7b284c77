/// Where a chapter came from; shown by `wdfctl chapters` and carried on the wire as the raw value.
public enum ChapterOrigin: String, Sendable, Codable, CaseIterable {
    /// `CHAP`/`CTOC` frames in the file's ID3v2 tag.
    case id3
    /// A Podcasting 2.0 JSON chapters file beside the audio (`NAME.chapters.json`).
    case json
    /// A CUE sheet beside the audio (`NAME.cue`).
    case cue
    /// The podcast feed (Podlove Simple Chapters or a `podcast:chapters` URL); see `ChapterSources`.
    case feed
    /// Timestamps in the show notes (the ID3 comment, later the feed's description).
    case showNotes = "show_notes"
    /// The listener's own bookmarks (`wdfctl mark`).
    case bookmark

    /// A few words for people: "ID3 tag", "CUE sheet" …
    public var label: String {
        switch self {
        case .id3: "ID3 tag"
        case .json: "JSON chapters file"
        case .cue: "CUE sheet"
        case .feed: "feed"
        case .showNotes: "show notes"
        case .bookmark: "bookmark"
        }
    }
}
