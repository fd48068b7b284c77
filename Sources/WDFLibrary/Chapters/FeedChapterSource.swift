import WDFCore
import WDFPlatform
import WDFStore

/// Chapters the podcast feed gives for an episode: Podlove Simple Chapters (`<psc:chapters>` in
/// the item, kept in the feed store by `wdfctl sync`), else the Podcasting 2.0 JSON file that the
/// item's `<podcast:chapters url=…>` points to (fetched by `wdfplay-feed` into the cache, see
/// `FeedChapterSource.cachedJSONPath`). Never touches the network.
public struct FeedChapterSource: ChapterSource {
    public static let origin = ChapterOrigin.feed
    /// The feed item of the episode, nil when the feed does not know it.
    public let record: FeedRecord?
    public let cacheDirectory: String

    public init(record: FeedRecord?, cacheDirectory: String) {
        self.record = record
        self.cacheDirectory = cacheDirectory
    }

    public func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter] {
        guard let record else { return [] }
        if !record.chapters.isEmpty {
            return record.chapters.map {
                SourcedChapter(Chapter(title: $0.title, start: $0.start, url: $0.url, image: $0.image), origin: .feed, url: $0.url, image: $0.image)
            }
        }
        guard record.chaptersURL != nil else { return [] }
        let file = FeedChapterSource.cachedJSONPath(guid: record.guid, cacheDirectory: cacheDirectory)
        guard FileSystem.exists(file) else { return [] }
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(file, limit: 4 << 20)
        } catch {
            throw ChapterSourceError(.feed, file: file, reason: "cannot be read: \(error)")
        }
        do {
            return try PodcastJSONChapterSource.parse(bytes, file: file).map { chapter in
                var chapter = chapter
                chapter.origin = .feed
                return chapter
            }
        } catch {
            throw ChapterSourceError(.feed, file: file, reason: error.reason)
        }
    }

    /// Where the Podcasting 2.0 chapters of feed item `guid` are kept once fetched.
    public static func cachedJSONPath(guid: String, cacheDirectory: String) -> String {
        cacheDirectory + "/chapters/" + FeedRecord.fileKey(guid: guid) + ".json"
    }
}
