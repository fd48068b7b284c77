import Glibc
import Testing
@testable import WDFCore

/// Replays the fuzz seeds (`Tests/Fuzz/corpus`) and every input that once broke a parser
/// (`Tests/Fuzz/regressions`) through the same calls as `Tests/Fuzz/FuzzChapters.swift`:
/// a crash here is a parser bug. `Scripts/fuzz-chapters` finds new ones.
@Suite("Chapter sources: fuzz regressions")
struct ChapterSourceFuzzRegressionTests {
    static func inputs(in folder: String) -> [String] {
        let directory = ChapterFixtures.path(folder)
        return FileSystem.names(in: directory).filter { !$0.hasPrefix(".") && $0 != "README.md" }
            .map { directory + "/" + $0 }.sorted()
    }

    static let seeds = inputs(in: "Tests/Fuzz/corpus")
    static let regressions = inputs(in: "Tests/Fuzz/regressions")

    /// What the fuzz target does with one input, minus the sanitizers.
    static func exercise(_ bytes: [UInt8]) {
        var found: [[SourcedChapter]] = []
        if let tag = ID3Tag.parse(bytes) {
            found.append(tag.chapters.map { SourcedChapter($0, origin: .id3) })
            if let comment = tag.comment { found.append(ShowNotesChapterSource.parse(comment, duration: nil)) }
        }
        if let chapters = try? PodcastJSONChapterSource.parse(bytes, file: "fuzz.chapters.json") { found.append(chapters) }
        if let chapters = try? CUESheetChapterSource.parse(bytes, file: "fuzz.cue", audioName: "fuzz.mp3") { found.append(chapters) }
        let text = String(decoding: bytes, as: UTF8.self)
        found.append(ShowNotesChapterSource.parse(text, duration: nil))
        _ = ShowNotesChapterSource.parse(text, duration: 1_800)
        if let nul = bytes.firstIndex(of: 0), bytes.count - nul < 4_096, nul < 4_096 {
            _ = SkipRules(patterns: [String(decoding: bytes[..<nul], as: UTF8.self)])
                .matches(String(decoding: bytes[(nul + 1)...], as: UTF8.self))
        }
        for chapters in found where !chapters.isEmpty {
            let source = FixedChapterSource(result: .success(chapters))
            for duration in [nil, 30.0] as [Double?] {
                let merged = ChapterSources.merged(forAudioAt: "/fuzz.mp3", tag: nil, duration: duration,
                                                   bookmarks: [SourcedChapter(Chapter(title: "", start: 12), origin: .bookmark)],
                                                   sources: [source])
                let list = ChapterList(merged.chapters.filter(\.listed).map(\.chapter), duration: duration)
                _ = list.current(at: 12)
                _ = list.next(after: 0)
                _ = list.previous(from: 20)
            }
        }
    }

    @Test func seedCorpusIsThere() {
        #expect(Self.seeds.count >= 10)
        #expect(Self.seeds.contains { FileSystem.baseName($0) == "tag-tones.bin" })
    }

    @Test(arguments: seeds + regressions)
    func replay(path: String) throws {
        Self.exercise(try FileSystem.read(path))
    }
}
