import WDFCore

/// Chapters from the episode's own ID3v2 tag (`CHAP`/`CTOC`), already read by the caller.
public struct ID3ChapterSource: ChapterSource {
    public static let origin = ChapterOrigin.id3

    public init() {}

    public func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter] {
        guard let tag else { return [] }
        return tag.chapters.map {
            SourcedChapter($0, origin: .id3, url: $0.url, image: $0.image, description: $0.description)
        }
    }
}
