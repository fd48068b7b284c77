import Glibc
import Testing
@testable import WDFClient
import WDFCore
import WDFPlatform
import WDFTestSupport

/// What `wdfplay <TAB>` offers: file names as the kernel has them, nothing a terminal obeys.
@Suite("Shell completion")
struct EpisodeCompletionTests {
    /// A fresh folder, removed (with what is in it) after `body`.
    func withFolder(_ body: (String) throws -> Void) throws {
        try TemporaryDirectory.with("completion", body)
    }

    func create(_ path: String) throws {
        let fd = FileName.withCString(path) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw SystemError("open", path) }
        close(fd)
    }

    @Test func aFileNameThatIsNotUTF8IsOfferedByItsBytes() throws {
        try withFolder { folder in
            // "caf\xE9.mp3": Latin-1, not UTF-8; and a folder "d\xFF".
            let latin1 = FileName.string(Array("caf".utf8) + [0xE9] + Array(".mp3".utf8))
            let folderName = FileName.string(Array("d".utf8) + [0xFF])
            try create(folder + "/" + latin1)
            try create(folder + "/plain.mp3")
            try create(folder + "/notes.txt")
            #expect(FileName.withCString(folder + "/" + folderName) { mkdir($0, 0o755) } == 0)

            let offered = EpisodeCompletion.files(folder + "/")
            #expect(offered == [folder + "/" + latin1, folder + "/" + folderName + "/", folder + "/plain.mp3"].sorted(), "\(offered)")
            // Each offered path names its file: its bytes are the kernel's.
            for path in offered { #expect(FileSystem.exists(path), "\(FileName.display(path))") }
            #expect(FileName.bytes(offered.first { $0.hasSuffix("mp3") && $0 != folder + "/plain.mp3" } ?? "")
                    == Array((folder + "/caf").utf8) + [0xE9] + Array(".mp3".utf8))
        }
    }

    @Test func procIsListedWithoutReadingPastARecord() {
        // /proc's records are short and packed (issue #11 point 2): twice, no crash, its folders.
        for _ in 0..<2 {
            let offered = EpisodeCompletion.files("/proc/self/")
            #expect(offered.contains("/proc/self/fd/") && offered.contains("/proc/self/task/"), "\(offered)")
        }
    }

    @Test func hostileSeriesNamesOfferNoControlCharacters() {
        let names = [
            "Korean War",
            "Evil\u{1B}]0;pwned\u{07} Title",        // OSC: sets the window title
            "Red\u{1B}[31m Alert",                   // CSI colour
            "Two\nLines",                            // a newline would be a second candidate
            "Tab\tSeparated",
            "Para\u{2029}Graph",
            "Bidi \u{202E}gnp.exe",                   // RIGHT-TO-LEFT OVERRIDE
            "C1 \u{9B}31m",                          // a CSI by itself
            "Bell\u{07}",
        ]
        let first = EpisodeCompletion.nextWords(of: names, after: [])
        #expect(first == ["korean", "two", "tab", "para", "bidi", "c1"], "\(first)")
        for word in first { #expect(TerminalText.clean(word, lines: .escaped) == word) }
        // Words split on any whitespace: "two" is followed by "lines", "tab" by "separated".
        #expect(EpisodeCompletion.nextWords(of: names, after: ["two"]) == ["lines"])
        #expect(EpisodeCompletion.nextWords(of: names, after: ["tab"]) == ["separated"])
        #expect(EpisodeCompletion.nextWords(of: names, after: ["para"]) == ["graph"])
        // The hostile word itself is not offered, at any position.
        #expect(EpisodeCompletion.nextWords(of: names, after: ["bidi"]) == [])
        #expect(EpisodeCompletion.nextWords(of: names, after: ["c1"]) == [])
        #expect(EpisodeCompletion.nextWords(of: names, after: ["korean"]) == ["war"])
        // Every candidate passes the same test, a file name too.
        #expect(!EpisodeCompletion.isShownAsIs("a\nb.mp3") && !EpisodeCompletion.isShownAsIs("\u{1B}[2J.mp3"))
        #expect(EpisodeCompletion.isShownAsIs("三八線.mp3") && EpisodeCompletion.isShownAsIs(FileName.string([0x61, 0xE9])))
    }
}
