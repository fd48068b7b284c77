import Foundation
import Testing
import WDFCore
import WDFPlatform

/// The funnel every text for a terminal or a log goes through (issue #11, point 4).
@Suite("Terminal text")
struct TerminalTextTests {
    /// What the funnel must do, written the slow and obvious way (scalar by scalar), to compare
    /// the fast byte-level one against.
    static func reference(_ text: String, lines: TerminalText.Lines = .kept) -> String {
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            let v = s.value
            switch v {
            case 0x09: out.unicodeScalars.append(s)
            case 0x0A where lines == .kept: out.unicodeScalars.append(s)
            case 0x0D where lines == .kept && i + 1 < scalars.count && scalars[i + 1] == "\n": break
            case 0x00...0x1F: out += "^" + String(UnicodeScalar(UInt8(v + 0x40)))
            case 0x7F: out += "^?"
            case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                out += "<U+" + String(format: "%04X", v) + ">"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// What must never reach a terminal: C0 but newline and tab, DEL, C1, bidi controls.
    static func isDangerous(_ s: Unicode.Scalar, newline: Bool = false) -> Bool {
        switch s.value {
        case 0x09: false
        case 0x0A: newline
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    @Test func controlsAreShownInCaretNotation() {
        #expect(TerminalText.clean("\u{1B}]0;pwned\u{07}") == "^[]0;pwned^G")
        #expect(TerminalText.clean("a\u{0}b\u{7F}c\rd\u{8}") == "a^@b^?c^Md^H")
        #expect(TerminalText.clean("\u{1B}[2J") == "^[[2J")
        for byte in UInt8(0)...0x1F where byte != 0x09 && byte != 0x0A {
            let text = String(UnicodeScalar(byte))
            #expect(TerminalText.clean(text) == "^" + String(UnicodeScalar(byte + 0x40)), "\(byte)")
        }
    }

    @Test func c1AndBidiControlsAreShownAsCodePoints() {
        #expect(TerminalText.clean("\u{9B}31m") == "<U+009B>31m")
        #expect(TerminalText.clean("\u{80}\u{9F}") == "<U+0080><U+009F>")
        #expect(TerminalText.clean("abc\u{202E}fdp.exe") == "abc<U+202E>fdp.exe")
        let bidi: [UInt32] = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
        for v in bidi {
            #expect(TerminalText.clean(String(UnicodeScalar(v)!)) == "<U+" + String(format: "%04X", v) + ">")
        }
    }

    @Test func linesAndTabsAreKeptOrEscaped() {
        #expect(TerminalText.clean("one\n\ttwo\r\nthree\r") == "one\n\ttwo\nthree^M")
        #expect(TerminalText.clean("one\n\ttwo\r\nthree", lines: .escaped) == "one^J\ttwo^M^Jthree")
    }

    @Test func everythingElseIsUntouched() {
        let texts = [
            "", "plain ASCII ~!@#$%^&*()[]{}", "Korean War #6: Sino-Soviet Talks", "café naïve Ωμέγα", "中文標題 日本語 한국어",
            "e\u{301} a\u{308}\u{323} combining", "😀👩‍👩‍👧 emoji", "عربى עברית", "\u{A0}nbsp \u{A9}\u{BF} \u{2010}\u{2027}\u{2030}",
            "\u{2028}\u{2029} separators", "\u{2065}\u{206A} beside the isolates", "\u{061B}\u{061D} beside U+061C",
            "\u{200D}\u{FEFF} joiner, BOM", String(repeating: "長い", count: 50_000),
        ]
        for text in texts {
            #expect(TerminalText.clean(text) == text)
            #expect(TerminalText.clean(text, lines: .escaped) == text)
        }
    }

    /// Every Unicode scalar, in blocks, against the reference; and the output is always safe.
    @Test func everyCodePointMatchesTheReference() {
        var block = ""
        func check() {
            let kept = TerminalText.clean(block)
            #expect(kept == TerminalTextTests.reference(block))
            #expect(!kept.unicodeScalars.contains { TerminalTextTests.isDangerous($0) })
            let escaped = TerminalText.clean(block, lines: .escaped)
            #expect(escaped == TerminalTextTests.reference(block, lines: .escaped))
            #expect(!escaped.unicodeScalars.contains { TerminalTextTests.isDangerous($0, newline: true) })
            block = ""
        }
        for v in UInt32(0)...0x10FFFF {
            guard let scalar = UnicodeScalar(v) else { continue }
            block.unicodeScalars.append(scalar)
            if v % 4096 == 4095 { check() }
        }
        check()
    }

    @Test func longHostileTextIsCleanedWhole() {
        let piece = "Title \u{1B}]8;;http://evil.example/\u{1B}\\click\u{1B}]8;;\u{1B}\\ \u{9B}2J 中文 e\u{301} \u{202E}txt.exe\n"
        let text = String(repeating: piece, count: 20_000)  // about 1.3 MB
        let cleaned = TerminalText.clean(text)
        #expect(cleaned == TerminalTextTests.reference(text))
        #expect(!cleaned.unicodeScalars.contains { TerminalTextTests.isDangerous($0) })
        #expect(cleaned.split(separator: "\n").count == 20_000)
        #expect(TerminalText.clean(cleaned) == cleaned)  // cleaning twice changes nothing
    }

    @Test func aTextThatNeedsNothingIsReturnedAsItIs() {
        let text = String(repeating: "An ordinary line of show notes, with é and 中文.\n", count: 10_000)
        #expect(TerminalText.clean(text) == text)
        #expect(TerminalText.clean(text).utf8.elementsEqual(text.utf8))
    }

    /// The programs write text for people only through TerminalText: no `print(`, `fputs`,
    /// `FileHandle.standard…` or `write(1|2, …)` anywhere else in Sources/, so that a future
    /// print cannot bypass the funnel.
    @Test func onlyTheFunnelWrites() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let allowed: Set<String> = ["TerminalText+Output.swift"]
        let patterns = [#"(?<![\w.])print\("#, #"Swift\.print\("#, #"\bdebugPrint\("#, #"\bdump\("#, #"\bfputs\("#, #"\bputs\("#, #"\bfwrite\("#, #"FileHandle\.standard"#,
                        #"\bwrite\(\s*(1|2|STDOUT_FILENO|STDERR_FILENO)\s*,"#, #"\bprintf\("#]
        let regexes = try patterns.map { try NSRegularExpression(pattern: $0) }
        var offenders: [String] = []
        var files = 0
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift", !allowed.contains(url.lastPathComponent) else { continue }
            files += 1
            let text = try String(contentsOf: url, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = String(line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                let range = NSRange(code.startIndex..., in: code)
                if regexes.contains(where: { $0.firstMatch(in: code, range: range) != nil }) {
                    offenders.append("\(url.path.dropFirst(root.path.count + 1)):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(files > 50)
        #expect(offenders.isEmpty, "write through TerminalText.print/printError instead:\n\(offenders.joined(separator: "\n"))")
    }
}
