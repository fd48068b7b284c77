import WDFCore
import WDFLibrary

/// What the chapter fuzz target (`Tests/Fuzz/FuzzChapters.swift`, built by `Scripts/fuzz-chapters`)
/// does with one input; `ChapterSourceFuzzRegressionTests` replays its seeds and findings through
/// the same calls.
/// The chapters a parser returned, offered to `ChapterSources.merged` like a real source.
private struct ParsedChapters: ChapterSource {
    static let origin = ChapterOrigin.feed
    let chapters: [SourcedChapter]

    func chapters(forAudioAt audioPath: String, tag: ID3Tag?, duration: Double?) throws(ChapterSourceError) -> [SourcedChapter] {
        chapters
    }
}

enum ChapterFuzzTarget {
    static func run(_ bytes: [UInt8]) {
        var found: [[SourcedChapter]] = []

        // ID3v2: the tag itself, its comment as show notes, its chapters through the list.
        let tag = ID3Tag.parse(bytes)
        if let tag {
            found.append(tag.chapters.map { SourcedChapter($0, origin: .id3) })
            if let comment = tag.comment { found.append(ShowNotesChapterSource.parse(comment, duration: nil)) }
        }

        // The sidecar formats, as if the bytes were the file.
        if let chapters = try? PodcastJSONChapterSource.parse(bytes, file: "fuzz.chapters.json") { found.append(chapters) }
        if let chapters = try? CUESheetChapterSource.parse(bytes, file: "fuzz.cue", audioName: "fuzz.mp3") { found.append(chapters) }

        // Show notes (UTF-8 with replacement characters), with and without a known duration.
        let text = String(decoding: bytes, as: UTF8.self)
        found.append(ShowNotesChapterSource.parse(text, duration: nil))
        _ = ShowNotesChapterSource.parse(text, duration: 1_800)

        // Skip rules: the bytes before the first NUL are a pattern, the rest a title.
        if let nul = bytes.firstIndex(of: 0), bytes.count - nul < 4_096, nul < 4_096 {
            let rules = SkipRules(patterns: [String(decoding: bytes[..<nul], as: UTF8.self)])
            _ = rules.matches(String(decoding: bytes[(nul + 1)...], as: UTF8.self))
        }

        // Whatever was found, merged with a bookmark and laid out for navigation.
        let bookmark = SourcedChapter(Chapter(title: "", start: 12), origin: .bookmark)
        for chapters in found where !chapters.isEmpty {
            for duration in [nil, 30.0] as [Double?] {
                let merged = ChapterSources.merged(forAudioAt: "/fuzz.mp3", tag: nil, duration: duration, bookmarks: [bookmark],
                                                   sources: [ParsedChapters(chapters: chapters)])
                let list = ChapterList(merged.chapters.filter(\.listed).map(\.chapter), duration: duration)
                _ = list.current(at: 12)
                _ = list.next(after: 0)
                _ = list.previous(from: 20)
            }
        }
    }
}
