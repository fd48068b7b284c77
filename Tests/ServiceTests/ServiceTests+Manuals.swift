import Foundation
import Testing
import WDFTestSupport

/// Issue 12, point 19: the installed manuals and completions say what the programs do.
extension ServiceTests {
    static func checkManualsAndCompletions(prefix: String, home: String) throws {
        func manual(_ page: String) throws -> String {
            let man = try ServiceTests.run(["man", "-l", page], environment: ["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "100"])
            #expect(man.status == 0 && !man.stderr.contains("warning"), "man \(page): \(man.stderr)")
            return man.stdout
        }
        for name in ["wdfplay", "wdfctl", "wdfplay-config", "wdfplay-feed"] {
            let text = try manual("\(prefix)/share/man/man1/\(name).1")
            // No phantom `help` subcommand; the sections a manual has.
            #expect(!text.contains("Show subcommand help information"), "\(name).1 lists a help subcommand:\n\(text)")
            for section in ["EXIT STATUS", "EXAMPLES", "FILES", "SEE ALSO"] {
                #expect(text.contains("\n\(section)\n"), "\(name).1 has no \(section):\n\(text)")
            }
        }
        let wdfctl = try manual("\(prefix)/share/man/man1/wdfctl.1")
        // The shared options once (not once per subcommand), the exit codes used, the environment.
        #expect(wdfctl.components(separatedBy: "--socket PATH").count - 1 <= 3, "\(wdfctl)")
        #expect(wdfctl.components(separatedBy: "Print the daemon's reply as one JSON object").count - 1 == 1, "\(wdfctl)")
        for code in ["64", "69", "74"] { #expect(wdfctl.contains("\n     \(code)"), "exit status \(code) missing:\n\(wdfctl)") }
        #expect(wdfctl.contains("ENVIRONMENT") && wdfctl.contains("WDFPLAY_SOCKET"), "\(wdfctl)")
        #expect(wdfctl.contains("next-episode") && wdfctl.contains("reload"), "\(wdfctl)")
        let conf = try manual("\(prefix)/share/man/man5/wdfplay.conf.5")
        for key in ["library", "series", "resume_rewind", "checkpoint_interval", "audio_device", "volume", "log_level",
                    "skip_chapters", "continue", "feed"] {
            #expect(conf.contains("\n       \(key) ("), "wdfplay.conf(5) does not document \(key):\n\(conf)")
        }
        // Every key of the shipped config.toml is in the page.
        let shipped = try String(contentsOfFile: repo + "/Config/config.toml", encoding: .utf8)
        for line in shipped.split(separator: "\n") where line.hasPrefix("# ") && line.contains(" = ") {
            let key = line.dropFirst(2).prefix { $0 != " " }
            if key.allSatisfy({ $0.isLetter || $0 == "_" }) { #expect(conf.contains(String(key)), "wdfplay.conf(5) lacks \(key)") }
        }

        // Completions: `wdfplay <TAB>` offers MP3 files and folders, not `help`; `wdfctl sleep <TAB>`
        // the sleep words; `wdfctl sync --download <TAB>` new and none.
        let folder = TemporaryDirectory.make("complete")
        defer { TemporaryDirectory.remove(folder) }
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: folder + "/Korean War 06.mp3"))
        try Data().write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        func complete(_ program: String, _ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let script = """
                source '\(prefix)/share/bash-completion/completions/\(program)'
                COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                _\(program.replacingOccurrences(of: "-", with: "_")) '\(program)' '\(words.last!)' '\(words.dropLast().last!)'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try ServiceTests.run(["bash", "-c", script], environment: [
                "PATH": "\(prefix)/bin:/usr/bin:/bin", "WDFPLAY_SOCKET": home + "/none.sock",
            ], cwd: folder)
            #expect(result.status == 0, "completion \(words): \(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }
        let play = try complete("wdfplay", ["wdfplay", ""])
        #expect(!play.contains("help"), "\(play)")
        #expect(play.contains("Korean War 06.mp3") && play.contains("sub/") && !play.contains("notes.txt"), "\(play)")
        let sleep = try complete("wdfctl", ["wdfctl", "sleep", ""])
        #expect(Set(["chapter", "episode", "off"]).isSubset(of: Set(sleep)), "\(sleep)")
        let download = try complete("wdfctl", ["wdfctl", "sync", "--download", ""])
        #expect(Set(download) == ["new", "none"], "\(download)")
    }
}
