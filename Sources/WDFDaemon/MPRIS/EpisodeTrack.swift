import WDFCore
import WDFLibrary
import WDFPlatform
import WDFMPRIS

/// The episode in play as MPRIS `Metadata` shows it: the episode's title, the podcast as the
/// album, and the chapter heard as the second line widgets show (`xesam:artist`, e.g.
/// "Chapter 3/6 — Stalin watches"; the tag's artist when there is no chapter). The service
/// bounds and cleans every text before it goes on the bus.
enum EpisodeTrack {
    /// "Chapter 3/6 — Stalin watches" ("Chapter 3/6" for an untitled one) for chapter `span` of
    /// `chapters`; nil outside chapters.
    static func chapterLine(_ span: ChapterList.Span?, of chapters: ChapterList) -> String? {
        guard let span else { return nil }
        let title = span.title.trimmingWhitespace()
        let head = "Chapter \(span.number)/\(chapters.count)"
        return title.isEmpty ? head : "\(head) — \(title)"
    }

    /// The track of `episode` heard in `chapter` (nil: outside chapters).
    static func track(episode: Episode, chapters: ChapterList, chapter: ChapterList.Span?, duration: Double?,
                      artPath: String?, artURL: String?) -> MPRISTrack {
        let artists = chapterLine(chapter, of: chapters).map { [$0] } ?? episode.tag?.artist.map { [$0] } ?? []
        return MPRISTrack(key: episode.path, title: episode.title, album: episode.series ?? episode.album,
                          artists: artists, number: episode.number, path: episode.path,
                          duration: MediaTime.valid(duration), artPath: artPath, artURL: artURL)
    }
}
