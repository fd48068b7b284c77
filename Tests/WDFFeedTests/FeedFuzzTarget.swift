import WDFCore
import WDFFeed

/// What the feed fuzz target (`Tests/Fuzz/FuzzFeed.swift`, built by `Scripts/fuzz-feed`) does with
/// one input; `FeedFuzzRegressionTests` replays its seeds and findings through the same calls.
enum FeedFuzzTarget {
    static func run(_ bytes: [UInt8]) {
        // The feed as downloaded, and the show notes of each item as `wdfplay notes` prints them.
        if let feed = try? RSSParser.parse(bytes) {
            for item in feed.items {
                _ = ShowNotesText.plain(item.notesHTML ?? "", width: 60)
            }
        }
        // The bytes as show notes themselves (HTML or plain text, UTF-8 with replacement characters).
        _ = ShowNotesText.plain(String(decoding: bytes, as: UTF8.self))
        // The bytes as the start (and the end) of a downloaded MP3 file.
        _ = MP3DurationReader.parse(head: bytes, fileSize: bytes.count, tail: Array(bytes.suffix(160)))
    }
}
