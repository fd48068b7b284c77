import WDFCore

/// One place an episode's chapters can come from (ID3 tag, JSON sidecar, CUE sheet, show notes …).
///
/// A new source is one file with a type conforming to this protocol plus one line in
/// `ChapterSources.all`, where its position is its precedence.
public protocol ChapterSource: Sendable {
    /// What the chapters of this source are marked with.
    static var origin: ChapterOrigin { get }

    /// Chapters for the episode at `audioPath` (its ID3 tag already read, nil when it has none;
    /// `duration` in seconds when known). Empty when this source has none for the episode.
    /// Throws a `ChapterSourceError` (one sentence naming the file and the line or field) when
    /// the source is present but broken. Never reads the audio.
    func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter]
}
