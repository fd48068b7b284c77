import Glibc
import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("Chapter sources: Podcasting 2.0 JSON")
struct ChapterSourceJSONTests {
    let source = PodcastJSONChapterSource()

    @Test func sidecarBesideTheAudio() throws {
        let episode = EpisodeDirectory(audioName: "Korean War 06.mp3")
        try episode.place("tones.chapters.json", as: "Korean War 06.chapters.json")
        let chapters = try source.chapters(forAudioAt: episode.audio, tag: nil, duration: 30)
        #expect(chapters == [
            SourcedChapter(Chapter(title: "Low tones", start: 0), origin: .json, image: "https://example.com/low.png"),
            SourcedChapter(Chapter(title: "Artwork change", start: 7.5), origin: .json,
                           image: "https://example.com/mid.png", listed: false),
            SourcedChapter(Chapter(title: "Middle tones", start: 10, end: 20), origin: .json, url: "https://example.com/middle"),
            SourcedChapter(Chapter(title: "High tones", start: 20.25), origin: .json),
            SourcedChapter(Chapter(title: "Chapter 4", start: 25), origin: .json),  // the marker is not counted
        ])
    }

    @Test func noSidecarIsNoChapters() throws {
        let episode = EpisodeDirectory()
        #expect(try source.chapters(forAudioAt: episode.audio, tag: nil, duration: 30).isEmpty)
    }

    @Test func invalidJSONNamesTheFileAndLine() throws {
        let episode = EpisodeDirectory()
        let path = try episode.place("bad.chapters.json", as: "episode.chapters.json")
        #expect {
            try source.chapters(forAudioAt: episode.audio, tag: nil, duration: 30)
        } throws: { error in
            guard let error = error as? ChapterSourceError else { return false }
            return error.file == path && error.line == 5 && error.origin == .json
                && error.description.hasPrefix("Ignoring the JSON chapters file \(path), line 5: it is not valid JSON")
        }
    }

    @Test func missingStartTimeNamesTheField() throws {
        let bytes = try ChapterFixtures.bytes("no-start.chapters.json")
        do {
            _ = try PodcastJSONChapterSource.parse(bytes, file: "x.chapters.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "chapters[1].startTime")
            #expect(error.description == "Ignoring the JSON chapters file x.chapters.json, chapters[1].startTime: it is missing.")
        }
    }

    @Test(arguments: [
        (#"[]"#, "an array, not an object"),
        (#"{"version":"1.2.0"}"#, "\"chapters\" array is missing"),
        (#"{"chapters":{}}"#, "an object, not an array"),
        (#"{"chapters":[1]}"#, "chapters[0]: it is a number"),
        (#"{"chapters":[{"startTime":-4}]}"#, "not -4.0"),
        (#"{"chapters":[{"startTime":"soon"}]}"#, "not \"soon\""),
        (#"{"chapters":[{"startTime":null}]}"#, "not null"),
    ])
    func brokenShapes(text: String, expected: String) {
        do {
            _ = try PodcastJSONChapterSource.parse(Array(text.utf8), file: "f.json")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.contains("f.json"))
        }
    }

    @Test func toleratesMissingAndMistypedOptionalFields() throws {
        let text = #"{"chapters":[{"startTime":"1:05","title":7,"img":false,"url":"","toc":"no","endTime":"x"},{"startTime":3}]}"#
        let chapters = try PodcastJSONChapterSource.parse(Array(text.utf8), file: "f.json")
        // Sorted by start; untitled ones numbered in that order.
        #expect(chapters == [
            SourcedChapter(Chapter(title: "Chapter 1", start: 3), origin: .json),
            SourcedChapter(Chapter(title: "Chapter 2", start: 65), origin: .json),
        ])
    }

    @Test func capsTheChapterCount() throws {
        let entries = (0..<6_000).map { #"{"startTime":\#($0)}"# }.joined(separator: ",")
        let chapters = try PodcastJSONChapterSource.parse(Array(#"{"chapters":[\#(entries)]}"#.utf8), file: "f.json")
        #expect(chapters.count == PodcastJSONChapterSource.maximumChapters)
    }

    @Test func refusesHugeFiles() throws {
        let episode = EpisodeDirectory()
        let path = try episode.write([UInt8](repeating: 0x20, count: PodcastJSONChapterSource.maximumFileSize + 1), as: "episode.chapters.json")
        do {
            _ = try source.chapters(forAudioAt: episode.audio, tag: nil, duration: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "Ignoring the JSON chapters file \(path): it is larger than 4 MiB.")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = #"{"chapters":"# + String(repeating: "[", count: 100_000)
        #expect(throws: ChapterSourceError.self) { try PodcastJSONChapterSource.parse(Array(text.utf8), file: "f.json") }
    }
}
