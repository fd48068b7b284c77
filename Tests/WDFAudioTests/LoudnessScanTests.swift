import Glibc
import Testing
import WDFAudio
import WDFCore
import WDFPlatform
import WDFDSP

/// The measurement pass on the sox-made episodes of Tests/Fixtures/dsp (Scripts/make-dsp-fixtures):
/// sines at -6 and -26 dBFS peak, stereo. In theory a sine at P dBFS peak measures P − 3.01 (mean
/// square) + 3.01 (two channels) − 0.69 (the formula) + K-weighting (≈ 0 dB at 500–700 Hz) ≈ P − 0.7 LUFS,
/// with a true peak of P dBTP (within lame's error).
@Suite("Loudness scan")
struct LoudnessScanTests {
    static let fixtures = String(#filePath).split(separator: "/").dropLast(2).joined(separator: "/")
    static func fixture(_ name: String) -> String { "/" + fixtures + "/Fixtures/dsp/" + name }

    func temporaryCopy(of name: String) throws -> String {
        var template = Array("/tmp/wdf-scan-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        let path = dir + "/" + name
        try FileSystem.writeAtomically(path, try FileSystem.read(Self.fixture(name)), durable: false, mode: 0o644)
        return path
    }

    @Test func theTwoEpisodesMeasureTwentyDecibelsApart() throws {
        let loud = try #require(try LoudnessScan.measure(path: Self.fixture("level-loud.mp3")))
        let quiet = try #require(try LoudnessScan.measure(path: Self.fixture("level-quiet.mp3")))
        let loudLUFS = try #require(loud.loudness), quietLUFS = try #require(quiet.loudness)
        #expect(abs(loudLUFS - -6.7) < 1, "loud: \(loudLUFS) LUFS")
        #expect(abs(quietLUFS - -26.7) < 1, "quiet: \(quietLUFS) LUFS")
        #expect(abs((loudLUFS - quietLUFS) - 20) < 0.5)
        #expect(abs(try #require(loud.truePeak) - -6) < 1, "loud true peak \(String(describing: loud.truePeak))")
        #expect(abs(try #require(quiet.truePeak) - -26) < 1)
        // 8 s of audio (lame's gapless trim may leave a frame either way).
        #expect(abs(loud.seconds - 8) < 0.1, "\(loud.seconds) s")
        let identity = try #require(EpisodeLoudness.identity(of: Self.fixture("level-loud.mp3")))
        #expect(loud.size == identity.size && loud.mtime == identity.mtime)
        // Levelled, both land on -16 LUFS (neither gain is limited by the true peak).
        let loudGain = GainStage.levellingGain(loudness: loudLUFS, truePeak: loud.truePeak)
        let quietGain = GainStage.levellingGain(loudness: quietLUFS, truePeak: quiet.truePeak)
        #expect(abs(loudLUFS + loudGain - -16) < 0.01 && abs(quietLUFS + quietGain - -16) < 0.01)
    }

    @Test func aLimitMeasuresOnlyTheStart() throws {
        let part = try #require(try LoudnessScan.measure(path: Self.fixture("level-loud.mp3"), limit: 2))
        #expect(part.seconds >= 2 && part.seconds < 2.5, "\(part.seconds) s")
        #expect(part.loudness != nil)
    }

    @Test func aPassThatMayNotGoOnIsAbandoned() throws {
        var asked = 0
        let result = try LoudnessScan.measure(path: Self.fixture("level-loud.mp3"), proceed: {
            asked += 1
            return asked < 3
        })
        #expect(result == nil && asked == 3)
    }

    /// A measurement must be of the file that is there: one written to while it is read is not kept.
    @Test func aFileChangedDuringThePassGivesNoMeasurement() throws {
        let path = try temporaryCopy(of: "level-quiet.mp3")
        var touched = false
        let result = try LoudnessScan.measure(path: path, proceed: {
            if !touched {
                touched = true
                let fd = open(path, O_WRONLY | O_APPEND)
                #expect(fd >= 0)
                _ = write(fd, "x", 1)
                close(fd)
            }
            return true
        })
        #expect(touched && result == nil)
    }

    @Test func missingAndBrokenFilesAreOneSentence() throws {
        #expect(throws: AudioError.self) { try LoudnessScan.measure(path: "/nonexistent/episode.mp3") }
        let dir = try temporaryCopy(of: "level-quiet.mp3")
        let bogus = FileSystem.directoryName(dir) + "/bogus.mp3"
        try FileSystem.writeAtomically(bogus, Array(repeating: 0x41, count: 4096), durable: false)
        do {
            _ = try LoudnessScan.measure(path: bogus)
            Issue.record("a file of text measured")
        } catch {
            #expect(error.message.contains("bogus.mp3"), "\(error.message)")
        }
    }
}
