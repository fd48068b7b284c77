import WDFCore

/// `info`: the episode object plus its page. `album` is written for a downloaded episode (null
/// when the tag has none); `url` and `guid` for one the feed lists.
public struct EpisodePage: Sendable, Equatable {
    public var episode: EpisodeSummary
    public var album: String?
    /// Plain text of the show notes.
    public var notes: String?
    /// "feed" or "tag".
    public var notesSource: String?
    public var chapterList: [ChapterInfo]
    /// The feed's audio URL (null when the feed item has none).
    public var url: String?
    public var guid: String?
    /// The measured loudness and the levelling gain; only for a downloaded episode once measured.
    public var loudness: LoudnessInfo?

    public init(episode: EpisodeSummary, album: String?, notes: String?, notesSource: String?, chapterList: [ChapterInfo],
                url: String? = nil, guid: String? = nil, loudness: LoudnessInfo? = nil) {
        self.episode = episode
        self.album = album
        self.notes = notes
        self.notesSource = notesSource
        self.chapterList = chapterList
        self.url = url
        self.guid = guid
        self.loudness = loudness
    }

    public var json: JSON {
        var pairs = episode.pairs
        if episode.path != nil { pairs.append(("album", JSON(album))) }
        pairs.append(("notes", JSON(notes)))
        pairs.append(("notes_source", JSON(notesSource)))
        pairs.append(("chapter_list", .array(chapterList.map(\.json))))
        if episode.inFeed {
            pairs.append(("url", JSON(url)))
            pairs.append(("guid", JSON(guid)))
        }
        if let loudness { pairs.append(("loudness", loudness.json)) }
        return .object(pairs)
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "episode page")
        self.init(episode: try EpisodeSummary(f), album: try f.optionalString("album"), notes: try f.optionalString("notes"),
                  notesSource: try f.optionalString("notes_source"),
                  chapterList: try f.array("chapter_list", ChapterInfo.init(json:)),
                  url: try f.optionalString("url"), guid: try f.optionalString("guid"),
                  loudness: try f.optionalObject("loudness", LoudnessInfo.init(json:)))
    }
}
