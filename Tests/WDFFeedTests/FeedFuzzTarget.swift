import WDFCore
import WDFFeed
import WDFStore
import WDFLibrary

/// What the feed fuzz target (`Tests/Fuzz/FuzzFeed.swift`, built by `Scripts/fuzz-feed`) does with
/// one input; `FeedFuzzRegressionTests` replays its seeds and findings through the same calls.
enum FeedFuzzTarget {
    static func run(_ bytes: [UInt8]) {
        // The feed as downloaded, and the show notes of each item as `wdfplay notes` prints them.
        if let feed = try? RSSParser.parse(bytes) {
            for item in feed.items {
                _ = ShowNotesText.plain(item.notesHTML ?? "", width: 60)
                numbers(item)
            }
        }
        // The bytes as show notes themselves (HTML or plain text, UTF-8 with replacement characters).
        _ = ShowNotesText.plain(String(decoding: bytes, as: UTF8.self))
        // The bytes as the start (and the end) of a downloaded MP3 file.
        _ = MP3DurationReader.parse(head: bytes, fileSize: bytes.count, tail: Array(bytes.suffix(160)))
    }

    /// What the feed store, `episodes` and `info` do with an item's numbers: they must be in range
    /// (`FeedRecord.maximumSeconds` …), make clocks and integers without trapping, and survive the
    /// store's JSON unchanged.
    static func numbers(_ item: FeedRecord) {
        if let duration = item.duration {
            precondition(duration.isFinite && duration > 0 && duration <= FeedRecord.maximumSeconds, "duration \(duration)")
            _ = TimeFormat.clock(duration)
            _ = Int(duration)
        }
        for chapter in item.chapters {
            precondition(chapter.start.isFinite && chapter.start >= 0 && chapter.start <= FeedRecord.maximumSeconds, "start \(chapter.start)")
            _ = TimeFormat.clock(chapter.start)
            _ = Int(chapter.start * 1000)
        }
        if let length = item.enclosureLength { precondition(length > 0 && length <= FeedRecord.maximumLength, "length \(length)") }
        for n in [item.number, item.season].compactMap({ $0 }) { precondition(n >= 0 && n <= FeedRecord.maximumNumber, "number \(n)") }
        if let published = item.published { _ = FeedDate.day(published) }
        let stored = FeedRecord(json: item.json)
        precondition((stored?.duration == nil) == (item.duration == nil) && stored?.enclosureLength == item.enclosureLength
                     && stored?.number == item.number && stored?.published == item.published
                     && stored?.chapters.count == item.chapters.count, "the store changed the numbers of \(item.guid)")
    }
}
