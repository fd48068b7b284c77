import Glibc
import Testing
import WDFCore

@Suite("Display width")
struct DisplayWidthTests {
    @Test func countsColumnsAsATerminalDraws() {
        #expect(DisplayWidth.of("Korean War") == 10)
        #expect(DisplayWidth.of("三八線") == 6)                    // CJK ideographs: 2 each
        #expect(DisplayWidth.of("한국") == 4)                       // Hangul syllables
        #expect(DisplayWidth.of("ＡＢ") == 4)                       // fullwidth forms
        #expect(DisplayWidth.of("🎧😀") == 4)                       // emoji presentation
        #expect(DisplayWidth.of("🇰🇷") == 2)                        // a flag: one grapheme
        #expect(DisplayWidth.of("👩‍👩‍👧") == 2)                        // a ZWJ family
        #expect(DisplayWidth.of("❤️") == 2)                         // text symbol + VS16
        #expect(DisplayWidth.of("❤") == 1)                          // the same without: text
        #expect(DisplayWidth.of("Cafe\u{301}") == 4)                // combining accent: 0
        #expect(DisplayWidth.of("a\u{200B}b") == 2)                 // zero-width space
        #expect(DisplayWidth.of("—…") == 2)                         // dashes and ellipses are narrow
    }

    @Test func cutsAndPadsByColumns() {
        #expect(DisplayWidth.truncated("三八線の向こう", to: 7) == "三八線…")
        #expect(DisplayWidth.of(DisplayWidth.truncated("三八線の向こう", to: 6)) <= 6)
        #expect(DisplayWidth.truncated("short", to: 10) == "short")
        #expect(DisplayWidth.padded("三八", to: 6) == "三八  ")
        #expect(DisplayWidth.rightAligned("12", to: 4) == "  12")
        #expect(DisplayWidth.truncated("anything", to: 0) == "")
    }
}

@Suite("Seek times")
struct SeekTimeTests {
    @Test func readsUnitsAndShares() {
        #expect(TimeFormat.parseSeek("1m30s") == .time(.absolute(90)))
        #expect(TimeFormat.parseSeek("-15") == .time(.relative(-15)))
        #expect(TimeFormat.parseSeek("+1m") == .time(.relative(60)))
        #expect(TimeFormat.parseSeek("1h2m3s") == .time(.absolute(3723)))
        #expect(TimeFormat.parseSeek("50%") == .percent(50, relative: false))
        #expect(TimeFormat.parseSeek("-10%") == .percent(-10, relative: true))
        #expect(TimeFormat.parseSeek("12:00") == .time(.absolute(720)))
        for bad in ["", "%", "101%", "1m1m", "30s1m", "m", "1x", "nan%", "1e400s", "--15"] {
            #expect(TimeFormat.parseSeek(bad) == nil, "\(bad)")
        }
    }
}

@Suite("XDG paths")
struct XDGPathsTests {
    @Test func withoutRuntimeDirectoryTheFolderIsNamedByTheUID() {
        let paths = XDGPaths(environment: ["HOME": "/home/me"])
        #expect(paths.runtimeDirectory == "/tmp/wdfplay-\(getuid())/wdfplay")
        #expect(XDGPaths(environment: ["HOME": "/home/me", "USER": "someone"]).runtimeDirectory == "/tmp/wdfplay-\(getuid())/wdfplay")
        #expect(XDGPaths(environment: ["XDG_RUNTIME_DIR": "/run/user/7"]).runtimeDirectory == "/run/user/7/wdfplay")
    }
}
