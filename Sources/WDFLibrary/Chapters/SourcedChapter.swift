import WDFCore

/// A chapter together with what its source said about it beyond title and times.
public struct SourcedChapter: Sendable, Equatable {
    public var chapter: Chapter
    public var origin: ChapterOrigin
    /// A link the source attached to the chapter (JSON `url`, ID3 `WXXX`).
    public var url: String?
    /// A reference to the chapter's image (JSON `img`), never the image itself.
    public var image: String?
    /// Extra text (CUE `PERFORMER`, ID3 `TIT3`).
    public var description: String?
    /// `false` for Podcasting 2.0 `toc: false` markers: they may change the artwork or link at
    /// their time but are not chapters to navigate to, count or show.
    public var listed: Bool

    public init(_ chapter: Chapter, origin: ChapterOrigin, url: String? = nil, image: String? = nil,
                description: String? = nil, listed: Bool = true) {
        self.chapter = chapter
        self.origin = origin
        self.url = url
        self.image = image
        self.description = description
        self.listed = listed
    }
}
