import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("Chapter sources: CUE sheets")
struct ChapterSourceCUETests {
    let source = CUESheetChapterSource()

    @Test func sheetWithBOMAndCRLF() throws {
        let episode = EpisodeDirectory()
        try episode.place("tones.cue", as: "episode.cue")
        let chapters = try source.chapters(forAudioAt: episode.audio, tag: nil, duration: 30)
        #expect(chapters == [
            SourcedChapter(Chapter(title: "Opening", start: 0), origin: .cue),
            SourcedChapter(Chapter(title: "Stalin's reply", start: 5 + 37.0 / 75), origin: .cue, description: "Zack Twamley"),
            SourcedChapter(Chapter(title: "The talks", start: 15 + 74.0 / 75), origin: .cue),
            SourcedChapter(Chapter(title: "Track 04", start: 25), origin: .cue),
        ])
    }

    @Test func sameSheetWithLFOrCROnlyAndWithoutBOM() throws {
        let original = try ChapterFixtures.bytes("tones.cue")
        let withoutBOM = Array(original.dropFirst(3))
        let lf = withoutBOM.filter { $0 != 0x0D }
        let cr = withoutBOM.filter { $0 != 0x0A }
        let expected = try CUESheetChapterSource.parse(original, file: "a.cue")
        #expect(expected.count == 4)
        #expect(try CUESheetChapterSource.parse(lf, file: "a.cue") == expected)
        #expect(try CUESheetChapterSource.parse(cr, file: "a.cue") == expected)
    }

    @Test func malformedIndexNamesTheLine() throws {
        let episode = EpisodeDirectory()
        let path = try episode.place("bad-index.cue", as: "episode.cue")
        do {
            _ = try source.chapters(forAudioAt: episode.audio, tag: nil, duration: 30)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 8)
            #expect(error.description
                == "Ignoring the CUE sheet \(path), line 8: \"00:05\" is not a time mm:ss:ff (seconds below 60, frames below 75).")
        }
    }

    @Test(arguments: [
        ("TRACK 01 AUDIO\nINDEX 01 00:60:00\n", 2),
        ("TRACK 01 AUDIO\nINDEX 01 00:00:75\n", 2),
        ("TRACK 01 AUDIO\nINDEX 01\n", 2),
        ("TRACK 01 AUDIO\nINDEX 01 a:00:00\n", 2),
        ("REM x\nINDEX 01 00:00:00\n", 2),
        ("TRACK AUDIO\n", 1),
        ("TRACK 01 AUDIO\nINDEX 01 00:00:00\nINDEX 01 00:01:00\n", 3),
        ("TRACK 01 AUDIO\nTITLE \"x\"\nTRACK 02 AUDIO\nINDEX 01 00:01:00\n", 1),
    ])
    func brokenLines(text: String, line: Int) {
        do {
            let chapters = try CUESheetChapterSource.parse(Array(text.utf8), file: "a.cue")
            Issue.record("expected an error, got \(chapters)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains("a.cue, line \(line): "))
        }
    }

    @Test func longEpisodesLatin1AndOtherCommands() throws {
        // Minutes past 99, Latin-1 text, a data track, commands wdfplay does not need.
        var bytes = Array("CATALOG 0000000000000\nFILE ep.mp3 MP3\nTRACK 01 MODE1/2048\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nTITLE \"Caf".utf8)
        bytes += [0xE9] + Array("\"\nISRC X\nPREGAP 00:02:00\nINDEX 01 125:30:00\nPOSTGAP 00:01:00\n".utf8)
        let chapters = try CUESheetChapterSource.parse(bytes, file: "a.cue")
        #expect(chapters == [SourcedChapter(Chapter(title: "Café", start: 125 * 60 + 30), origin: .cue)])
    }

    @Test func severalFilesPickTheEpisodesTracks() throws {
        let text = """
            FILE "Part 1.wav" WAVE
              TRACK 01 AUDIO
                TITLE "One"
                INDEX 01 00:00:00
            FILE "episode.flac" WAVE
              TRACK 02 AUDIO
                TITLE "Two"
                INDEX 01 00:00:00
              TRACK 03 AUDIO
                TITLE "Three"
                INDEX 01 00:10:00
            """
        let chapters = try CUESheetChapterSource.parse(Array(text.utf8), file: "a.cue", audioName: "Episode.mp3")
        #expect(chapters.map(\.chapter.title) == ["Two", "Three"])
        #expect(throws: ChapterSourceError.self) {
            try CUESheetChapterSource.parse(Array(text.utf8), file: "a.cue", audioName: "other.mp3")
        }
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let episode = EpisodeDirectory()
        let path = episode.makeFIFO("episode.cue")
        do {
            _ = try source.chapters(forAudioAt: episode.audio, tag: nil, duration: 30)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "Ignoring the CUE sheet \(path): it is not a regular file.")
        }
    }

    @Test func noSheetIsNoChapters() throws {
        let episode = EpisodeDirectory()
        #expect(try source.chapters(forAudioAt: episode.audio, tag: nil, duration: 30).isEmpty)
    }
}
